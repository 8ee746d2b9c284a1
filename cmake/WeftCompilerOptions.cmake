# Project-wide compiler settings, applied through an interface target so that
# consumers of weft::weft never inherit our warning or sanitizer flags.
add_library(weft_build_options INTERFACE)
target_compile_features(weft_build_options INTERFACE cxx_std_20)
if(CMAKE_CXX_COMPILER_ID MATCHES "GNU|Clang")
  target_compile_options(weft_build_options INTERFACE -Wall -Wextra -Wpedantic -Wshadow)
  if(WEFT_WARNINGS_AS_ERRORS)
    target_compile_options(weft_build_options INTERFACE -Werror)
  endif()
endif()
if(WEFT_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "WEFT_FUZZ needs clang (libFuzzer); g++ builds run the fuzz targets "
                        "under fuzz/standalone_driver.cpp without it")
  endif()
  # libFuzzer is guided by the coverage of what it runs: the library, not only each target's
  # file. Every object gets the coverage and comparison hooks; only the fuzz targets link
  # libFuzzer itself (-fsanitize=fuzzer, in fuzz/CMakeLists.txt).
  add_compile_options(-fsanitize=fuzzer-no-link)
endif()
if(WEFT_SANITIZE OR WEFT_FUZZ)
  # Sanitizers must cover every object in the process, including test mains,
  # so they are set globally rather than on a target.
  add_compile_options(-fsanitize=address,undefined -fno-sanitize-recover=all
                      -fno-omit-frame-pointer)
  add_link_options(-fsanitize=address,undefined -fno-sanitize-recover=all)
  add_compile_definitions(WEFT_SANITIZED=1)
endif()

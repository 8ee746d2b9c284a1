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
if(WEFT_SANITIZE)
  # Sanitizers must cover every object in the process, including test mains,
  # so they are set globally rather than on a target.
  add_compile_options(-fsanitize=address,undefined -fno-sanitize-recover=all
                      -fno-omit-frame-pointer)
  add_link_options(-fsanitize=address,undefined -fno-sanitize-recover=all)
  add_compile_definitions(WEFT_SANITIZED=1)
endif()

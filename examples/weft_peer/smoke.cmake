# Smoke run of weft-peer: scripted commands on stdin, answers checked line by line.
# Usage: cmake -DPEER=<path to weft-peer> -P smoke.cmake
set(input "${CMAKE_CURRENT_BINARY_DIR}/weft_peer_smoke_input.txt")
file(WRITE "${input}" [=[
append hello
insert 0 >
print
delete 0 1
# a comment, no answer
digest
insert 9 x
delete 2 99
frobnicate
insert 0 bad\q
peers
append \xce\xbb\s!
print
quit
]=])
execute_process(COMMAND "${PEER}" --listen tcp://127.0.0.1:0 --name smoke INPUT_FILE "${input}"
                OUTPUT_VARIABLE out ERROR_VARIABLE err RESULT_VARIABLE rc TIMEOUT 30)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "weft-peer exited with ${rc}\nstdout:\n${out}\nstderr:\n${err}")
endif()
# FNV-1a 64 of "hello" is a published test vector: a430d84680aabd0b.
set(expected
    "^listening tcp://127\\.0\\.0\\.1:[1-9][0-9]*\n"
    "ok\nok\ntext >hello\nok\n"
    "digest a430d84680aabd0b 5\n"
    "error position 9 past end \\(size 5\\)\n"
    "error range 2\\+99 past end \\(size 5\\)\n"
    "error unknown command 'frobnicate'\n"
    "error bad escape or invalid UTF-8 in TEXT\n"
    "peers 0\n"
    "ok\ntext helloλ !\nok\n$")
string(JOIN "" expected ${expected})
if(NOT out MATCHES "${expected}")
  message(FATAL_ERROR "unexpected output:\n${out}\nstderr:\n${err}")
endif()

# cmake -DIN=<file> -DOUT=<file.cpp> -DNAME=<symbol> -P embed_file.cmake: writes a C++ file that
# holds IN's bytes as `const unsigned char NAME[]` and their count as `const unsigned NAME_size`.
file(READ "${IN}" hex HEX)
string(LENGTH "${hex}" digits)
math(EXPR size "${digits} / 2")
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${hex}")
string(REGEX REPLACE "(0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,)" "\\1\n" bytes "${bytes}")
file(WRITE "${OUT}.part" "// Generated from ${IN} by cmake/embed_file.cmake.\n"
  "extern const unsigned char ${NAME}[] = {\n${bytes}};\n"
  "extern const unsigned ${NAME}_size = ${size};\n")
file(RENAME "${OUT}.part" "${OUT}")

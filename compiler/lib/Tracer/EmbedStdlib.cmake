# Writes OUT, a C++ fragment holding the bytes of each file of FILES (paths
# relative to SRC_DIR, separated by commas) as an array, and kStdlibFiles listing them. Run by the
# build (cmake -P) so that bpc carries its .bpm standard library inside.
string(REPLACE "," ";" FILES "${FILES}")
set(body "// Generated from stdlib/ by EmbedStdlib.cmake; do not edit.\n")
set(table "")
set(index 0)
foreach(file IN LISTS FILES)
  file(READ "${SRC_DIR}/${file}" hex HEX)
  string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${hex}")
  string(REGEX REPLACE "(0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,)"
         "\\1\n" bytes "${bytes}")
  # unsigned: UTF-8 bytes above 0x7f do not narrow into a signed char.
  string(APPEND body "static const unsigned char kStdlibFile${index}[] = {\n${bytes}0x00};\n")
  string(APPEND table "    {\"${file}\", reinterpret_cast<const char *>(kStdlibFile${index}),\n"
                      "     sizeof(kStdlibFile${index}) - 1},\n")
  math(EXPR index "${index} + 1")
endforeach()
string(APPEND body "static const EmbeddedFile kStdlibFiles[] = {\n${table}};\n")
file(WRITE "${OUT}" "${body}")

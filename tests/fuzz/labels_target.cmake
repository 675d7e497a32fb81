# fuzz_labels: the labels-file parser and the printable-text functions (mnv3/labels.h).
# Included from tests/fuzz/targets.cmake (mnv3_fuzzer() is in tests/fuzz/CMakeLists.txt).
mnv3_fuzzer(labels "${root}/runtime/classifier/labels.cpp" "${root}/runtime/io/input_file.cpp")

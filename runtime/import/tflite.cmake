# TFLite flatbuffer reader: plain C++17, no Halide, no TensorFlow or flatbuffers library.
# flatbuffer.cpp: generic bounds-checked decoding; tflite_reader.cpp: the TFLite schema on top;
# tflite_names.cpp: the schema's operator/type names and enum values.
add_library(mnv3_tflite STATIC import/flatbuffer.cpp import/tflite_names.cpp import/tflite_reader.cpp)
# flatbuffer.h and tflite_names.h are private to the reader (import/).
target_include_directories(mnv3_tflite PUBLIC include ../model/include PRIVATE import)
target_link_libraries(mnv3_tflite PUBLIC mnv3_io)

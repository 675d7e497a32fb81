# TFLite flatbuffer reader: plain C++17, no Halide, no TensorFlow or flatbuffers library.
add_library(mnv3_tflite STATIC src/tflite_reader.cpp)
target_include_directories(mnv3_tflite PUBLIC include)

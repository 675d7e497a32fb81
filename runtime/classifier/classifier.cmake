# mnv3::Classifier (mnv3/classifier.h): a Network with its input convention, softmax and
# top-k. It loads .tflite models too, so it links the TFLite importer (plain C++17, no
# TensorFlow); programs that bring their own weights and pixels can use mnv3_runtime alone.
# labels.cpp: labels files and printable text (mnv3/labels.h).
# Included from runtime/CMakeLists.txt: paths are relative to runtime/.
add_library(mnv3_classifier STATIC classifier/classifier.cpp classifier/labels.cpp)
target_include_directories(mnv3_classifier PUBLIC include)
target_link_libraries(mnv3_classifier PUBLIC mnv3_runtime mnv3_tflite_import)

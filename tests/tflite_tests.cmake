# TFLite reader: the two pretrained models (MNV3_MODELS_DIR overrides where they are) and
# hostile inputs (truncations, byte flips, hand-built malformed flatbuffers).
add_executable(test_tflite_reader test_tflite_reader.cpp)
target_link_libraries(test_tflite_reader PRIVATE mnv3_tflite mnv3_catch_main)
target_compile_definitions(test_tflite_reader PRIVATE
                           MNV3_DEFAULT_MODELS_DIR="${PROJECT_SOURCE_DIR}/../shared/data/models")
add_test(NAME tflite_reader COMMAND test_tflite_reader)
# The importer's own refusals (quantization, options) on edited copies of the real models.
if (TARGET mnv3_tflite_import)
    target_link_libraries(test_tflite_reader PRIVATE mnv3_tflite_import)
    target_compile_definitions(test_tflite_reader PRIVATE MNV3_TEST_TFLITE_IMPORT)
endif ()

# One line per fuzz target: mnv3_fuzzer(<name> <sources under test>).
if (EXISTS "${CMAKE_CURRENT_SOURCE_DIR}/fuzz_tflite.cpp")
    mnv3_fuzzer(tflite "${root}/runtime/import/flatbuffer.cpp" "${root}/runtime/import/tflite_names.cpp"
                "${root}/runtime/import/tflite_reader.cpp")
endif ()
if (EXISTS "${CMAKE_CURRENT_SOURCE_DIR}/fuzz_png.cpp")
    mnv3_fuzzer(png "${root}/runtime/image/png_image.cpp" "${root}/runtime/image/preprocess.cpp")
    target_link_libraries(fuzz_png PRIVATE PNG::PNG)
endif ()

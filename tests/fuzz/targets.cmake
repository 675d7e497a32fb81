# One line per fuzz target: mnv3_fuzzer(<name> <sources under test>).
if (EXISTS "${CMAKE_CURRENT_SOURCE_DIR}/fuzz_tflite.cpp")
    mnv3_fuzzer(tflite "${root}/runtime/import/flatbuffer.cpp" "${root}/runtime/import/tflite_names.cpp"
                "${root}/runtime/import/tflite_reader.cpp")
endif ()
if (EXISTS "${CMAKE_CURRENT_SOURCE_DIR}/fuzz_png.cpp")
    mnv3_fuzzer(png "${root}/runtime/image/png_image.cpp" "${root}/runtime/image/preprocess.cpp")
    target_link_libraries(fuzz_png PRIVATE PNG::PNG)
endif ()
if (EXISTS "${CMAKE_CURRENT_SOURCE_DIR}/fuzz_mnv3w.cpp")
    include(mnv3w_target.cmake OPTIONAL)  # the weight-file reader (its sources: mnv3w_target.cmake)
endif ()
if (EXISTS "${CMAKE_CURRENT_SOURCE_DIR}/fuzz_labels.cpp")
    include(labels_target.cmake OPTIONAL)  # the labels-file reader (its sources: labels_target.cmake)
endif ()
if (EXISTS "${CMAKE_CURRENT_SOURCE_DIR}/fuzz_schedule.cpp")
    include(schedule_target.cmake OPTIONAL)  # the schedule-file reader
endif ()

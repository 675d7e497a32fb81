# Tests that compare builds for different targets, and what the tests need to run in a
# cross build (docs/arm.md).
#
# dump_logits (every build): the logits of the torch references and of the pretrained TFLite
# models on the sample photos, as raw files. In a cross build, the test arm_vs_x86 runs the
# x86 build's dump_logits (-DMNV3_X86_DUMP_LOGITS=<x86 build>/tests/dump_logits; `make
# test-arm` passes it) and this build's through the emulator, and compares the logits.
add_executable(dump_logits dump_logits.cpp)
target_link_libraries(dump_logits PRIVATE mnv3_tflite_import mnv3_image)
add_dependencies(dump_logits torch_refs)

if (CMAKE_CROSSCOMPILING)
    set(MNV3_X86_DUMP_LOGITS "" CACHE FILEPATH "dump_logits of an x86 build, for the arm_vs_x86 test")
    # Scripts that run a target program themselves get the emulator from the environment.
    list(JOIN CMAKE_CROSSCOMPILING_EMULATOR " " _emulator)
    set_tests_properties(classify PROPERTIES ENVIRONMENT "MNV3_EMULATOR=${_emulator}")
    if (MNV3_X86_DUMP_LOGITS)
        add_test(NAME arm_vs_x86
                 COMMAND /usr/bin/python3 "${CMAKE_CURRENT_SOURCE_DIR}/arm_vs_x86.py" "${MNV3_X86_DUMP_LOGITS}"
                         $<TARGET_FILE:dump_logits> "${refs_dir}" "${MNV3_DATA_DIR}/models"
                         "${MNV3_DATA_DIR}/images" "${CMAKE_CURRENT_BINARY_DIR}/arm_vs_x86")
        set_tests_properties(arm_vs_x86 PROPERTIES ENVIRONMENT "MNV3_EMULATOR=${_emulator}")
    else ()
        message(STATUS "mnv3: no MNV3_X86_DUMP_LOGITS: the arm_vs_x86 test is left out")
    endif ()
endif ()

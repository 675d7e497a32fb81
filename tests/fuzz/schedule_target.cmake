# The schedule-file reader's fuzz target (included by targets.cmake when fuzz_schedule.cpp
# exists): model/ and the layer kinds' descriptors, with the kind table written here by
# cmake/Mnv3Kinds.cmake as the main build writes it.
function(mnv3_fuzz_schedule)
    set(PROJECT_SOURCE_DIR "${root}")  # Mnv3Kinds.cmake finds the kinds under it (this scope only)
    include("${root}/cmake/Mnv3Kinds.cmake")
    mnv3_kind_sources(kind_srcs "${CMAKE_CURRENT_BINARY_DIR}/schedule_kinds")
    file(GLOB model_srcs "${root}/model/src/*.cpp")
    mnv3_fuzzer(schedule ${model_srcs} ${kind_srcs})
    target_include_directories(fuzz_schedule PRIVATE "${root}/generators" "${root}/model/include")
endfunction()
mnv3_fuzz_schedule()

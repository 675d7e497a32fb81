# The weight-file reader's fuzz target (included by targets.cmake when fuzz_mnv3w.cpp exists).
# weights.cpp parses the model line with ModelConfig::parse (model/src/model_zoo.cpp), which
# links the layer-kind table: the descriptors of generators/<kind>/ and the table that lists
# them, written here by cmake/Mnv3Kinds.cmake as the main build writes it.
function(mnv3_fuzz_mnv3w)
    set(PROJECT_SOURCE_DIR "${root}")  # Mnv3Kinds.cmake finds the kinds under it (this scope only)
    include("${root}/cmake/Mnv3Kinds.cmake")
    mnv3_kind_sources(kind_srcs "${CMAKE_CURRENT_BINARY_DIR}/mnv3w_kinds")
    mnv3_fuzzer(mnv3w "${root}/runtime/import/weights.cpp" "${root}/runtime/io/input_file.cpp"
                "${root}/model/src/model_zoo.cpp" "${root}/model/src/layer_kind.cpp"
                "${root}/model/src/packing.cpp" ${kind_srcs})
    target_include_directories(fuzz_mnv3w PRIVATE "${root}/generators")
endfunction()
mnv3_fuzz_mnv3w()

# Stamps out one AOT-compiled Halide library per distinct layer instance of the models in
# a models file, with that instance's schedule knobs from a schedule file, and writes the
# registry that maps each layer signature to its compiled function.
#
#   mnv3_add_layers(<target> MODELS <model/models.conf> SCHEDULE <file.sched> HALIDE_TARGET <t>
#                   [VARIANT <name> KNOBS k=v...])
#
# <target> becomes an INTERFACE library carrying every layer library, the shared Halide
# runtime and the registry source. A VARIANT compiles the same layers again with KNOBS
# overriding the schedule (e.g. fuse=false: op by op) under its own registry name, which
# mnv3::Network selects by name (bench/ compares variants in one process).

include("${CMAKE_CURRENT_LIST_DIR}/Mnv3Kinds.cmake")

function(mnv3_add_layers TARGET)
    cmake_parse_arguments(ARG "" "MODELS;SCHEDULE;HALIDE_TARGET;VARIANT;RUNTIME" "KNOBS" ${ARGN})
    set(suffix "")
    if (ARG_VARIANT)
        set(suffix "__${ARG_VARIANT}")
    endif ()
    set(src "${PROJECT_SOURCE_DIR}")
    # The layer list, shape parameters and resolved knobs come from the C++ model zoo and the
    # kinds' descriptors (cmake/zoo_layers.cpp), compiled and run for the host.
    mnv3_kind_sources(kind_srcs "${CMAKE_BINARY_DIR}/zoo_lister")
    file(GLOB model_srcs "${src}/model/src/*.cpp")
    file(GLOB_RECURSE model_deps "${src}/model/*" "${src}/generators/*.h" "${src}/generators/*_kind.cpp")
    set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS
                 "${ARG_MODELS}" "${ARG_SCHEDULE}" "${src}/cmake/zoo_layers.cpp" ${model_deps})
    try_run(zoo_rc zoo_compiled "${CMAKE_BINARY_DIR}/zoo_layers${suffix}"
            SOURCES "${src}/cmake/zoo_layers.cpp" ${model_srcs} ${kind_srcs}
            CMAKE_FLAGS "-DINCLUDE_DIRECTORIES=${src}/model/include;${src}/generators"
            CXX_STANDARD 17
            COMPILE_OUTPUT_VARIABLE zoo_compile_log
            RUN_OUTPUT_STDOUT_VARIABLE zoo_out
            RUN_OUTPUT_STDERR_VARIABLE zoo_err
            ARGS "${ARG_MODELS}" "${ARG_SCHEDULE}" ${ARG_KNOBS})
    if (NOT zoo_compiled)
        message(FATAL_ERROR "mnv3: building the zoo lister failed:\n${zoo_compile_log}")
    endif ()
    if (NOT zoo_rc EQUAL 0)
        message(FATAL_ERROR "mnv3: ${zoo_err}")
    endif ()

    add_library(${TARGET} INTERFACE)
    set(runtime "${ARG_RUNTIME}")
    set(includes "")
    set(entries "")
    set(models "")
    string(REPLACE "\n" ";" zoo_lines "${zoo_out}")
    foreach (line IN LISTS zoo_lines)
        string(REPLACE " " ";" fields "${line}")
        list(POP_FRONT fields kind)
        if (kind STREQUAL "model")
            list(APPEND models ${fields})
            continue()
        elseif (NOT kind STREQUAL "layer")
            continue()
        endif ()
        # Shape parameters and the resolved schedule knobs, as the lister printed them.
        list(POP_FRONT fields sig gen)
        set(lib "${sig}${suffix}")
        if (runtime STREQUAL "")
            add_halide_library(${lib} FROM mnv3::halide_generators::${gen}.generator
                               GENERATOR ${gen} TARGETS ${ARG_HALIDE_TARGET}
                               PARAMS ${fields})
            set(runtime ${lib}.runtime)
        else ()
            add_halide_library(${lib} FROM mnv3::halide_generators::${gen}.generator
                               GENERATOR ${gen} TARGETS ${ARG_HALIDE_TARGET}
                               USE_RUNTIME ${runtime} PARAMS ${fields})
        endif ()
        target_link_libraries(${TARGET} INTERFACE ${lib})
        string(APPEND includes "#include \"${lib}.h\"\n")
        string(APPEND entries "    {\"${sig}\", ${lib}_argv, ${lib}_metadata},\n")
    endforeach ()

    list(LENGTH models n_models)
    message(STATUS "mnv3: ${n_models} model configurations for ${ARG_HALIDE_TARGET}, schedule ${ARG_SCHEDULE}")
    set(MNV3_LAYERS_RUNTIME "${runtime}" PARENT_SCOPE)
    set(MNV3_REGISTRY_VARIANT "${ARG_VARIANT}")
    # The default table is also reachable by a direct call, so that the linker keeps it when
    # the registry sits in a static library (variants are compiled into their programs).
    set(MNV3_REGISTRY_EXTRA "")
    if (NOT ARG_VARIANT)
        set(MNV3_REGISTRY_EXTRA "LayerTable default_layer_table() { return {&table, &models}; }\n")
    endif ()
    set(MNV3_REGISTRY_INCLUDES "${includes}")
    set(MNV3_REGISTRY_ENTRIES "${entries}")
    string(REPLACE ";" "\",\n    \"" MNV3_REGISTRY_MODELS "${models}")
    configure_file("${src}/cmake/registry.cpp.in" "${CMAKE_CURRENT_BINARY_DIR}/registry${suffix}.cpp" @ONLY)
    target_sources(${TARGET} INTERFACE "${CMAKE_CURRENT_BINARY_DIR}/registry${suffix}.cpp")
    target_include_directories(${TARGET} INTERFACE "${src}/runtime/core")
endfunction()

# Stamps out one AOT-compiled Halide library per distinct layer instance of the models in
# a models file, with that instance's schedule knobs from a schedule file, and writes the
# registry that maps each layer signature to its compiled function.
#
#   mnv3_add_layers(<target> MODELS <models.conf> SCHEDULE <file.sched> HALIDE_TARGET <t>
#                   [VARIANT <name> KNOBS k=v...])
#
# <target> becomes an INTERFACE library carrying every layer library, the shared Halide
# runtime and the registry source. A VARIANT compiles the same layers again with KNOBS
# overriding the schedule (e.g. fuse=false: op by op) under its own registry name, which
# mnv3::Network selects by name (bench/ compares variants in one process).

# The schedule knobs each generator declares (generators/*_generator.cpp, schedules/README.md).
set(_MNV3_KNOBS_stem vec px parallel)
set(_MNV3_KNOBS_bneck vec fuse rows tasks e_vecs e_px p_vecs p_px d_px parallel)
set(_MNV3_KNOBS_last vec e_vecs e_px fc_vecs parallel)

# Reads a schedule file into MNV3_SCHED_<key> variables (key: signature or
# "default.<generator>"), each a list of knob=value. Later files/lines override earlier.
function(_mnv3_read_schedule file)
    if (NOT EXISTS "${file}")
        message(STATUS "mnv3: no schedule file ${file}; rule-based defaults only")
        return()
    endif ()
    set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS "${file}")
    file(STRINGS "${file}" lines)
    foreach (line IN LISTS lines)
        string(REGEX REPLACE "#.*" "" line "${line}")
        string(STRIP "${line}" line)
        if (line STREQUAL "")
            continue()
        endif ()
        string(REGEX REPLACE "[ \t]+" ";" fields "${line}")
        list(POP_FRONT fields key)
        foreach (kv IN LISTS fields)
            if (NOT kv MATCHES "^[a-z_]+=[a-z0-9_]+$")
                message(FATAL_ERROR "${file}: bad knob '${kv}' for ${key} (want name=value)")
            endif ()
        endforeach ()
        set(MNV3_SCHED_${key} ${fields} PARENT_SCOPE)
    endforeach ()
endfunction()

# Merges knob lists: a name given later replaces the earlier value.
function(_mnv3_merge_knobs out)
    set(names)
    foreach (kv IN LISTS ARGN)
        string(REGEX REPLACE "=.*" "" name "${kv}")
        set(val_${name} "${kv}")
        list(APPEND names ${name})
    endforeach ()
    list(REMOVE_DUPLICATES names)
    set(result)
    foreach (name IN LISTS names)
        list(APPEND result "${val_${name}}")
    endforeach ()
    set(${out} ${result} PARENT_SCOPE)
endfunction()

function(mnv3_add_layers TARGET)
    cmake_parse_arguments(ARG "" "MODELS;SCHEDULE;HALIDE_TARGET;VARIANT;RUNTIME" "KNOBS" ${ARGN})
    set(suffix "")
    if (ARG_VARIANT)
        set(suffix "__${ARG_VARIANT}")
    endif ()
    set(src "${PROJECT_SOURCE_DIR}")
    set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS
                 "${ARG_MODELS}" "${src}/tools/zoo_layers.cpp" "${src}/runtime/src/model_zoo.cpp"
                 "${src}/runtime/include/mnv3/model_zoo.h")

    # The layer list comes from the C++ model zoo itself, compiled and run for the host.
    try_run(zoo_rc zoo_compiled "${CMAKE_BINARY_DIR}/zoo_layers"
            SOURCES "${src}/tools/zoo_layers.cpp" "${src}/runtime/src/model_zoo.cpp"
            CMAKE_FLAGS "-DINCLUDE_DIRECTORIES=${src}/runtime/include"
            CXX_STANDARD 17
            COMPILE_OUTPUT_VARIABLE zoo_compile_log
            RUN_OUTPUT_STDOUT_VARIABLE zoo_out
            RUN_OUTPUT_STDERR_VARIABLE zoo_err
            ARGS "${ARG_MODELS}")
    if (NOT zoo_compiled)
        message(FATAL_ERROR "mnv3: building the zoo lister failed:\n${zoo_compile_log}")
    endif ()
    if (NOT zoo_rc EQUAL 0)
        message(FATAL_ERROR "mnv3: ${zoo_err}")
    endif ()

    _mnv3_read_schedule("${ARG_SCHEDULE}")

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
        list(POP_FRONT fields sig gen)
        # Most general first: the generator's default, the shape (the signature without its
        # padding and clamp suffixes, shared by torchvision and TFLite variants), the signature.
        string(REGEX REPLACE "_(sym|same)(_cl)?$" "" shape "${sig}")
        # Variant knobs apply only to generators that declare them.
        set(extra "")
        foreach (kv IN LISTS ARG_KNOBS)
            string(REGEX REPLACE "=.*" "" knob "${kv}")
            if (knob IN_LIST _MNV3_KNOBS_${gen})
                list(APPEND extra "${kv}")
            endif ()
        endforeach ()
        _mnv3_merge_knobs(knobs ${MNV3_SCHED_default.${gen}} ${MNV3_SCHED_${shape}} ${MNV3_SCHED_${sig}} ${extra})
        set(lib "${sig}${suffix}")
        if (runtime STREQUAL "")
            add_halide_library(${lib} FROM mnv3::halide_generators::${gen}.generator
                               GENERATOR ${gen} TARGETS ${ARG_HALIDE_TARGET}
                               PARAMS ${fields} ${knobs})
            set(runtime ${lib}.runtime)
        else ()
            add_halide_library(${lib} FROM mnv3::halide_generators::${gen}.generator
                               GENERATOR ${gen} TARGETS ${ARG_HALIDE_TARGET}
                               USE_RUNTIME ${runtime} PARAMS ${fields} ${knobs})
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
    configure_file("${src}/runtime/src/registry.cpp.in" "${CMAKE_CURRENT_BINARY_DIR}/registry${suffix}.cpp" @ONLY)
    target_sources(${TARGET} INTERFACE "${CMAKE_CURRENT_BINARY_DIR}/registry${suffix}.cpp")
    target_include_directories(${TARGET} INTERFACE "${src}/runtime/src")
endfunction()

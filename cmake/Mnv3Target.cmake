# Target helpers: what "host" is here, and which schedule file serves a target.

# Expands "host" to the features this machine has (Halide's get_host_target).
function(mnv3_resolve_target target out)
    if (target STREQUAL "host")
        find_program(MNV3_GET_HOST_TARGET get_host_target
                     PATHS /usr/lib/x86_64-linux-gnu/halide14 /usr/lib/aarch64-linux-gnu/halide14)
        if (MNV3_GET_HOST_TARGET)
            execute_process(COMMAND "${MNV3_GET_HOST_TARGET}" OUTPUT_VARIABLE target
                            OUTPUT_STRIP_TRAILING_WHITESPACE)
        endif ()
    endif ()
    set(${out} "${target}" PARENT_SCOPE)
endfunction()

# Schedule files are per target family: the widest vector ISA decides the knob values.
function(mnv3_schedule_for_target target out)
    set(dir "${PROJECT_SOURCE_DIR}/schedules")
    if (target MATCHES "^arm-64")
        set(file "${dir}/arm-64.sched")
    elseif (target MATCHES "avx512")
        set(file "${dir}/x86-64-avx512.sched")
    elseif (target MATCHES "avx2")
        set(file "${dir}/x86-64-avx2.sched")
    else ()
        set(file "${dir}/generic.sched")
    endif ()
    set(${out} "${file}" PARENT_SCOPE)
endfunction()

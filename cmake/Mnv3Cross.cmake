# Cross builds (a CMAKE_TOOLCHAIN_FILE such as cmake/toolchains/aarch64-linux-gnu.cmake):
# included by the top-level CMakeLists.txt in place of find_package(Halide).
#
# - Halide's CMake helpers and runtime headers come from the build machine.
# - The Halide generators are programs for the build machine. Unless
#   -Dmnv3-halide_generators_ROOT=<dir> names a host build of this project configured with
#   -DMNV3_GENERATORS_ONLY=ON, one is configured and built here, at configure time, in
#   <build>/host-generators (and again whenever a generator source changes);
#   add_halide_generator then imports its generators instead of compiling them for the target.
# - MNV3_HALIDE_TARGET defaults to the toolchain's triple (arm-64-linux); "host" is refused.
# - Programs run through CMAKE_CROSSCOMPILING_EMULATOR (qemu-aarch64), with an emulated CPU
#   that has exactly the Halide target's features: Cortex-A53 (ARMv8.0) without arm_dot_prod
#   or arm_fp16, Cortex-A76 (ARMv8.2, dot product, fp16) with them; -DMNV3_QEMU_CPU= overrides.

find_package(HalideHelpers 14 REQUIRED
             HINTS "/usr/lib/${CMAKE_HOST_SYSTEM_PROCESSOR}-linux-gnu/cmake"
             NO_CMAKE_FIND_ROOT_PATH)

# ---- the generators, built for the build machine ------------------------------------------
# Every file the generators are built from: a change re-runs the host build.
file(GLOB_RECURSE _mnv3_gen_sources RELATIVE "${PROJECT_SOURCE_DIR}" CONFIGURE_DEPENDS
     "${PROJECT_SOURCE_DIR}/generators/*" "${PROJECT_SOURCE_DIR}/model/include/mnv3/contract.h")
list(APPEND _mnv3_gen_sources cmake/Mnv3Kinds.cmake)
if (NOT DEFINED mnv3-halide_generators_ROOT)
    set(_host "${CMAKE_BINARY_DIR}/host-generators")
    message(STATUS "mnv3: building the Halide generators for the build machine in ${_host}")
    # The host build must not inherit the cross toolchain from the environment.
    set(_clean_env ${CMAKE_COMMAND} -E env --unset=CMAKE_TOOLCHAIN_FILE --unset=CC --unset=CXX
        --unset=CFLAGS --unset=CXXFLAGS --unset=LDFLAGS)
    set(_rc 0)
    if (NOT EXISTS "${_host}/CMakeCache.txt")
        execute_process(COMMAND ${_clean_env} ${CMAKE_COMMAND} -S "${PROJECT_SOURCE_DIR}" -B "${_host}"
                                -G "${CMAKE_GENERATOR}" -DCMAKE_BUILD_TYPE=Release -DMNV3_GENERATORS_ONLY=ON
                        RESULT_VARIABLE _rc OUTPUT_VARIABLE _log ERROR_VARIABLE _log)
    endif ()
    if (_rc EQUAL 0)
        execute_process(COMMAND ${_clean_env} ${CMAKE_COMMAND} --build "${_host}"
                        RESULT_VARIABLE _rc OUTPUT_VARIABLE _log ERROR_VARIABLE _log)
    endif ()
    if (NOT _rc EQUAL 0)
        message(FATAL_ERROR "mnv3: building the host generators failed:\n${_log}")
    endif ()
    foreach (_f IN LISTS _mnv3_gen_sources)
        set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS "${PROJECT_SOURCE_DIR}/${_f}")
    endforeach ()
    set(mnv3-halide_generators_ROOT "${_host}")
endif ()
find_package(mnv3-halide_generators REQUIRED CONFIG NO_DEFAULT_PATH
             PATHS "${mnv3-halide_generators_ROOT}/cmake" NO_CMAKE_FIND_ROOT_PATH)

# ---- the Halide target ---------------------------------------------------------------------
set(MNV3_HALIDE_TARGET "${Halide_CMAKE_TARGET}" CACHE STRING "Halide target for the AOT-compiled layers")
if (MNV3_HALIDE_TARGET MATCHES "^host")
    message(FATAL_ERROR "mnv3: a cross build needs an explicit MNV3_HALIDE_TARGET (e.g. arm-64-linux), not host")
endif ()

# ---- the emulator's CPU --------------------------------------------------------------------
set(MNV3_QEMU_CPU "" CACHE STRING "qemu -cpu for ARM programs (default: from the Halide target's features)")
if (CMAKE_CROSSCOMPILING_EMULATOR MATCHES "qemu-aarch64" AND NOT CMAKE_CROSSCOMPILING_EMULATOR MATCHES ";-cpu")
    set(_cpu "${MNV3_QEMU_CPU}")
    if (_cpu STREQUAL "")
        if (MNV3_HALIDE_TARGET MATCHES "arm_dot_prod|arm_fp16")
            set(_cpu cortex-a76)
        else ()
            set(_cpu cortex-a53)
        endif ()
    endif ()
    list(APPEND CMAKE_CROSSCOMPILING_EMULATOR -cpu ${_cpu})
    if (NOT MNV3_CROSS_STATIC)
        list(APPEND CMAKE_CROSSCOMPILING_EMULATOR -L "/usr/${CMAKE_LIBRARY_ARCHITECTURE}")
    endif ()
endif ()
message(STATUS "mnv3: cross build, programs run with '${CMAKE_CROSSCOMPILING_EMULATOR}'")

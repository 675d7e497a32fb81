# Guest instruction counts under qemu-user (tools/insns.sh, docs/instruction-counts.md).
# Built in every build: natively the marker system calls fail harmlessly with ENOSYS and the
# counts read "-"; the ARM cross build's copy is the one run under qemu-aarch64.
add_executable(bench_insns bench_insns.cpp)
# registry.h (runtime/core): the --layer mode calls one compiled layer on its own.
target_include_directories(bench_insns PRIVATE "${PROJECT_SOURCE_DIR}/bench/qemu" "${PROJECT_SOURCE_DIR}/runtime/core")
target_link_libraries(bench_insns PRIVATE mnv3_runtime Halide::Runtime)
if (TARGET mnv3_tflite_import)
    target_link_libraries(bench_insns PRIVATE mnv3_tflite_import)
    target_compile_definitions(bench_insns PRIVATE MNV3_HAVE_TFLITE)
endif ()

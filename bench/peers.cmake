# The peers bench_latency times ours against, and the FMA-peak microbenchmark
# (included OPTIONAL from bench/CMakeLists.txt; `tools/install-deps.sh --bench` installs the
# Debian packages: libxnnpack-dev, libpthreadpool-dev, gnuplot-nox).

# This machine's fp32 FMA peak (the "% of peak" column of the per-layer tables).
add_executable(fma_peak fma_peak.cpp)
target_link_libraries(fma_peak PRIVATE Threads::Threads)
add_dependencies(bench_latency fma_peak)

# bench_latency finds run_ort.js and run_torch.py beside its source by default.
target_compile_definitions(bench_latency PRIVATE MNV3_BENCH_DIR="${CMAKE_CURRENT_SOURCE_DIR}")

# XNNPACK (Debian libxnnpack-dev: a shared libXNNPACK, no pkg-config file; its header
# includes pthreadpool.h from libpthreadpool-dev). The peer is built when both are present.
find_path(MNV3_XNNPACK_INCLUDE_DIR xnnpack.h)
find_path(MNV3_PTHREADPOOL_INCLUDE_DIR pthreadpool.h)
find_library(MNV3_XNNPACK_LIBRARY NAMES XNNPACK xnnpack)
find_library(MNV3_PTHREADPOOL_LIBRARY pthreadpool)
if (CMAKE_CROSSCOMPILING)
    message(STATUS "mnv3 bench: cross build, no XNNPACK peer (it is built for the build machine only)")
elseif (MNV3_XNNPACK_INCLUDE_DIR AND MNV3_PTHREADPOOL_INCLUDE_DIR AND MNV3_XNNPACK_LIBRARY AND MNV3_PTHREADPOOL_LIBRARY)
    add_executable(xnnpack_mnv3 xnnpack/xnnpack_mnv3.cpp)
    target_include_directories(xnnpack_mnv3 PRIVATE "${MNV3_XNNPACK_INCLUDE_DIR}" "${MNV3_PTHREADPOOL_INCLUDE_DIR}")
    target_link_libraries(xnnpack_mnv3 PRIVATE "${MNV3_XNNPACK_LIBRARY}" "${MNV3_PTHREADPOOL_LIBRARY}" Threads::Threads)
    # XNNPACK has no version call: report the Debian package's version.
    set(_xnn_version "unknown")
    find_program(MNV3_DPKG_QUERY dpkg-query)
    if (MNV3_DPKG_QUERY)
        execute_process(COMMAND "${MNV3_DPKG_QUERY}" -W -f=\${Version} libxnnpack-dev
                        OUTPUT_VARIABLE _xnn_pkg ERROR_QUIET RESULT_VARIABLE _xnn_rc)
        if (_xnn_rc EQUAL 0 AND _xnn_pkg)
            set(_xnn_version "${_xnn_pkg} (Debian libxnnpack-dev)")
        endif ()
    endif ()
    target_compile_definitions(xnnpack_mnv3 PRIVATE MNV3_XNNPACK_VERSION="${_xnn_version}")
    add_dependencies(bench_latency xnnpack_mnv3)
    message(STATUS "mnv3 bench: XNNPACK peer ${MNV3_XNNPACK_LIBRARY} (${_xnn_version})")
else ()
    message(STATUS "mnv3 bench: XNNPACK not found, no XNNPACK peer (tools/install-deps.sh --bench)")
endif ()

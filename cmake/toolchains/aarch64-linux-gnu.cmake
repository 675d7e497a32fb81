# Cross-compiling for 64-bit ARM Linux with Debian's cross toolchain (g++-aarch64-linux-gnu)
# and its multiarch arm64 libraries (libpng-dev:arm64, zlib1g-dev:arm64): tools/install-deps.sh
# --arm installs all of it. Programs are linked statically, so they run on any aarch64 Linux
# (and under qemu-aarch64 with no sysroot). docs/arm.md has the whole flow.
#
#   cmake -S . -B build-arm -G Ninja -DCMAKE_TOOLCHAIN_FILE=cmake/toolchains/aarch64-linux-gnu.cmake
#         [-DMNV3_HALIDE_TARGET=arm-64-linux-arm_dot_prod-arm_fp16]
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)

set(CMAKE_C_COMPILER aarch64-linux-gnu-gcc)
set(CMAKE_CXX_COMPILER aarch64-linux-gnu-g++)
# Debian multiarch: the cross compiler already searches /usr/include/aarch64-linux-gnu and
# /usr/lib/aarch64-linux-gnu; this makes CMake's find_library look there too (and not in the
# build machine's /usr/lib/x86_64-linux-gnu).
set(CMAKE_LIBRARY_ARCHITECTURE aarch64-linux-gnu)

# Static executables: no aarch64 shared libraries needed where they run (libpng.a, libz.a
# are preferred to the .so files by static-libraries.cmake, after project()).
set(CMAKE_EXE_LINKER_FLAGS_INIT "-static")
set(CMAKE_PROJECT_INCLUDE "${CMAKE_CURRENT_LIST_DIR}/static-libraries.cmake")
set(MNV3_CROSS_STATIC ON)

# Tests, try_run and Catch2's test discovery run the ARM programs through user-mode qemu
# (cmake/Mnv3Cross.cmake picks the emulated CPU from the Halide target's features).
if (NOT CMAKE_CROSSCOMPILING_EMULATOR)
    find_program(MNV3_QEMU_AARCH64 NAMES qemu-aarch64 qemu-aarch64-static)
    if (MNV3_QEMU_AARCH64)
        set(CMAKE_CROSSCOMPILING_EMULATOR "${MNV3_QEMU_AARCH64}")
    endif ()
endif ()

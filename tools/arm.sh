#!/usr/bin/env bash
# make arm: cross-compiles everything for a 64-bit ARM Halide target, installs the package
# and checks it (docs/arm.md).
#
#   ARM_TARGET    Halide target: arm-64-linux (default) or arm-64-android, optionally with
#                 features (arm-64-android-arm_dot_prod-arm_fp16)
#   ARM_PRESET    pixel1: ARMv8.0, no extra features (Pixel 1 and 2, Cortex-A53/A72/A73 class)
#                 pixel3: ARMv8.2 with arm_dot_prod and arm_fp16 (Pixel 3 and later)
#   ARM_FEATURES  more Halide features, dash-separated (e.g. no_asserts)
#   JOBS          parallel build jobs (default: nproc)
#   ARM_CMAKE_ARGS  more cmake arguments for the ARM build (make test-arm: the x86 logits)
#
# Builds in build-arm-<target>, installs into build-arm-<target>/install, then
#   arm-64-linux:   builds examples/android against the installed package (as a Linux program)
#                   and classifies a sample photo with it under qemu-aarch64;
#   arm-64-android: tools/check-android-symbols.sh on the package, and the example's native
#                   library compiled and linked against it with aarch64-linux-gnu-g++ (a
#                   stand-in for the NDK, which this machine does not have).
# tools/arm.sh --print-build-dir prints the build directory and does nothing else.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

target=${ARM_TARGET:-arm-64-linux}
case "$target" in
  arm-64-linux | arm-64-linux-* | arm-64-android | arm-64-android-*) ;;
  *) echo "arm.sh: ARM_TARGET must be arm-64-linux or arm-64-android[-features], got '$target'" >&2; exit 2 ;;
esac
case "${ARM_PRESET:-}" in
  "" | pixel1) ;;
  pixel3) target="$target-arm_dot_prod-arm_fp16" ;;
  *) echo "arm.sh: ARM_PRESET must be pixel1 or pixel3, got '$ARM_PRESET'" >&2; exit 2 ;;
esac
[ -z "${ARM_FEATURES:-}" ] || target="$target-${ARM_FEATURES#-}"
build="build-arm-$target"
if [ "${1:-}" = "--print-build-dir" ]; then echo "$build"; exit 0; fi
jobs=${JOBS:-$(nproc)}
toolchain="$root/cmake/toolchains/aarch64-linux-gnu.cmake"

echo "arm.sh: Halide target $target in $build"
# shellcheck disable=SC2086
cmake -S . -B "$build" -G Ninja -DCMAKE_TOOLCHAIN_FILE="$toolchain" -DMNV3_HALIDE_TARGET="$target" ${ARM_CMAKE_ARGS:-}
cmake --build "$build" -j "$jobs"
rm -rf "$build/install"
cmake --install "$build" --prefix "$build/install" > /dev/null
echo "arm.sh: installed into $build/install:"
(cd "$build/install" && find . -type f | sed 's|^\./||' | grep -v '^share/mnv3/src/halide/[a-z]' | sort | sed 's/^/  /')

# The installed package, used the way a consumer would.
example="$build/example"
stand_in=()
if [[ "$target" == arm-64-android* ]]; then
  # Android's liblog, for the stand-in link: an empty __android_log_print.
  mkdir -p "$example-liblog"
  echo 'int __android_log_print(int p, const char *t, const char *f, ...) { return 0; }' |
    aarch64-linux-gnu-gcc -shared -fPIC -x c - -o "$example-liblog/liblog.so"
  stand_in=(-DCMAKE_SHARED_LINKER_FLAGS="-L$root/$example-liblog")
fi
cmake -S examples/android -B "$example" -G Ninja -DCMAKE_TOOLCHAIN_FILE="$toolchain" -DCMAKE_CXX_FLAGS=-Wno-psabi \
      -Dmnv3_DIR="$root/$build/install/lib/cmake/mnv3" -DCMAKE_BUILD_TYPE=Release "${stand_in[@]}" > "$example.log" 2>&1 ||
  { cat "$example.log"; exit 1; }
cmake --build "$example" -j "$jobs" >> "$example.log" 2>&1 || { cat "$example.log"; exit 1; }
data=$(grep -m1 '^MNV3_DATA_DIR:' "$build/CMakeCache.txt" | cut -d= -f2-)
if [[ "$target" == arm-64-android* ]]; then
  tools/check-android-symbols.sh "$build/install"
  lib="$example/libmnv3_classifier_shared.so"
  aarch64-linux-gnu-readelf -h "$lib" | grep -q 'AArch64' || { echo "arm.sh: $lib is not AArch64" >&2; exit 1; }
  echo "arm.sh: examples/android's native library links against the package ($lib, built with" \
       "aarch64-linux-gnu-g++ and a stub liblog as stand-ins for the NDK); it needs" \
       "$(aarch64-linux-gnu-readelf -d "$lib" | sed -n 's/.*Shared library: \[\(.*\)\]/\1/p' | tr '\n' ' ')"
else
  # The CPU the tests emulate for this target (cmake/Mnv3Cross.cmake).
  cpu=cortex-a53
  [[ ! "$target" =~ arm_dot_prod|arm_fp16 ]] || cpu=cortex-a76
  qemu=(qemu-aarch64 -cpu "$cpu")
  out=$("${qemu[@]}" "$example/classify_png" "$data/models/v3-small_224_1.0_uint8.tflite" "$data/images/chelsea.png")
  echo "arm.sh: examples/android built against the package, under ${qemu[*]}: $out"
  # Egyptian cat: ImageNet class 285 (classify prints 286: it counts TF-slim's background).
  [[ "$out" == *"class 285 "* ]] || { echo "arm.sh: expected class 285 (Egyptian cat)" >&2; exit 1; }
fi

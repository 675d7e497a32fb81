#!/usr/bin/env bash
# make test-arm: the whole test suite cross-built for arm-64-linux (or ARM_PRESET=pixel3:
# ARMv8.2 with dot product and fp16) and run by ctest under qemu-aarch64 emulating a CPU
# with exactly the target's features (Cortex-A53, or Cortex-A76 for pixel3): generators
# against the reference, networks against torch, classify on the photos and against TFLite,
# bad input, and arm_vs_x86 (every logit of 8 network runs against the x86 build's).
#
# Usage: tools/test-arm.sh X86_BUILD     (ARM_PRESET, ARM_FEATURES, JOBS as for tools/arm.sh)
# CTEST_ARGS adds ctest arguments (e.g. -R network). Nothing here is timed: qemu is ~100x
# slower than the hardware.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
x86=${1:?usage: test-arm.sh X86_BUILD}
target=${ARM_TARGET:-arm-64-linux}
case "$target" in
  arm-64-linux | arm-64-linux-*) ;;
  *) echo "test-arm.sh: tests run on arm-64-linux targets only (got ARM_TARGET=$target)" >&2; exit 2 ;;
esac

# The x86 reference for arm_vs_x86: the x86 build's dump_logits (and the layers it links).
cmake --build "$x86" -j "${JOBS:-$(nproc)}" --target dump_logits
x86_dump=$(cd "$x86" && pwd)/tests/dump_logits

ARM_CMAKE_ARGS="-DMNV3_X86_DUMP_LOGITS=$x86_dump" tools/arm.sh
build=$(tools/arm.sh --print-build-dir)
# shellcheck disable=SC2086
ctest --test-dir "$build" --output-on-failure -j "${JOBS:-$(nproc)}" ${CTEST_ARGS:-}

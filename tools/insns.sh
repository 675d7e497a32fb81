#!/usr/bin/env bash
# Guest instructions per inference of an aarch64 build, per layer and in total, counted
# under qemu-aarch64 with the project's TCG plugin (docs/instruction-counts.md).
#
#   tools/insns.sh ARM_BUILD                      Large and Small, torchvision weights at 224
#                                                 and the official pretrained Small and
#                                                 Large-minimalistic TFLite files; writes
#                                                 bench/results/insns-DATE.md
#   tools/insns.sh ARM_BUILD --layer SIGNATURE    one layer instance alone (random data):
#                                                 prints layer=... insns=... for an autotuner
#   tools/insns.sh ARM_BUILD MODEL...             these .mnv3w / .tflite files
#
# ARM_BUILD is a CMake build for an arm-64-linux Halide target (make arm). Its bench_insns
# is built if need be. The default run is done twice, in two processes, and the two reports
# must be identical (INSNS_ONCE=1 skips the second). INSNS_RUNS (default 2) repetitions per
# process after INSNS_WARMUP (default 2) warm-up runs; those must agree too. The emulated
# CPU follows the Halide target (INSNS_QEMU_CPU overrides).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
if [ $# -lt 1 ]; then
  sed -n '2,17p' "$0" >&2
  exit 2
fi
build=$(cd "$1" && pwd)
shift

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
if ! command -v qemu-aarch64 >/dev/null; then
  as_root apt-get install -y qemu-user
fi

cmake --build "$build" --target bench_insns >&2
bin="$build/bench/bench_insns"
if ! od -An -tx1 -j18 -N2 "$bin" | grep -q "b7 00"; then  # ELF e_machine EM_AARCH64 = 183
  echo "insns.sh: $bin is not an aarch64 program: give the ARM build (make arm)" >&2
  exit 1
fi
plugin=$("$root/bench/qemu/build.sh" "$build/bench/qemu")
sysroot=${QEMU_LD_PREFIX:-/usr/aarch64-linux-gnu}
target=$(sed -n 's/^MNV3_HALIDE_TARGET:STRING=//p' "$build/CMakeCache.txt")
# The emulated CPU: the one the cross build's tests run on (cmake/Mnv3Cross.cmake), so that
# glibc picks the same string routines (memcpy and the like are chosen by CPU at start-up;
# the Halide code is fixed by the target). INSNS_QEMU_CPU or -DMNV3_QEMU_CPU= override.
cpu=${INSNS_QEMU_CPU:-$(sed -n 's/^MNV3_QEMU_CPU:STRING=//p' "$build/CMakeCache.txt")}
if [ -z "$cpu" ]; then
  case "$target" in *arm_dot_prod*|*arm_fp16*) cpu=cortex-a76 ;; *) cpu=cortex-a53 ;; esac
fi

# Runs bench_insns under the counter: one thread, the plugin's log read back by the program.
counted() {
  local log status=0
  log=$(mktemp /tmp/mnv3-insns.XXXXXX)
  HL_NUM_THREADS=1 qemu-aarch64 -cpu "$cpu" -L "$sysroot" -plugin "$plugin,outfile=$log" \
      "$bin" --log "$log" --runs "${INSNS_RUNS:-2}" --warmup "${INSNS_WARMUP:-2}" "$@" || status=$?
  if [ "$status" = 0 ] && ! grep -q "^total [0-9]* vcpus 1$" "$log"; then
    echo "insns.sh: the guest ran more than one thread; counts are not exact ($(tail -1 "$log"))" >&2
    status=1
  fi
  rm -f "$log"
  return "$status"
}

if [ $# -gt 0 ]; then
  counted "$@"
  exit
fi

# The default set. Torchvision MobileNetV3 Large and Small 1.0 at 224 (seeded weights: the
# count does not depend on the values), with the test input and torch's logits beside them,
# so that the ARM code is checked against torch before it is counted.
models="$build/bench/insns-models"
mkdir -p "$models"
args=()
for m in large_1.0 small_1.0; do
  arch=${m%_*}; width=${m#*_}
  if [ ! -f "$models/$m.logits.bin" ]; then
    /usr/bin/python3 "$root/tools/export_torch.py" --arch "$arch" --width "$width" --seed 1 \
        --out "$models/$m.mnv3w" --input-out "$models/$m.input.bin" --logits-out "$models/$m.logits.bin" >&2
  fi
  args+=("$models/$m.mnv3w")
done
# The official pretrained TF-slim releases, where they are (no download here).
data=${MNV3_MODELS_DIR:-$(sed -n 's/^MNV3_DATA_DIR:PATH=//p' "$build/CMakeCache.txt")/models}
for f in v3-small_224_1.0_uint8.tflite v3-large-minimalistic_224_1.0_uint8.tflite; do
  if [ -f "$data/$f" ]; then args+=("$data/$f"); else echo "insns.sh: $data/$f not found; skipped" >&2; fi
done

mkdir -p "$root/bench/results"
out="$root/bench/results/insns-$(date +%Y-%m-%d).md"
first=$(mktemp /tmp/mnv3-insns-report.XXXXXX)
start=$(date +%s)
counted "${args[@]}" > "$first"
seconds=$(( $(date +%s) - start ))
determinism="one process (INSNS_ONCE=1): not compared with a second"
if [ -z "${INSNS_ONCE:-}" ]; then
  second=$(mktemp /tmp/mnv3-insns-report.XXXXXX)
  counted "${args[@]}" > "$second"
  if ! diff -u "$first" "$second" >&2; then
    rm -f "$first" "$second"
    echo "insns.sh: the two runs disagree: counts are not deterministic" >&2
    exit 1
  fi
  rm -f "$second"
  determinism="two processes gave identical reports"
fi
{
  echo "# Guest instructions per inference (aarch64, qemu-aarch64 TCG)"
  echo
  echo "Halide target \`$target\`; $(qemu-aarch64 --version | head -1), \`-cpu $cpu\`; plugin bench/qemu/insn_count.c;"
  echo "1 thread; ${INSNS_RUNS:-2} counted runs per process after ${INSNS_WARMUP:-2} warm-up runs; $determinism."
  echo "Commit $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)$(git -C "$root" diff --quiet 2>/dev/null || echo ' (with local changes)'); $(date -u); one process took ${seconds} s."
  echo
  cat "$first"
} | tee "$out"
rm -f "$first"
echo "wrote $out" >&2

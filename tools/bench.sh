#!/usr/bin/env bash
# make bench: ours against ONNX Runtime, XNNPACK and PyTorch on the same weights, end to end
# and per layer, and the dated report bench/results/YYYY-MM-DD.md with its chart
# bench/results/YYYY-MM-DD-latency.png.
#
#   tools/bench.sh BUILD [bench_latency options...]
#
# Steps: export the benchmark models (seeded torchvision weights, ONNX and test vectors
# beside them) into BUILD/bench/models; measure this machine's FMA peak (bench/fma_peak);
# run bench/bench_latency once per thread count (one process each: Halide's thread pool
# keeps its workers); record the bare interpreters' memory; write the report
# (bench/report/write_report.py). Raw results stay in BUILD/bench/run.
# Environment: BENCH_THREADS (default "1 2"), BENCH_MODELS (default
# "large_1.0 large_0.75 small_1.0 small_0.75"), BENCH_RESULTS (default bench/results).
set -euo pipefail
build=${1:-build}
shift || true
root=$(cd "$(dirname "$0")/.." && pwd)
py=/usr/bin/python3
models="$build/bench/models"
run="$build/bench/run"
results=${BENCH_RESULTS:-$root/bench/results}
names=${BENCH_MODELS:-large_1.0 large_0.75 small_1.0 small_0.75}
start=$(date +%s)
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
mkdir -p "$models" "$run" "$results"
rm -f "$run"/*.json

for m in $names; do
  arch=${m%_*}; width=${m#*_}
  [ -f "$models/$m.onnx" ] || "$py" "$root/tools/export_torch.py" --arch "$arch" --width "$width" \
      --seed 1 --out "$models/$m.mnv3w" --input-out "$models/$m.input.bin" \
      --logits-out "$models/$m.logits.bin" --onnx-out "$models/$m.onnx"
done
if [ ! -d "$root/bench/ort/node_modules/onnxruntime-node" ]; then
  (cd "$root/bench/ort" && ONNXRUNTIME_NODE_INSTALL=skip npm ci --no-audit --no-fund)
fi

echo "bench: FMA peak"
"$build/bench/fma_peak" --threads "$(nproc)" | tee "$run/fma.json"
peak1=$(grep -o '"peak_gflops_1t":[0-9.]*' "$run/fma.json" | cut -d: -f2)
peakn=$(grep -o '"peak_gflops_nt":[0-9.]*' "$run/fma.json" | cut -d: -f2)

[ -x "$build/bench/xnnpack_mnv3" ] || echo "bench: no XNNPACK peer (tools/install-deps.sh --bench, then rebuild)" >&2
for t in ${BENCH_THREADS:-1 2}; do
  echo "bench: $t thread(s)"
  # % of peak against what t threads can do: the measured 1- and nproc-thread peaks.
  if [ "$t" = 1 ]; then peak=$peak1; elif [ "$t" = "$(nproc)" ]; then peak=$peakn
  else peak=$(awk -v p="$peak1" -v t="$t" 'BEGIN { print p * t }'); fi
  "$build/bench/bench_latency" --models "$models" --names "$(echo $names | tr ' ' ',')" --threads "$t" \
      --ort "node $root/bench/ort/run_ort.js" --torch "$py $root/bench/torch/run_torch.py" \
      --layers --fma-peak "$peak" --json "$run/latency-$t.json" "$@" > "$run/latency-$t.md"
  cat "$run/latency-$t.md"
done
node "$root/bench/ort/run_ort.js" --rss-baseline > "$run/rss-baseline-onnxruntime.json" || true
"$py" "$root/bench/torch/run_torch.py" --rss-baseline > "$run/rss-baseline-torch.json" 2>/dev/null || true

date=$(date +%Y-%m-%d)
commit=$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)
git -C "$root" diff --quiet HEAD -- 2>/dev/null || commit="$commit (with uncommitted changes)"
target=$(grep -m1 '^MNV3_HALIDE_TARGET' "$build/CMakeCache.txt" 2>/dev/null | cut -d= -f2 || true)
halide=$(dpkg-query -W -f='${Version}' libhalide14-0-dev 2>/dev/null || echo 14)
isa=$(grep -m1 '^flags' /proc/cpuinfo | tr ' ' '\n' | grep -E '^(avx2|fma|avx512f|avx512_bf16|asimd|sve)$' | tr '\n' ' ' | sed 's/ $//')
cat > "$run/meta.json" <<EOF
{"date":"$date","cpu":"$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)","cores":$(nproc),
 "isa":"$isa","kernel":"Linux $(uname -r)","load_before":"$load_before",
 "load_after":"$(cut -d' ' -f1-3 /proc/loadavg)","seconds":$(( $(date +%s) - start )),
 "commit":"$commit","target":"${target:-host}","halide":"Halide $halide (Debian)","node":"$(node --version)"}
EOF
"$py" "$root/bench/report/write_report.py" --run-dir "$run" --build "$build" \
    --out "$results/$date.md" --chart "$results/$date-latency.png"

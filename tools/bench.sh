#!/usr/bin/env bash
# make bench: exports the benchmark models (seeded torchvision weights, ONNX beside them),
# installs ONNX Runtime for Node, and runs bench/bench_latency. Usage: tools/bench.sh BUILD
set -euo pipefail
build=${1:-build}
root=$(cd "$(dirname "$0")/.." && pwd)
models="$build/bench/models"
mkdir -p "$models"
for m in large_1.0 small_1.0; do
  arch=${m%_*}; width=${m#*_}
  [ -f "$models/$m.onnx" ] || /usr/bin/python3 "$root/tools/export_torch.py" --arch "$arch" --width "$width" \
      --seed 1 --out "$models/$m.mnv3w" --input-out "$models/$m.input.bin" \
      --logits-out "$models/$m.logits.bin" --onnx-out "$models/$m.onnx"
done
if [ ! -d "$root/bench/ort/node_modules/onnxruntime-node" ]; then
  (cd "$root/bench/ort" && ONNXRUNTIME_NODE_INSTALL=skip npm ci --no-audit --no-fund)
fi
mkdir -p "$root/bench/results"
out="$root/bench/results/latency-$(date +%Y-%m-%d).md"
# One process per thread count (see bench_latency.cpp). BENCH_THREADS overrides "1 2".
{
  echo "Machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs); $(date -u)"
  echo
  for t in ${BENCH_THREADS:-1 2}; do
    layers=""; [ "$t" = 1 ] || layers="--no-layers"
    "$build/bench/bench_latency" --models "$models" --ort "node $root/bench/ort/run_ort.js" --threads "$t" $layers "${@:2}"
    echo
  done
} | tee "$out"
echo "wrote $out"

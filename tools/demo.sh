#!/usr/bin/env bash
# make demo: the main job on the bundled defaults: classify the sample photos with both
# official pretrained models (MobileNetV3-Small and Large-minimalistic, imported from TFLite).
# Usage: tools/demo.sh BUILD
set -euo pipefail
build=${1:-build}
root=$(cd "$(dirname "$0")/.." && pwd)
data=$(grep -m1 '^MNV3_DATA_DIR:' "$build/CMakeCache.txt" | cut -d= -f2-)
images=("$data"/images/*.png)
"$build/apps/classify" --model small --top 5 "${images[@]}"
echo
"$build/apps/classify" --model large-min --top 5 "${images[@]}"

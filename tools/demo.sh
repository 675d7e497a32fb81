#!/usr/bin/env bash
# make demo: runs MobileNetV3-Large and -Small (seeded torchvision weights) through the
# AOT-compiled layers, checks the logits against torch and ONNX Runtime, and prints the
# latency of both engines. Usage: tools/demo.sh BUILD
set -euo pipefail
"$(dirname "$0")/bench.sh" "${1:-build}" --rounds 2 --runs 20

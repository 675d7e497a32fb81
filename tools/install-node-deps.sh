#!/usr/bin/env bash
# Installs the npm packages the tests use (the real TFLite interpreter, in WebAssembly),
# from the lock file. Idempotent: does nothing when node_modules matches the lock file.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
for dir in "$@"; do
  d="$root/$dir"
  stamp="$d/node_modules/.package-lock.json"
  if [ ! -f "$stamp" ] || [ "$d/package-lock.json" -nt "$stamp" ]; then
    (cd "$d" && ONNXRUNTIME_NODE_INSTALL=skip npm ci --no-audit --no-fund --loglevel=error)
  fi
done

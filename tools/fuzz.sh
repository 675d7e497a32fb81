#!/usr/bin/env bash
# Builds the libFuzzer targets (clang, ASan + UBSan) and runs each for a bounded time on
# its seed corpus. Usage: tools/fuzz.sh [SECONDS_PER_TARGET]   (default 30)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
secs=${1:-30}
build="$root/build-fuzz"
CC=clang CXX=clang++ cmake -S "$root/tests/fuzz" -B "$build" -G Ninja > /dev/null
cmake --build "$build"
for f in "$build"/fuzz_*; do
  [ -x "$f" ] || continue
  name=$(basename "$f")
  corpus="$build/corpus/$name"
  mkdir -p "$corpus"
  seeds="$root/tests/fuzz/seeds/${name#fuzz_}"
  echo "== $name: $secs s"
  # -rss_limit_mb bounds memory: a decoder that allocates what a header claims fails here.
  "$f" -max_total_time="$secs" -rss_limit_mb=2048 -timeout=10 -print_final_stats=1 \
       "$corpus" $( [ -d "$seeds" ] && echo "$seeds" ) > "$build/$name.log" 2>&1 || {
    tail -n 40 "$build/$name.log"; echo "$name: FAILED (log: $build/$name.log)"; exit 1; }
  grep -E "^(#[0-9]+ *DONE|stat::number_of_executed_units|stat::peak_rss_mb)" "$build/$name.log" || true
done

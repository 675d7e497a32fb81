#!/usr/bin/env bash
# Our engine's end-to-end latency in two builds, side by side: did a change make it faster,
# slower, or is the difference noise?
#
#   tools/bench-compare.sh OLD_BUILD NEW_BUILD [ROUNDS]
#
# Each round runs OLD_BUILD/bench/bench_latency and NEW_BUILD/bench/bench_latency once per
# thread count, alternately (old first in even rounds, new first in odd ones, so that
# neither always follows the other), all on the same weights. One process per build and
# thread count, as tools/bench.sh does: Halide's thread pool is process-wide and keeps the
# workers it has started. Only ours is timed (--peers none), without the per-layer pass
# and the memory probe, which would cost time and not change the end-to-end figures.
#
# Prints a Markdown table per model and thread count: each build's median and p10-p90 over
# all its timed runs, new/old of the medians, and p10-p90 of the per-round ratios (new/old
# of each round's medians): when that range straddles 1.00, the difference is noise.
#
# ROUNDS defaults to 10 (about a minute on 2 cores). Environment: BENCH_MODELS (default
# "large_1.0 large_0.75 small_1.0 small_0.75", as tools/bench.sh), BENCH_THREADS (default
# "1 2"), BENCH_RUNS (timed runs per process and model, default 30), BENCH_COMPARE_MODELS_DIR (weights, default NEW_BUILD/bench/models,
# where tools/bench.sh puts them; models missing there are exported with
# tools/export_torch.py, seed 1 as in tools/bench.sh), BENCH_COMPARE_OUT (where the raw
# --json files stay, default a new temporary folder).
set -euo pipefail
if [ $# -lt 2 ] || [ $# -gt 3 ]; then
  echo "usage: $0 OLD_BUILD NEW_BUILD [ROUNDS]" >&2
  exit 2
fi
old=$1 new=$2 rounds=${3:-10}
root=$(cd "$(dirname "$0")/.." && pwd)
py=/usr/bin/python3
names=${BENCH_MODELS:-large_1.0 large_0.75 small_1.0 small_0.75}
threads=${BENCH_THREADS:-1 2}
runs=${BENCH_RUNS:-30}
models=${BENCH_COMPARE_MODELS_DIR:-$new/bench/models}
out=${BENCH_COMPARE_OUT:-$(mktemp -d /tmp/bench-compare.XXXXXX)}
for b in "$old" "$new"; do
  [ -x "$b/bench/bench_latency" ] || { echo "bench-compare: no $b/bench/bench_latency" >&2; exit 2; }
done
case $rounds in '' | *[!0-9]* | 0) echo "bench-compare: ROUNDS must be a positive number" >&2; exit 2 ;; esac
mkdir -p "$models" "$out"
rm -f "$out"/*.json

for m in $names; do
  arch=${m%_*}; width=${m#*_}
  # on stderr: stdout is the table
  [ -f "$models/$m.logits.bin" ] || "$py" "$root/tools/export_torch.py" --arch "$arch" --width "$width" \
      --seed 1 --out "$models/$m.mnv3w" --input-out "$models/$m.input.bin" --logits-out "$models/$m.logits.bin" >&2
done

# One process: BUILD's bench_latency at T threads, its raw times in $out/WHICH-tT-rR.json.
# Its Markdown is not needed (the JSON has every time); its stderr goes to the log.
measure() {  # which build threads round
  "$2/bench/bench_latency" --models "$models" --names "$(echo $names | tr ' ' ',')" --threads "$3" \
      --peers none --no-layers --no-rss --rounds 1 --runs "$runs" --json "$out/$1-t$3-r$4.json" \
      > /dev/null 2>> "$out/log" || { echo "bench-compare: $2/bench/bench_latency failed:" >&2; tail -3 "$out/log" >&2; exit 1; }
}
for ((r = 0; r < rounds; r++)); do
  echo "bench-compare: round $((r + 1))/$rounds" >&2
  for t in $threads; do
    if ((r % 2 == 0)); then measure old "$old" "$t" "$r"; measure new "$new" "$t" "$r"
    else measure new "$new" "$t" "$r"; measure old "$old" "$t" "$r"; fi
  done
done

"$py" - "$out" "$old" "$new" "$rounds" "$runs" <<'EOF'
import glob, json, os, re, sys

out, old, new, rounds, runs = sys.argv[1:]

def percentile(v, q):  # as bench_latency and bench/report/write_report.py compute it
    s = sorted(v)
    pos = q * (len(s) - 1)
    i = int(pos)
    return s[i] + (pos - i) * (s[i + 1] - s[i]) if i + 1 < len(s) else s[i]

times = {}  # (which, model, threads) -> {round: [ms]}
order = []  # (model, threads) as first seen
for path in glob.glob(os.path.join(out, "*.json")):
    which, t, r = re.match(r"(old|new)-t(\d+)-r(\d+)\.json$", os.path.basename(path)).groups()
    with open(path) as f:
        run = json.load(f)
    for m in run["models"]:
        ours = next(e for e in m["engines"] if e["engine"] == "ours")
        times.setdefault((which, m["name"], int(t)), {})[int(r)] = ours["times_ms"]
        if (m["name"], int(t)) not in order:
            order.append((m["name"], int(t)))
order.sort(key=lambda k: (k[1], k[0].split("_")[0], -float(k[0].split("_")[1])))

print(f"# Ours, old vs new: {rounds} interleaved rounds of {runs} timed runs per build\n")
print(f"- old: {old}\n- new: {new}\n")
print("| model | threads | old median ms | old p10-p90 | new median ms | new p10-p90 | new/old | round ratios p10-p90 |")
print("|---|---|---|---|---|---|---|---|")
for name, t in order:
    o, n = times[("old", name, t)], times[("new", name, t)]
    allo = [x for v in o.values() for x in v]
    alln = [x for v in n.values() for x in v]
    mo, mn = percentile(allo, 0.5), percentile(alln, 0.5)
    ratios = [percentile(n[r], 0.5) / percentile(o[r], 0.5) for r in sorted(o) if r in n]
    print(f"| {name} | {t} | {mo:.3f} | {percentile(allo, 0.1):.3f}-{percentile(allo, 0.9):.3f} | {mn:.3f} | "
          f"{percentile(alln, 0.1):.3f}-{percentile(alln, 0.9):.3f} | {mn / mo:.3f} | "
          f"{percentile(ratios, 0.1):.3f}-{percentile(ratios, 0.9):.3f} |")
EOF
echo "bench-compare: raw times in $out" >&2

#!/usr/bin/python3
"""Writes the dated benchmark report (Markdown + PNG chart) from the raw results of one
`make bench` run (tools/bench.sh).

  /usr/bin/python3 bench/report/write_report.py --run-dir BUILD/bench/run --build BUILD \
      --out bench/results/YYYY-MM-DD.md --chart bench/results/YYYY-MM-DD-latency.png

RUN_DIR holds what tools/bench.sh collected:
  fma.json                   bench/fma_peak output (this machine's fp32 FMA peak)
  latency-T.json             bench_latency --json, one per thread count T
  rss-baseline-ENGINE.json   peak RSS of a bare interpreter with the engine loaded
  meta.json                  date, load before/after, versions, git commit
Standard library only; the chart is drawn by gnuplot (Debian gnuplot-nox). Percentiles
interpolate linearly, as bench_latency's do.
"""

import argparse
import glob
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile

ENGINES = ["ours", "onnxruntime", "xnnpack", "torch"]
LABEL = {"ours": "ours (Halide AOT)", "onnxruntime": "ONNX Runtime", "xnnpack": "XNNPACK",
         "torch": "PyTorch"}
SHORT = {"ours": "ours", "onnxruntime": "ORT", "xnnpack": "XNNPACK", "torch": "torch"}
COLOR = {"ours": "#1b9e77", "onnxruntime": "#7570b3", "xnnpack": "#d95f02", "torch": "#e7298a"}
MODEL_ORDER = ["large_1.0", "large_0.75", "small_1.0", "small_0.75"]


def percentile(v, q):
    if not v:
        return float("nan")
    s = sorted(v)
    pos = q * (len(s) - 1)
    i = int(pos)
    return s[i] + (pos - i) * (s[i + 1] - s[i]) if i + 1 < len(s) else s[i]


def load_json(path, default=None):
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError):
        return default


def mib(kb):
    return f"{kb / 1024:.1f}" if kb and kb > 0 else "-"


def size_mb(n):
    return f"{n / 1e6:.2f}" if n else "-"


def fmt_diff(d):
    return "-" if d is None else f"{d:.1e}"


def model_key(name):
    return (MODEL_ORDER.index(name) if name in MODEL_ORDER else len(MODEL_ORDER), name)


# ---- sizes ----

def ldd_closure(path):
    """Shared libraries a binary or library loads (resolved paths), from ldd."""
    try:
        out = subprocess.run(["ldd", path], capture_output=True, text=True, timeout=30).stdout
    except (OSError, subprocess.SubprocessError):
        return []
    libs = []
    for line in out.splitlines():
        parts = line.split("=>")
        if len(parts) == 2:
            p = parts[1].strip().split(" (")[0].strip()
            if p.startswith("/"):
                libs.append(os.path.realpath(p))
    return sorted(set(libs))


# The C and C++ runtimes every engine here uses; left out of the "closure" column.
COMMON = ("libc.so", "libm.so", "libstdc++.so", "libgcc_s.so", "ld-linux", "libpthread.so",
          "libdl.so", "librt.so")


def closure_bytes(path):
    libs = [p for p in ldd_closure(path) if not os.path.basename(p).startswith(COMMON)]
    return sum(os.path.getsize(p) for p in libs), len(libs)


def stripped_size(path):
    strip = shutil.which("strip")
    if not strip:
        return None
    with tempfile.TemporaryDirectory() as d:
        out = os.path.join(d, "stripped")
        if subprocess.run([strip, "-o", out, path], capture_output=True).returncode != 0:
            return None
        return os.path.getsize(out)


def first(pattern_list):
    for pat in pattern_list:
        hits = sorted(glob.glob(pat))
        if hits:
            return os.path.realpath(hits[0])
    return None


def size_rows(root, build):
    arch = {"x86_64": "x64", "aarch64": "arm64"}.get(platform.machine(), platform.machine())
    multiarch = {"x86_64": "x86_64-linux-gnu", "aarch64": "aarch64-linux-gnu"}.get(platform.machine(), "*")
    rows = []
    classify = os.path.join(build, "apps", "classify")
    if os.path.exists(classify):
        s = stripped_size(classify)
        extra, n = closure_bytes(classify)
        rows.append(("ours", "apps/classify, stripped (every configured model's layers, PNG "
                     "decoder, TFLite importer, Halide runtime)", s, extra, n))
    ort = first([f"{root}/bench/ort/node_modules/onnxruntime-node/bin/napi-v*/linux/{arch}/libonnxruntime.so*"])
    if ort:
        binding = first([os.path.join(os.path.dirname(ort), "onnxruntime_binding.node")])
        extra, n = closure_bytes(ort)
        rows.append(("onnxruntime", f"{os.path.basename(ort)} (npm onnxruntime-node; its Node binding "
                     f"adds {size_mb(os.path.getsize(binding)) if binding else '-'} MB, node itself not counted)",
                     os.path.getsize(ort), extra, n))
    xnn = first([f"/usr/lib/{multiarch}/libXNNPACK.so.*", f"/usr/lib/{multiarch}/libXNNPACK.a"])
    if xnn:
        extra, n = closure_bytes(xnn)
        rows.append(("xnnpack", f"{os.path.basename(xnn)} (Debian libxnnpack0; deps: pthreadpool, cpuinfo)",
                     os.path.getsize(xnn), extra, n))
    torch = first([f"/usr/lib/{multiarch}/libtorch_cpu.so*",
                   "/usr/lib/python3/dist-packages/torch/lib/libtorch_cpu.so"])
    if torch:
        extra, n = closure_bytes(torch)
        rows.append(("torch", f"{os.path.basename(torch)} (Debian libtorch1.13; closure includes "
                     "libdnnl, libc10 and everything Debian links in)", os.path.getsize(torch), extra, n))
    return rows


def avx2_cost(fma):
    """What capping oneDNN at AVX2 costs in peak FMA rate on this machine."""
    rates = {i["isa"]: i["gflops_1t"] for i in fma.get("isas", [])}
    if "avx512" in rates and "avx2" in rates and rates["avx2"] > 0:
        return (f" The cap costs torch peak: this machine's AVX2 FMA peak is {rates['avx2']:.0f} GFLOP/s "
                f"per thread against {rates['avx512']:.0f} with AVX-512 (`bench/fma_peak`), so torch's "
                "times here are those of its correct configuration, not of the fastest it could be.")
    return ""


# ---- chart ----

def write_chart(path, e2e, threads_list, models, engines, title):
    """One panel per thread count: a bar per engine and model (median, with its value on
    top), p10-p90 as error bars. Each panel's y axis ends at 1.3x its largest median, so one
    noisy p90 cannot flatten the rest (the tables carry the full numbers)."""
    gnuplot = shutil.which("gnuplot")
    if not gnuplot:
        return "gnuplot not found (tools/install-deps.sh --bench installs gnuplot-nox): no chart"
    n, gap = len(engines), 1.0
    with tempfile.TemporaryDirectory() as d:
        panels = []
        for t in threads_list:
            data = os.path.join(d, f"latency-{t}.dat")
            top = 0.0
            with open(data, "w") as f:
                for m in models:
                    row = [f'"{m.replace("_", " ")}"']
                    for e in engines:
                        v = e2e.get((m, t), {}).get(e)
                        if v:
                            top = max(top, percentile(v, 0.5))
                            row += [f"{percentile(v, 0.5):.4f}", f"{percentile(v, 0.1):.4f}",
                                    f"{percentile(v, 0.9):.4f}"]
                        else:
                            row += ["NaN", "NaN", "NaN"]
                    f.write(" ".join(row) + "\n")
            plots, labels = [], []
            for k, e in enumerate(engines):
                c = 2 + 3 * k
                src = f"'{data}'" if k == 0 else "''"
                xt = ":xtic(1)" if k == 0 else ""
                plots.append(f"{src} using {c}:{c + 1}:{c + 2}{xt} title '{LABEL[e]}' lc rgb '{COLOR[e]}'")
                off = (k - (n - 1) / 2) / (n + gap)
                labels.append(f"'' using ($0+({off:.4f})):{c}:(sprintf('%.2f', column({c}))) with labels "
                              f"offset 0,0.55 font ',8' notitle")
            panels.append(f"""
set title '{t} thread{"s" if t > 1 else ""}'
set yrange [0:{1.3 * top if top > 0 else 1:.4f}]
set xrange [-0.6:{len(models) - 0.4}]
{'' if not panels else 'unset key'}
plot {', '.join(plots + labels)}
""")
        script = f"""
set terminal pngcairo size {720 * len(threads_list) + 80},620 font 'DejaVu Sans,11'
set output '{path}'
set style data histogram
set style histogram errorbars gap {gap:g} lw 1.2
set style fill solid 0.85 border -1
set boxwidth 0.95
set key at screen 0.5,0.04 center horizontal maxcols 4 maxrows 1 font ',11' samplen 2 width 3
set bmargin 6
set tmargin 4
set grid ytics
set ylabel 'ms per image (median; bars: p10-p90) - lower is better'
set multiplot layout 1,{len(threads_list)} title "{title}"
{''.join(panels)}
unset multiplot
"""
        r = subprocess.run([gnuplot], input=script, text=True, capture_output=True)
        if r.returncode != 0:
            return "gnuplot failed: " + r.stderr.strip()[:300]
    return None


# ---- report ----

def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--run-dir", required=True)
    p.add_argument("--build", required=True)
    p.add_argument("--root", default=os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
    p.add_argument("--out", required=True)
    p.add_argument("--chart", required=True)
    a = p.parse_args()

    meta = load_json(os.path.join(a.run_dir, "meta.json"), {})
    fma = load_json(os.path.join(a.run_dir, "fma.json"), {})
    runs = []
    for path in glob.glob(os.path.join(a.run_dir, "latency-*.json")):
        r = load_json(path)
        if r:
            runs.append(r)
    if not runs:
        print("write_report: no latency-*.json in " + a.run_dir, file=sys.stderr)
        return 1
    runs.sort(key=lambda r: r["threads"])
    threads_list = [r["threads"] for r in runs]
    baselines = {e: load_json(os.path.join(a.run_dir, f"rss-baseline-{e}.json")) for e in ENGINES}

    # Collect: e2e[(model, threads)][engine] = times; engine info per engine.
    e2e, status, diff, rss, load_ms, info = {}, {}, {}, {}, {}, {}
    models = []
    for r in runs:
        t = r["threads"]
        for m in r["models"]:
            if m["name"] not in models:
                models.append(m["name"])
            for e in m["engines"]:
                key = (m["name"], t, e["engine"])
                status[key] = e["status"]
                diff[key] = e["diff"]
                rss[key] = e["peak_rss_kb"]
                load_ms[key] = e["load_ms"]
                if e["times_ms"]:
                    e2e.setdefault((m["name"], t), {})[e["engine"]] = e["times_ms"]
                if e.get("info"):
                    info[e["engine"]] = e["info"]
    models.sort(key=model_key)
    engines = [e for e in ENGINES if any(k[2] == e for k in status)]

    date = meta.get("date", "")
    out = []
    w = out.append
    w(f"# MobileNetV3 inference speed: ours vs ONNX Runtime, XNNPACK, PyTorch ({date})\n")
    w(f"Machine: {meta.get('cpu', '?')}, {meta.get('cores', '?')} cores ({meta.get('isa', '')}), "
      f"{meta.get('kernel', '')}. Load average (1, 5, 15 min) before the run: "
      f"{meta.get('load_before', '?')}; after: {meta.get('load_after', '?')}. "
      f"Wall time of the run: {meta.get('seconds', '?')} s.\n")
    w(f"Source: commit {meta.get('commit', '?')}; Halide target `{meta.get('target', 'host')}`.\n")
    w("Engines (all fp32, batch 1, same weights):\n")
    w(f"- **ours**: this project's AOT-compiled Halide layers ({meta.get('halide', 'Halide 14')}), "
      "called from `mnv3::Network`, in the bench_latency process.")
    if "onnxruntime" in engines:
        v = info.get("onnxruntime", {}).get("version", "?")
        w(f"- **ONNX Runtime** {v} (npm onnxruntime-node, CPU execution provider, graph optimization "
          f"`all`, intra-op threads = N) on node {meta.get('node', '?')}: `bench/ort/run_ort.js`, the "
          "model exported by `torch.onnx.export` (opset 13).")
    if "xnnpack" in engines:
        v = info.get("xnnpack", {}).get("version", "?")
        w(f"- **XNNPACK** {v}: `bench/xnnpack/xnnpack_mnv3.cpp` builds the network from XNNPACK "
          "subgraph nodes (NHWC; convolution_2d / depthwise_convolution_2d with batch norm folded in "
          "and ReLU as output clamp, hardswish, global_average_pooling_2d, multiply2, add2, "
          "fully_connected; h-sigmoid folded into the SE expand conv's weights and clamp), as TFLite's "
          "XNNPACK delegate does; a pthreadpool of N threads (none for 1).")
    if "torch" in engines:
        ti = info.get("torch", {})
        isa = ti.get("onednn_max_isa", "")
        w(f"- **PyTorch** {ti.get('version', '?')} (Debian python3-torch): torchvision's model, "
          "`torch.jit.optimize_for_inference(torch.jit.script(model.eval()))` (frozen, batch norm "
          "folded, convolutions converted to oneDNN), `torch.set_num_threads(N)`, "
          "`bench/torch/run_torch.py`." +
          (f" **Run with `ONEDNN_MAX_CPU_ISA={isa}`**: on this AVX-512 machine torch 1.13's oneDNN "
           "conversion gives wrong logits (Hardswish/Hardsigmoid on tensors whose channel count is not "
           "a multiple of the 16-channel AVX-512 block: 24, 72, 120, 184, 200 ... off by ~100% of max "
           "|logit|); with AVX2 blocks of 8, which every MobileNetV3 width is a multiple of, its "
           "output is correct. run_torch.py detects this by comparing with the eager model and "
           "re-runs itself with the cap." + avx2_cost(fma) if isa else ""))
    w("")
    r0 = runs[0]
    w(f"Method: weights are torchvision's MobileNetV3 with seeded random values and realistic batch-norm "
      f"statistics (`tools/export_torch.py --seed 1`), the same file (or its ONNX export) for every "
      f"engine. Before any timing our logits are checked against torch's float64 logits and every "
      f"peer's against ours: max |diff| / max |logit| <= {r0['tolerance']:g}. Each thread count runs "
      f"in its own bench_latency process (Halide's thread pool keeps its workers); each peer is a "
      f"child process that loads once and then times on request, so the engines take turns: "
      f"{r0['rounds']} rounds of ours, ORT, XNNPACK, torch, each round {r0['warmup']} untimed + "
      f"{r0['runs']} timed runs per engine, a short pause between engines so that spinning worker "
      f"threads go to sleep. Times are wall-clock per inference inside each engine's own API call "
      f"(input already in the engine's layout; ORT's NCHW transpose is done once beforehand).\n")

    # End to end.
    w(f"![latency per engine]({os.path.basename(a.chart)})\n")
    w("## End to end\n")
    w("Median [p10, p90] ms per image; \"x ours\" is the peer's median over ours (above 1: ours is "
      "faster).\n")
    head = "| model | threads | ours |" + "".join(f" {SHORT[e]} | x ours |" for e in engines[1:])
    w(head)
    w("|---|---|---|" + "---|---|" * (len(engines) - 1))
    fastest = []
    n_noisy = n_rows = 0
    for m in models:
        for t in threads_list:
            d = e2e.get((m, t), {})
            if "ours" not in d:
                continue
            om = percentile(d["ours"], 0.5)
            noisy = any(percentile(v, 0.9) > 1.5 * percentile(v, 0.5) for v in d.values())
            n_noisy += noisy
            n_rows += 1
            cells = [f"| {m} | {t}{' (noisy)' if noisy else ''} | **{percentile(d['ours'], 0.5):.3f}** [{percentile(d['ours'], 0.1):.3f}, "
                     f"{percentile(d['ours'], 0.9):.3f}] |"]
            for e in engines[1:]:
                v = d.get(e)
                if v:
                    cells.append(f" {percentile(v, 0.5):.3f} [{percentile(v, 0.1):.3f}, {percentile(v, 0.9):.3f}]"
                                 f" | {percentile(v, 0.5) / om:.2f} |")
                else:
                    cells.append(f" {status.get((m, t, e), '-')} | - |")
            w("".join(cells))
            best = min(d, key=lambda e: percentile(d[e], 0.5))
            fastest.append((m, t, best, d))
    w("")
    lines = []
    for m, t, best, d in fastest:
        if best == "ours":
            others = sorted((percentile(v, 0.5), e) for e, v in d.items() if e != "ours")
            if others:
                lines.append(f"{m} {t}T: ours, {others[0][0] / percentile(d['ours'], 0.5):.2f}x ahead of "
                             f"{SHORT[others[0][1]]}")
            else:
                lines.append(f"{m} {t}T: ours")
        else:
            lines.append(f"{m} {t}T: **{SHORT[best]}**, ours is {percentile(d['ours'], 0.5) / percentile(d[best], 0.5):.2f}x "
                         "its time")
    w("Fastest per row (by median): " + "; ".join(lines) + ".\n")
    if n_noisy:
        w(f"**{n_noisy} of {n_rows} rows are marked noisy**: some engine's p90 there is more than 1.5x "
          "its median, i.e. the machine was not quiet (see the load averages above); their medians "
          "and ratios are not to be trusted. Run `make bench` again on an idle machine.\n")

    # Checks.
    w("## Outputs checked before timing\n")
    w("max |diff| / max |logit| (ours against torch's float64 logits, each peer against ours).\n")
    w("| model | threads |" + "".join(f" {SHORT[e]} |" for e in engines) + " ours op-by-op |")
    w("|---|---|" + "---|" * (len(engines) + 1))
    for r in runs:
        for m in sorted(r["models"], key=lambda m: model_key(m["name"])):
            cells = [f"| {m['name']} | {r['threads']} |"]
            for e in engines:
                ee = next((x for x in m["engines"] if x["engine"] == e), None)
                if ee is None:
                    cells.append(" - |")
                elif ee["status"] == "ok":
                    cells.append(f" {fmt_diff(ee['diff'])} |")
                else:
                    cells.append(f" {fmt_diff(ee['diff'])} ({ee['status']}) |")
            cells.append(f" {fmt_diff(m.get('opbyop_diff'))} |")
            w("".join(cells))
    w("")

    # Per layer.
    for r in [r for r in runs if any(m["layers"] for m in r["models"])]:
        peak = r.get("fma_peak_gflops")  # what bench.sh measured for this thread count
        w(f"## Where our time goes ({r['threads']} thread{'s' if r['threads'] > 1 else ''})\n")
        w(f"Per layer: mean of {r['models'][0]['layer_runs']} runs (timed around each layer call), "
          "achieved GFLOP/s (2 FLOP per multiply-accumulate of the layer's convolutions and "
          "classifier), " + (f"percent of this machine's fp32 FMA peak on {r['threads']} thread"
                             f"{'s' if r['threads'] > 1 else ''} ({peak:.1f} GFLOP/s, "
                             f"{fma.get('best_isa', '?')}, `bench/fma_peak`), " if peak else "") +
          "and the same layer compiled op by op (schedule variant `opbyop`, `fuse=false`: every bneck "
          "stage written out whole before the next reads it), interleaved with the fused runs. "
          "\"fusion\" is op-by-op time over fused time (above 1: fusion helps).\n")
        for m in sorted(r["models"], key=lambda m: model_key(m["name"])):
            if not m["layers"]:
                continue
            total = sum(l["ms"] for l in m["layers"])
            total_cmp = sum(l["opbyop_ms"] or 0 for l in m["layers"])
            macs = sum(l["macs"] for l in m["layers"])
            has_cmp = all(l["opbyop_ms"] for l in m["layers"])
            w(f"### {m['name']}\n")
            w("| # | layer | MMAC | ms | % time | GFLOP/s |" + (" % peak |" if peak else "") +
              (" op-by-op ms | GFLOP/s | fusion |" if has_cmp else ""))
            w("|---|---|---|---|---|---|" + ("---|" if peak else "") + ("---|---|---|" if has_cmp else ""))
            for i, l in enumerate(m["layers"]):
                g = 2 * l["macs"] / (l["ms"] * 1e-3) / 1e9
                row = f"| {i} | `{l['signature']}` | {l['macs'] / 1e6:.1f} | {l['ms']:.3f} | {100 * l['ms'] / total:.1f} | {g:.1f} |"
                if peak:
                    row += f" {100 * g / peak:.0f} |"
                if has_cmp:
                    gc = 2 * l["macs"] / (l["opbyop_ms"] * 1e-3) / 1e9
                    row += f" {l['opbyop_ms']:.3f} | {gc:.1f} | {l['opbyop_ms'] / l['ms']:.2f} |"
                w(row)
            g = 2 * macs / (total * 1e-3) / 1e9
            row = f"| | **total** | {macs / 1e6:.1f} | **{total:.3f}** | 100 | {g:.1f} |"
            if peak:
                row += f" {100 * g / peak:.0f} |"
            if has_cmp:
                row += f" {total_cmp:.3f} | {2 * macs / (total_cmp * 1e-3) / 1e9:.1f} | {total_cmp / total:.2f} |"
            w(row)
            w("")
            # Summary: biggest shares and lowest efficiency.
            by_time = sorted(enumerate(m["layers"]), key=lambda il: -il[1]["ms"])[:3]
            kinds = {}
            for l in m["layers"]:
                kinds[l["kind"]] = kinds.get(l["kind"], 0) + l["ms"]
            eff = sorted(((2 * l["macs"] / (l["ms"] * 1e-3) / 1e9, i, l) for i, l in enumerate(m["layers"])))[:2]
            w("Largest shares: " + ", ".join(f"#{i} {100 * l['ms'] / total:.0f}%" for i, l in by_time) +
              ". By layer type: " + ", ".join(f"{k} {100 * v / total:.0f}%" for k, v in kinds.items()) +
              ". Least efficient: " + ", ".join(f"#{i} ({l['kind']}) {g:.0f} GFLOP/s" for g, i, l in eff) +
              (f". Fusion over the whole network: {total_cmp / total:.2f}x." if has_cmp else "."))
            ours_e2e = e2e.get((m["name"], r["threads"]), {}).get("ours")
            if ours_e2e:
                med = percentile(ours_e2e, 0.5)
                w(f"Sum of the layer means {total:.3f} ms against the end-to-end median {med:.3f} ms" +
                  (": **the per-layer runs were disturbed** (the machine was busy); read the shares, "
                   "not the times." if total > 1.15 * med else "."))
            w("")

    # FMA peak.
    if fma:
        w("## fp32 FMA peak of this machine (`bench/fma_peak`)\n")
        w("Independent chains of vector FMAs (24 accumulators, 2 FLOP per lane per FMA), best of several "
          "trials.\n")
        w(f"| ISA | lanes | GFLOP/s, 1 thread | GFLOP/s, {fma.get('threads', '?')} threads |")
        w("|---|---|---|---|")
        for i in fma.get("isas", []):
            w(f"| {i['isa']} | {i['lanes']} | {i['gflops_1t']:.1f} | {i['gflops_nt']:.1f} |")
        w("")
        if fma.get("peak_gflops_1t") and fma.get("threads", 1) > 1:
            ratio = fma["peak_gflops_nt"] / fma["peak_gflops_1t"]
            w(f"{fma['threads']} threads deliver {ratio:.2f}x one thread's FMA rate"
              + (": either other processes were using the CPUs during the measurement (see the load "
                 "averages) or the hardware threads share their FMA units (SMT siblings); in both cases "
                 "compute-bound layers cannot scale with threads here. "
                 if ratio < 1.5 else ".") + "\n")

    # Memory.
    w("## Memory\n")
    w("Peak resident set (VmHWM, MiB) of each engine's own process, loading included, over the whole "
      "timed run. ORT runs inside node and torch inside python: their numbers include the "
      "interpreter; the bare-interpreter row is a process that has only loaded the engine's "
      "module (node + onnxruntime-node; python + torch + torchvision).\n")
    w("| model | threads |" + "".join(f" {SHORT[e]} |" for e in engines))
    w("|---|---|" + "---|" * len(engines))
    for m in models:
        for t in threads_list:
            w(f"| {m} | {t} |" + "".join(f" {mib(rss.get((m, t, e)))} |" for e in engines))
    w("| bare interpreter | |" + "".join(
        f" {mib((baselines.get(e) or {}).get('peak_rss_kb'))} |" if e in ("onnxruntime", "torch") else " - |"
        for e in engines))
    w("")
    lm = [(m, t) for m in models for t in threads_list[:1]]
    w("Load time (ms: read weights, build and warm up, first inference) at "
      f"{threads_list[0]} thread(s): " + "; ".join(
          f"{m} " + ", ".join(f"{SHORT[e]} {load_ms[(m, t, e)]:.0f}" for e in engines
                              if load_ms.get((m, t, e)) is not None) for m, t in lm) + ".\n")

    w("### Binary and library sizes\n")
    w("| engine | file | size MB | shared libraries it loads (besides libc/libm/libstdc++/libgcc) |")
    w("|---|---|---|---|")
    for e, desc, size, extra, n in size_rows(a.root, a.build):
        w(f"| {SHORT[e]} | {desc} | {size_mb(size)} | {n} libraries, {size_mb(extra)} MB |")
    w("")

    chart_error = write_chart(os.path.abspath(a.chart), e2e, threads_list, models, engines,
                              f"MobileNetV3 fp32, batch 1, 224x224: latency per engine ({date}, "
                              f"{meta.get('cpu', '')}, {meta.get('cores', '?')} cores)")
    if chart_error:
        w(f"_Chart: {chart_error}._\n")
    with open(a.out, "w") as f:
        f.write("\n".join(out))
    print(f"wrote {a.out}" + ("" if chart_error else f" and {a.chart}"))
    return 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/python3
"""Times PyTorch (TorchScript, optimized for inference) on the weights of a .mnv3w file:
a peer for bench/bench_latency.

  /usr/bin/python3 bench/torch/run_torch.py --model M.mnv3w --input IN.bin --threads N
      [--warmup W] [--runs R] [--logits-out FILE] [--serve]
  /usr/bin/python3 bench/torch/run_torch.py --rss-baseline

The model is torchvision's mobilenet_v3_large/_small with the file's width and class count,
its state_dict loaded from the file (tools/mnv3w.py), then
torch.jit.optimize_for_inference(torch.jit.script(model.eval())) (which freezes the module
and folds batch norm into the convolutions). IN.bin is float32 NHWC (1,R,R,3) as
tools/export_torch.py writes it; it is transposed once to the NCHW torchvision takes.

Prints one JSON line like bench/ort/run_ort.js:
  {"engine":"torch","version":...,"threads":N,"times_ms":[...],"median_ms":...,"peak_rss_kb":...}
--serve: after loading, warming up and writing the logits, prints {"ready":true,...}, then
answers stdin lines "run W R" (W untimed + R timed runs) with {"times_ms":[...]} and
"quit" with {"peak_rss_kb":...}. Peak RSS is the whole process's (VmHWM), interpreter
included; --rss-baseline prints it for a process that has only imported torch and
torchvision, for comparison.
"""

import argparse
import json
import os
import sys
import time
import warnings

# torch 1.13 warns on every call of the MKLDNN-converted graph about resized outputs.
warnings.filterwarnings("ignore", message="An output with one or more elements was resized")
TOLERANCE = 1e-4
ISA_ENV = "ONEDNN_MAX_CPU_ISA"

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tools"))


def peak_rss_kb():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return -1


def emit(obj):
    sys.stdout.write(json.dumps(obj, separators=(",", ":")) + "\n")
    sys.stdout.flush()


def load(args):
    import numpy as np
    import torch
    import torchvision
    import mnv3w

    wf = mnv3w.read_weights(args.model)
    if wf.arch not in ("large", "small") or wf.padding != "sym":
        raise SystemExit(f"run_torch: {args.model}: only torchvision models (large/small, sym padding)")
    ctor = {"large": torchvision.models.mobilenet_v3_large,
            "small": torchvision.models.mobilenet_v3_small}[wf.arch]
    model = ctor(weights=None, width_mult=wf.width, num_classes=wf.classes)
    sd = {k: torch.from_numpy(np.array(v, dtype=np.float32)) for k, v in wf.tensors.items()}
    result = model.load_state_dict(sd, strict=False)
    missing = [k for k in result.missing_keys if not k.endswith("num_batches_tracked")]
    if missing or result.unexpected_keys:
        raise SystemExit(f"run_torch: {args.model} does not fit torchvision's {wf.arch}: "
                         f"missing {missing[:3]}, unexpected {result.unexpected_keys[:3]}")
    model.eval()
    with torch.no_grad():
        net = torch.jit.optimize_for_inference(torch.jit.script(model))

    x = np.fromfile(args.input, dtype="<f4")
    r = wf.resolution
    if x.size != r * r * 3:
        raise SystemExit(f"run_torch: {args.input}: expected {r}x{r}x3 floats, got {x.size}")
    x = torch.from_numpy(x.reshape(1, r, r, 3)).permute(0, 3, 1, 2).contiguous()
    with torch.no_grad():
        want, got = model(x), net(x)
    diff = float((got - want).abs().max() / want.abs().max())
    return net, x, diff


def timed(net, x, warmup, runs):
    import torch
    out = None
    with torch.no_grad():
        for _ in range(warmup):
            out = net(x)
        times = []
        for _ in range(runs):
            t0 = time.perf_counter()
            out = net(x)
            times.append((time.perf_counter() - t0) * 1e3)
    return times, out


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--model")
    p.add_argument("--input")
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--warmup", type=int, default=3)
    p.add_argument("--runs", type=int, default=20)
    p.add_argument("--logits-out")
    p.add_argument("--serve", action="store_true")
    p.add_argument("--rss-baseline", action="store_true",
                   help="print the peak RSS of a process that only imported torch + torchvision")
    args = p.parse_args()

    import torch
    if args.rss_baseline:
        import torchvision  # noqa: F401
        emit({"engine": "torch", "version": torch.__version__, "peak_rss_kb": peak_rss_kb()})
        return 0
    if not args.model or not args.input:
        p.error("--model and --input are required")
    if args.threads < 1 or args.runs < 1 or args.warmup < 0:
        p.error("--threads and --runs must be at least 1")
    torch.set_num_threads(args.threads)
    torch.set_num_interop_threads(1)

    t0 = time.perf_counter()
    net, x, diff = load(args)
    if not diff <= TOLERANCE:
        if os.environ.get(ISA_ENV):
            raise SystemExit(f"run_torch: optimized module disagrees with the eager model "
                             f"({diff:.3g} of max |logit|) even with {ISA_ENV}={os.environ[ISA_ENV]}")
        print(f"run_torch: optimize_for_inference's logits are off by {diff:.3g} of max |logit| "
              f"(oneDNN blocked layouts, see the header); running again with {ISA_ENV}=AVX2",
              file=sys.stderr)
        sys.stdout.flush()
        os.execve(sys.executable, [sys.executable] + sys.argv, {**os.environ, ISA_ENV: "AVX2"})
    _, out = timed(net, x, max(args.warmup, 1), 0)
    load_ms = (time.perf_counter() - t0) * 1e3
    if args.logits_out:
        out[0].detach().float().numpy().astype("<f4").tofile(args.logits_out)
    head = {"engine": "torch", "version": torch.__version__, "threads": torch.get_num_threads(),
            "mode": "optimize_for_inference(script)", "self_check": diff,
            "onednn_max_isa": os.environ.get(ISA_ENV, "")}

    if not args.serve:
        times, _ = timed(net, x, 0, args.runs)
        s = sorted(times)
        n = len(s)
        med = s[n // 2] if n % 2 else (s[n // 2 - 1] + s[n // 2]) / 2
        emit({**head, "times_ms": [round(t, 4) for t in times], "median_ms": round(med, 4),
              "load_ms": round(load_ms, 1), "peak_rss_kb": peak_rss_kb()})
        return 0

    emit({**head, "ready": True, "load_ms": round(load_ms, 1)})
    for line in sys.stdin:
        f = line.split()
        if not f:
            continue
        if f[0] == "run" and len(f) == 3:
            times, _ = timed(net, x, int(f[1]), int(f[2]))
            emit({"times_ms": [round(t, 4) for t in times]})
        elif f[0] == "quit":
            break
        else:
            raise SystemExit(f"run_torch: unknown command {line.strip()!r}")
    emit({"peak_rss_kb": peak_rss_kb()})
    return 0


if __name__ == "__main__":
    sys.exit(main())

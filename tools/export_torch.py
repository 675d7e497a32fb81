#!/usr/bin/python3
"""Exports a torchvision MobileNetV3 to the project's .mnv3w weight format, plus test vectors.

Export (trained weights from a state_dict, or seeded random weights with realistic BN stats):
  /usr/bin/python3 tools/export_torch.py --arch {large,small} --width W [--state-dict FILE]
      [--seed N] [--resolution R] [--classes K] --out weights.mnv3w
      [--input-out input.bin --logits-out logits.bin] [--onnx-out model.onnx]
Check a weight file (magic, header, checksum) and list its tensors:
  /usr/bin/python3 tools/export_torch.py --check weights.mnv3w

input.bin: float32 little-endian NHWC (1,R,R,3), ~N(0,1), seeded from --seed (independent
of the weights). logits.bin: K float32, eval-mode logits for that input computed in float64.
Run with Debian's /usr/bin/python3 (it has python3-torch, -torchvision, -onnx).
"""

import argparse
import copy
import sys
import time

import mnv3w

BN_EPS = 0.001        # torchvision MobileNetV3 (and the paper): every BatchNorm2d
BN_STAT_PASSES = 5    # training-mode forward passes used to populate running stats
BN_STAT_BATCH = 4
LINEAR_GAIN = 3.0     # std of random classifier weights = gain / sqrt(fan_in), see randomize()
MIN_LOGIT_STD = 0.1


class ExportError(Exception):
    pass


def build_model(arch, width, classes):
    import torchvision
    ctor = {"large": torchvision.models.mobilenet_v3_large,
            "small": torchvision.models.mobilenet_v3_small}[arch]
    return ctor(weights=None, width_mult=width, num_classes=classes)


def load_state_dict(path):
    import torch
    try:
        # weights_only: a state_dict is plain tensors; refuse arbitrary pickled code.
        sd = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as e:  # torch.load raises many kinds (pickle, zip, EOF, Runtime...)
        msg = " ".join(str(e).split())
        if "WeightsUnpickler error:" in msg:  # drop torch's advice to disable weights_only
            msg = "not a plain tensor pickle (" + msg.split("WeightsUnpickler error:")[1].strip() + ")"
        elif not isinstance(e, OSError):
            msg = f"{type(e).__name__}: {msg}"
        raise ExportError(f"cannot load state dict {path}: {msg}") from None
    if isinstance(sd, dict) and isinstance(sd.get("state_dict"), dict):
        sd = sd["state_dict"]  # common training-checkpoint wrapper
    if not isinstance(sd, dict) or not sd or \
            not all(isinstance(v, torch.Tensor) for v in sd.values()):
        raise ExportError(f"{path} is not a state_dict (a dict of name -> tensor)")
    return sd


def check_state_dict(model, sd, path):
    """One-line error for missing/unexpected names or wrong shapes (load_state_dict's own
    message is many lines)."""
    want = model.state_dict()
    missing = [k for k in want if k not in sd]
    extra = [k for k in sd if k not in want]
    shapes = [f"{k} {tuple(sd[k].shape)} (want {tuple(want[k].shape)})"
              for k in want if k in sd and sd[k].shape != want[k].shape]
    problems = []
    for what, items in (("missing", missing), ("unexpected", extra), ("wrong shape", shapes)):
        if items:
            more = f" (+{len(items) - 3} more)" if len(items) > 3 else ""
            problems.append(f"{len(items)} {what}: {', '.join(items[:3])}{more}")
    if problems:
        raise ExportError(f"{path} does not fit this model: {'; '.join(problems)}"
                          " (check --arch, --width, --classes)")


def randomize(model, resolution):
    """Makes a seeded random model whose eval-mode outputs are meaningful test data.

    torchvision's init gives BN weight 1 / bias 0, zero running stats, and classifier
    weights of std 0.01: eval-mode logits come out around 1e-2 and hardly depend on the
    input, so an engine that gets a layer wrong could still "match". Hence:
      * BN affine params get random variation (weight U(0.5,1.5), bias N(0,0.1)) so the
        fold of BN into conv is exercised per channel;
      * the two classifier Linear layers get std LINEAR_GAIN/sqrt(fan_in) (bias N(0,0.1))
        so logits are of order 1-10;
      * running mean/var are the cumulative average over a few training-mode passes on
        random inputs (momentum None), i.e. realistic statistics for N(0,1) inputs.
    """
    import torch
    from torch import nn
    bns = [m for m in model.modules() if isinstance(m, nn.BatchNorm2d)]
    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, nn.Linear):
                m.weight.normal_(0, LINEAR_GAIN / m.in_features ** 0.5)
                m.bias.normal_(0, 0.1)
        saved_momentum = [bn.momentum for bn in bns]
        for bn in bns:
            bn.weight.uniform_(0.5, 1.5)
            bn.bias.normal_(0, 0.1)
            bn.reset_running_stats()
            bn.momentum = None  # cumulative moving average over the passes
        model.train()
        for _ in range(BN_STAT_PASSES):
            model(torch.randn(BN_STAT_BATCH, 3, resolution, resolution))
        for bn, mom in zip(bns, saved_momentum):
            bn.momentum = mom
    model.eval()


def export(args):
    import torch
    from torch import nn
    t_start = time.perf_counter()
    if args.width <= 0:
        raise ExportError(f"--width must be positive, got {args.width}")
    if args.resolution < 1:
        raise ExportError(f"--resolution must be positive, got {args.resolution}")

    sd = load_state_dict(args.state_dict) if args.state_dict else None
    classes = args.classes
    if classes is None:  # default: what the state dict has, else ImageNet's 1000
        w = sd.get("classifier.3.weight") if sd is not None else None
        classes = w.shape[0] if w is not None and w.dim() == 2 else 1000
    if classes < 1:
        raise ExportError(f"--classes must be positive, got {classes}")

    torch.manual_seed(args.seed)  # before construction: the constructor draws the init
    model = build_model(args.arch, args.width, classes)
    if sd is not None:
        check_state_dict(model, sd, args.state_dict)
        model.load_state_dict(sd, strict=True)
        model.eval()
    else:
        randomize(model, args.resolution)
    t_model = time.perf_counter()

    for name, m in model.named_modules():
        if isinstance(m, nn.BatchNorm2d) and m.eps != BN_EPS:
            raise ExportError(f"BatchNorm {name} has eps {m.eps}, the format says {BN_EPS}")

    tensors = [(k, v.detach().float().numpy()) for k, v in model.state_dict().items()
               if not k.endswith("num_batches_tracked")]
    config = (args.arch, float(args.width), args.resolution, "sym", classes)
    data_bytes, checksum = mnv3w.write_weights(args.out, config, BN_EPS, tensors)
    n_params = sum(a.size for _, a in tensors)
    print(f"wrote {args.out}: model {args.arch} {float(args.width)!r} {args.resolution} sym "
          f"{classes}, {len(tensors)} tensors, {n_params} params, {data_bytes} data bytes, "
          f"fnv1a64 {checksum:016x}")
    t_write = time.perf_counter()

    # Test input: its own generator (seed + 1) so it does not depend on how many random
    # numbers the weight init drew, nor on whether --state-dict was given.
    gen = torch.Generator().manual_seed(args.seed + 1)
    x = torch.randn(1, 3, args.resolution, args.resolution, generator=gen)
    # Reference logits in float64 from the float32 weights (exactly representable), so the
    # reference carries no float32 rounding of its own.
    ref = copy.deepcopy(model).double().eval()
    # Intermediate outputs (--tap-out MODULE=FILE): each named submodule's output in the
    # same float64 run, e.g. features.13.block.0 (the expansion SSDLite taps).
    taps = {}
    for spec in args.tap_out or []:
        module, _, path = spec.partition("=")
        mods = dict(ref.named_modules())
        if not path or module not in mods:
            raise ExportError(f"--tap-out {spec!r}: want MODULE=FILE with a module of the model")
        mods[module].register_forward_hook(lambda m, i, o, module=module: taps.__setitem__(module, o))
        taps[module] = path
    paths = dict(taps)
    with torch.no_grad():
        logits = ref(x.double())[0]
    std = logits.std().item()
    print(f"eval logits: std {std:.4g}, max |logit| {logits.abs().max().item():.4g}, "
          f"argmax {logits.argmax().item()}")
    if sd is None and std <= MIN_LOGIT_STD:
        raise ExportError(f"random model's logits std {std:.3g} <= {MIN_LOGIT_STD}: "
                          "the test vectors would be too weak")
    if args.input_out:
        x.permute(0, 2, 3, 1).contiguous().numpy().astype("<f4").tofile(args.input_out)
        print(f"wrote {args.input_out}: NHWC float32 (1,{args.resolution},{args.resolution},3)")
    if args.logits_out:
        logits.numpy().astype("<f4").tofile(args.logits_out)
        print(f"wrote {args.logits_out}: {classes} float32 logits")
    for module, path in paths.items():
        t = taps[module][0].permute(1, 2, 0).contiguous()
        t.numpy().astype("<f4").tofile(path)
        print(f"wrote {path}: {module} output, HWC float32 {tuple(t.shape)}")
    t_vectors = time.perf_counter()

    if args.onnx_out:
        import onnx
        torch.onnx.export(model, x, args.onnx_out, opset_version=13, input_names=["input"],
                          output_names=["logits"], do_constant_folding=True)
        onnx.checker.check_model(onnx.load(args.onnx_out))
        print(f"wrote {args.onnx_out}: opset 13, input 'input' [1,3,{args.resolution},"
              f"{args.resolution}], output 'logits'")
    t_end = time.perf_counter()
    print(f"time: model {t_model - t_start:.2f}s, weights {t_write - t_model:.2f}s, "
          f"vectors {t_vectors - t_write:.2f}s, onnx {t_end - t_vectors:.2f}s, "
          f"total {t_end - t_start:.2f}s")


def check(path):
    wf = mnv3w.read_weights(path)
    print(f"{path}: model {wf.arch} {wf.width_text} {wf.resolution} {wf.padding} {wf.classes}, "
          f"bn_eps {wf.bn_eps!r}, {len(wf.tensors)} tensors, "
          f"{sum(a.size for a in wf.tensors.values())} params, {wf.data_bytes} data bytes, "
          f"checksum fnv1a64 {wf.checksum:016x} ok")
    for name, a in wf.tensors.items():
        print(f"  {name:44s} {','.join(map(str, a.shape))}")


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--check", metavar="FILE", help="validate FILE.mnv3w and list its tensors")
    p.add_argument("--arch", choices=("large", "small"))
    p.add_argument("--width", type=float, default=1.0, help="width multiplier (default 1.0)")
    p.add_argument("--state-dict", metavar="FILE", help="torchvision state_dict (torch.save)")
    p.add_argument("--seed", type=int, default=0, help="random weights and test input seed")
    p.add_argument("--resolution", type=int, default=224)
    p.add_argument("--classes", type=int,
                   help="number of classes (default: from --state-dict, else 1000)")
    p.add_argument("--out", metavar="FILE.mnv3w")
    p.add_argument("--input-out", metavar="FILE", help="test input, float32 NHWC")
    p.add_argument("--logits-out", metavar="FILE", help="reference logits, float32")
    p.add_argument("--onnx-out", metavar="FILE", help="ONNX model (opset 13, float32)")
    p.add_argument("--tap-out", metavar="MODULE=FILE", action="append",
                   help="an intermediate output (e.g. features.13.block.0), float32 HWC")
    args = p.parse_args(argv)
    if args.check:
        run = lambda: check(args.check)  # noqa: E731
    elif not args.arch or not args.out:
        p.error("--arch and --out are required (or use --check FILE)")
    else:
        run = lambda: export(args)  # noqa: E731
    try:
        run()
    except (ExportError, mnv3w.FormatError, OSError) as e:
        print(f"export_torch: error: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/python3
"""ARM results equal x86 results (run by ctest in an ARM cross build).

Runs tests/dump_logits twice on the same weights and pixels: the x86 build's binary
natively, this build's ARM binary through the emulator in $MNV3_EMULATOR (qemu-aarch64),
and compares every logit vector: the four torchvision references (seeded random weights)
and the two pretrained TFLite models on both sample photos.

Tolerance: every logit within 1e-4 of the x86 logit, relative to the largest |logit| (the
bound the network tests hold each build to against torch), and the same top-1 class.
Both builds run the same Halide algorithm with fused multiply-adds; their schedules differ
(vector widths, register blocks) but keep each sum's order over its reduction, and the
logits measured bit-identical. The tolerance leaves room for a schedule that splits a
reduction someday.

usage: arm_vs_x86.py X86_DUMP_LOGITS ARM_DUMP_LOGITS REFS_DIR MODELS_DIR IMAGES_DIR TMP_DIR
"""
import os
import shlex
import struct
import subprocess
import sys

X86, ARM, REFS, MODELS, IMAGES, TMP = sys.argv[1:7]
EMULATOR = shlex.split(os.environ.get("MNV3_EMULATOR", ""))
TOLERANCE = 1e-4

passed, failed = 0, 0


def check(name, ok, detail=""):
    global passed, failed
    print(("PASS " if ok else "FAIL ") + name + (": " + detail if detail else ""))
    if ok:
        passed += 1
    else:
        failed += 1


def dump(cmd, out):
    os.makedirs(out, exist_ok=True)
    p = subprocess.run(cmd + [out, REFS, MODELS, IMAGES], capture_output=True, text=True, timeout=1200)
    if p.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed ({p.returncode}): {p.stderr.strip()}")
    return p.stdout.split()


def read(path):
    with open(path, "rb") as f:
        data = f.read()
    return struct.unpack(f"<{len(data) // 4}f", data)


def main():
    if not os.access(X86, os.X_OK):
        check("x86 dump_logits present", False, f"{X86} is missing: build the x86 tree's dump_logits first")
        return
    names = dump([X86], os.path.join(TMP, "x86"))
    arm_names = dump(EMULATOR + [ARM], os.path.join(TMP, "arm"))
    check("same set of outputs", names == arm_names, f"x86 {names}, ARM {arm_names}")
    for name in names:
        x = read(os.path.join(TMP, "x86", name + ".logits"))
        a = read(os.path.join(TMP, "arm", name + ".logits"))
        if len(x) != len(a) or not x:
            check(name, False, f"{len(x)} x86 logits, {len(a)} ARM logits")
            continue
        scale = max(abs(v) for v in x)
        diff = max(abs(p - q) for p, q in zip(x, a))
        top_x = max(range(len(x)), key=x.__getitem__)
        top_a = max(range(len(a)), key=a.__getitem__)
        check(f"{name}: ARM within {TOLERANCE:g} x max |logit| of x86, same top-1",
              diff <= TOLERANCE * scale and top_x == top_a,
              f"max |diff| {diff:.3g} ({diff / scale:.2g} x max |logit| {scale:.3g}), top-1 x86 {top_x} ARM {top_a}")


if __name__ == "__main__":
    try:
        main()
    except Exception as e:  # a harness failure is a failure, never a pass
        check("harness", False, f"{type(e).__name__}: {e}")
    print(f"{passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)

#!/usr/bin/python3
"""End-to-end tests of apps/classify (run by ctest).

- The official pretrained models classify the sample photos right: chelsea.png is
  "Egyptian cat" (286) and coffee.png "espresso" (968), with MobileNetV3-Small and
  Large-minimalistic.
- Agreement with the real TFLite interpreter (npm @tensorflow/tfjs-tflite 0.0.1-alpha.6,
  its builtin uint8 kernels) on the very 224x224 pixels classify fed its network
  (--dump-pixels): top-1 equal; top-5 overlap reported.
- Bad input: one-line error on stderr, non-zero exit, no crash (exit code < 128), bounded
  time and memory.

usage: test_classify.py CLASSIFY MODELS_DIR IMAGES_DIR TFLITE_REF_DIR TMP_DIR
A cross build runs CLASSIFY through the emulator in $MNV3_EMULATOR (e.g. "qemu-aarch64 -cpu
cortex-a53", set by tests/CMakeLists.txt from CMAKE_CROSSCOMPILING_EMULATOR).
"""
import json
import os
import random
import shlex
import struct
import subprocess
import sys
import zlib

CLASSIFY, MODELS, IMAGES, TFLITE_REF, TMP = sys.argv[1:6]
EMULATOR = shlex.split(os.environ.get("MNV3_EMULATOR", ""))
SMALL = os.path.join(MODELS, "v3-small_224_1.0_uint8.tflite")
LARGE_MIN = os.path.join(MODELS, "v3-large-minimalistic_224_1.0_uint8.tflite")
EXPECTED = {"chelsea.png": 286, "coffee.png": 968}

passed, failed = 0, 0


def check(name, ok, detail=""):
    global passed, failed
    print(("PASS " if ok else "FAIL ") + name + (": " + detail if detail else ""))
    if ok:
        passed += 1
    else:
        failed += 1


def run(args, timeout=60):
    # A memory cap makes "bounded memory" a checked property, not a hope.
    limit = "ulimit -v 4000000; "
    args = [x for a in args for x in (EMULATOR + [a] if a == CLASSIFY else [a])]
    cmd = limit + " ".join("'" + a.replace("'", "'\\''") + "'" for a in args)
    p = subprocess.run(["bash", "-c", cmd], capture_output=True, text=True, timeout=timeout)
    return p.returncode, p.stdout, p.stderr


def classify_json(model, image, dump=None):
    args = [CLASSIFY, "--model", model, "--json", "--top", "5", image]
    if dump:
        args[1:1] = ["--dump-pixels", dump]
    rc, out, err = run(args)
    if rc != 0:
        raise RuntimeError(f"classify failed ({rc}): {err.strip()}")
    return json.loads(out.strip().splitlines()[-1])


def tflite_top5(model, pixels):
    p = subprocess.run(["node", os.path.join(TFLITE_REF, "run_tflite.js"), "--model", model,
                        "--pixels", pixels, "--top", "5"], capture_output=True, text=True, timeout=120)
    if p.returncode != 0:
        raise RuntimeError("run_tflite.js failed: " + p.stderr.strip())
    return json.loads(p.stdout.strip().splitlines()[-1])["top"]


def expect_error(name, args, needle=None):
    rc, out, err = run(args)
    lines = [l for l in err.strip().splitlines() if l]
    ok = rc != 0 and rc < 128 and len(lines) >= 1 and (needle is None or needle in err)
    # Usage errors print the usage line after the message; everything else prints one line.
    if ok and rc != 2:
        ok = len(lines) == 1
    check(name, ok, f"exit {rc}, stderr: {err.strip()[:200]!r}")


def png_chunk(kind, data):
    c = struct.pack(">I", len(data)) + kind + data
    return c + struct.pack(">I", zlib.crc32(kind + data) & 0xffffffff)


def write_png(path, w, h, rows=None, truncate=False):
    ihdr = struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)
    data = b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", ihdr)
    if not truncate:
        raw = b"".join(b"\0" + bytes(3 * w) for _ in range(h)) if rows is None else rows
        data += png_chunk(b"IDAT", zlib.compress(raw)) + png_chunk(b"IEND", b"")
    with open(path, "wb") as f:
        f.write(data)


def main():
    os.makedirs(TMP, exist_ok=True)
    for path in (SMALL, LARGE_MIN):
        if not os.path.isfile(path):
            check("pretrained model present", False, f"{path} is missing (../shared/data/models)")
            return

    # ---- right answers, and agreement with TFLite on the same pixels -------------------
    for model in (SMALL, LARGE_MIN):
        mname = os.path.basename(model)
        for image, want in EXPECTED.items():
            pixels = os.path.join(TMP, f"{mname}.{image}.rgb")
            ours = classify_json(model, os.path.join(IMAGES, image), pixels)
            our_top = [t["class"] for t in ours["top"]]
            check(f"{mname} {image} top-1 is {want}", our_top[0] == want,
                  f"ours {our_top} ({ours['top'][0]['label']} {ours['top'][0]['prob']:.3f}); "
                  f"preprocess {ours['preprocess_ms']:.2f} ms, network {ours['network_ms']:.2f} ms")
            ref = tflite_top5(model, pixels)
            ref_top = [c for c, _ in ref]
            overlap = len(set(ref_top) & set(our_top))
            check(f"{mname} {image} top-1 equals TFLite's", ref_top[0] == our_top[0],
                  f"TFLite {ref} (uint8 scores), ours {our_top}, top-5 overlap {overlap}/5")

    # ---- bad input ---------------------------------------------------------------------
    chelsea = os.path.join(IMAGES, "chelsea.png")
    expect_error("missing image", [CLASSIFY, "--model", SMALL, os.path.join(TMP, "nope.png")], "nope.png")
    notpng = os.path.join(TMP, "not-a-png.png")
    with open(notpng, "wb") as f:
        f.write(b"\xff\xd8\xff\xe0 this is a JPEG header, not a PNG" * 10)
    expect_error("not a PNG", [CLASSIFY, "--model", SMALL, notpng], "PNG")
    with open(chelsea, "rb") as f:
        photo = f.read()
    cut = os.path.join(TMP, "truncated.png")
    with open(cut, "wb") as f:
        f.write(photo[: len(photo) // 2])
    expect_error("truncated PNG", [CLASSIFY, "--model", SMALL, cut])
    tiny = os.path.join(TMP, "one-pixel.png")
    write_png(tiny, 1, 1)
    expect_error("1x1 image", [CLASSIFY, "--model", SMALL, tiny], "1x1")
    huge = os.path.join(TMP, "huge-header.png")
    write_png(huge, 100000, 100000, truncate=True)
    expect_error("100000x100000 header", [CLASSIFY, "--model", SMALL, huge])

    with open(SMALL, "rb") as f:
        model_bytes = f.read()
    short = os.path.join(TMP, "truncated.tflite")
    with open(short, "wb") as f:
        f.write(model_bytes[: len(model_bytes) // 3])
    expect_error("truncated .tflite", [CLASSIFY, "--model", short, chelsea])
    rng = random.Random(7)
    flipped_ok = True
    for i in range(20):
        bad = bytearray(model_bytes)
        for _ in range(50):
            bad[rng.randrange(len(bad))] ^= 1 << rng.randrange(8)
        path = os.path.join(TMP, f"flipped{i}.tflite")
        with open(path, "wb") as f:
            f.write(bad)
        rc, out, err = run([CLASSIFY, "--model", path, chelsea])
        # Flips in weight bytes are undetectable (the file has no checksum): a run may succeed;
        # it must never crash.
        if rc >= 128 or rc < 0 or (rc != 0 and len(err.strip().splitlines()) != 1):
            flipped_ok = False
            print(f"  flipped{i}: exit {rc}, stderr {err.strip()[:200]!r}")
    check(".tflite with random bytes flipped (20 files x 50 flips): no crash", flipped_ok)
    other = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fuzz", "seeds", "tflite")
    others = sorted(os.path.join(other, f) for f in os.listdir(other)) if os.path.isdir(other) else []
    valid_other = [p for p in others if p.endswith(".tflite")]
    if valid_other:
        expect_error("a .tflite of another kind of network", [CLASSIFY, "--model", valid_other[0], chelsea],
                     "tflite import")
    else:
        check("a .tflite of another kind of network", False, "no tiny non-MobileNet .tflite in tests/fuzz/seeds/tflite")
    expect_error("unknown option", [CLASSIFY, "--frobnicate", chelsea], "unknown option")
    expect_error("bad --top", [CLASSIFY, "--top", "zero", chelsea], "--top")
    expect_error("no image", [CLASSIFY, "--model", SMALL], "no image")
    expect_error("weights of another format", [CLASSIFY, "--model", chelsea, chelsea], ".tflite or .mnv3w")
    env_missing = ["env", "MNV3_MODELS_DIR=" + TMP, "MNV3_DATA_DIR=" + TMP, "XDG_CACHE_HOME=" + TMP, "MNV3_NO_DOWNLOAD=1"]
    expect_error("pretrained model absent and no download", env_missing + [CLASSIFY, chelsea], "MNV3_MODELS_DIR")


if __name__ == "__main__":
    try:
        main()
    except Exception as e:  # a harness failure is a failure, never a pass
        check("harness", False, f"{type(e).__name__}: {e}")
    print(f"{passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)

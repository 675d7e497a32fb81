#!/usr/bin/python3
"""End-to-end tests of apps/classify (run by ctest).

- The official pretrained models classify the sample photos right: chelsea.png is
  "Egyptian cat" (286) and coffee.png "espresso" (968), with MobileNetV3-Small and
  Large-minimalistic.
- Agreement with the real TFLite interpreter (npm @tensorflow/tfjs-tflite 0.0.1-alpha.6,
  its builtin uint8 kernels) on the very 224x224 pixels classify fed its network
  (--dump-pixels): top-1 equal; top-5 overlap reported.
- Bad input: one-line error on stderr, non-zero exit, no crash (exit code < 128), bounded
  time and memory (every run has a timeout: a hang is a failure, not a stall; huge or
  endless inputs also have their peak RSS measured with /usr/bin/time -v, Debian package
  `time`, and must stay under 200 MB).
- Output: every write checked (a full disk is an error), no output path may be an input,
  --json is valid JSON in valid UTF-8 with paths kept exactly, text output has no control
  characters.

usage: test_classify.py CLASSIFY MODELS_DIR IMAGES_DIR TFLITE_REF_DIR TMP_DIR
A cross build runs CLASSIFY through the emulator in $MNV3_EMULATOR (e.g. "qemu-aarch64 -cpu
cortex-a53", set by tests/CMakeLists.txt from CMAKE_CROSSCOMPILING_EMULATOR).
"""
import hashlib
import json
import os
import random
import shlex
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import zlib

CLASSIFY, MODELS, IMAGES, TFLITE_REF, TMP_ROOT = sys.argv[1:6]
CLASSIFY = os.path.abspath(CLASSIFY)  # some runs change directory
# Each run works in its own directory under TMP_ROOT (removed at the end): runs of this test
# from the shared build tree may overlap.
os.makedirs(TMP_ROOT, exist_ok=True)
TMP = tempfile.mkdtemp(prefix="run-", dir=TMP_ROOT)
EMULATOR = shlex.split(os.environ.get("MNV3_EMULATOR", ""))
SMALL = os.path.join(MODELS, "v3-small_224_1.0_uint8.tflite")
LARGE_MIN = os.path.join(MODELS, "v3-large-minimalistic_224_1.0_uint8.tflite")
EXPECTED = {"chelsea.png": 286, "coffee.png": 968}
TIME = "/usr/bin/time"  # GNU time (Debian package "time"), for peak RSS
RSS_LIMIT_MB = 200

passed, failed = 0, 0


def check(name, ok, detail=""):
    global passed, failed
    print(("PASS " if ok else "FAIL ") + name + (": " + detail if detail else ""))
    if ok:
        passed += 1
    else:
        failed += 1


def decode(b):
    # Bytes to str and back without loss (invalid UTF-8 is checked where it matters).
    return b.decode("utf-8", "surrogateescape")


def raw(s):
    return s.encode("utf-8", "surrogateescape")


def run(args, timeout=60, stdout=None, rss=None):
    """Runs args (CLASSIFY through the emulator) under bash with a memory cap, in its own
    process group, killed at `timeout`: returns (exit code or None on timeout, stdout, stderr).
    stdout: a path to send standard output to. rss: a path where /usr/bin/time -v writes."""
    # A memory cap makes "bounded memory" a checked property, not a hope. Not under
    # AddressSanitizer (make test-asan sets MNV3_SANITIZED), which reserves terabytes of
    # address space for its shadow; the peak-RSS checks still apply there.
    limit = "" if os.environ.get("MNV3_SANITIZED") else "ulimit -v 4000000; "
    args = [x for a in args for x in (EMULATOR + [a] if a == CLASSIFY else [a])]
    if rss:
        args = [TIME, "-v", "-o", rss] + args
    cmd = limit + " ".join("'" + a.replace("'", "'\\''") + "'" for a in args)
    out_file = open(stdout, "wb") if stdout else None
    try:
        p = subprocess.Popen(["bash", "-c", cmd], stdout=out_file or subprocess.PIPE, stderr=subprocess.PIPE,
                             start_new_session=True)
        try:
            out, err = p.communicate(timeout=timeout)
            rc = p.returncode
        except subprocess.TimeoutExpired:
            os.killpg(p.pid, signal.SIGKILL)
            out, err = p.communicate()
            rc, err = None, err + b"\n(killed: no exit within %d s)" % timeout
    finally:
        if out_file:
            out_file.close()
    return rc, decode(out or b""), decode(err)


def peak_rss_mb(path):
    try:
        with open(path) as f:
            for line in f:
                if "Maximum resident set size" in line:
                    return int(line.split(":")[1]) / 1024.0
    except OSError:
        pass
    return None


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


def expect_error(name, args, needle=None, timeout=60, stdout=None, rss=False, absent=None):
    """A clean failure: non-zero exit below 128 within `timeout`, one line on stderr (usage
    errors: the message, then the usage line) containing `needle` (a string, or a tuple of
    alternatives) and not `absent`; with rss, a peak RSS under RSS_LIMIT_MB."""
    rss_path = os.path.join(TMP, "rss.txt") if rss else None
    if rss_path and os.path.exists(rss_path):
        os.remove(rss_path)
    if rss and not os.path.exists(TIME):
        check(name, False, f"{TIME} is missing (Debian package 'time')")
        return
    rc, out, err = run(args, timeout=timeout, stdout=stdout, rss=rss_path)
    lines = [l for l in err.strip().splitlines() if l]
    needles = needle if isinstance(needle, tuple) else (needle,)
    ok = (rc is not None and rc != 0 and rc < 128 and len(lines) >= 1 and
          (needle is None or any(n in err for n in needles)) and (absent is None or absent not in err))
    # Usage errors print the usage line after the message; everything else prints one line.
    if ok and rc != 2:
        ok = len(lines) == 1
    detail = f"exit {rc}, stderr: {err.strip()[:200]!r}"
    if rss:
        mb = peak_rss_mb(rss_path)
        ok = ok and mb is not None and mb < RSS_LIMIT_MB
        detail += f", peak RSS {mb if mb is None else round(mb, 1)} MB (limit {RSS_LIMIT_MB})"
    check(name, ok, detail)


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
        rc, out, err = run([CLASSIFY, "--model", path] + (["--json"] if i % 2 else []) + [chelsea])
        # Flips in weight bytes are undetectable (the file has no checksum): a run may succeed;
        # it must never crash, and --json output must stay JSON (no nan from broken logits).
        if rc is None or rc >= 128 or rc < 0 or (rc != 0 and len(err.strip().splitlines()) != 1):
            flipped_ok = False
            print(f"  flipped{i}: exit {rc}, stderr {err.strip()[:200]!r}")
        elif rc == 0 and i % 2:
            try:
                json.loads(out.strip().splitlines()[-1], parse_constant=lambda c: 1 / 0)
            except (ValueError, IndexError, ZeroDivisionError) as e:
                flipped_ok = False
                print(f"  flipped{i} --json: not JSON ({type(e).__name__}): {out.strip()[:200]!r}")
    check(".tflite with random bytes flipped (20 files x 50 flips): no crash, --json stays JSON", flipped_ok)
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

    hostile_inputs(chelsea, photo)
    output_checks(chelsea, photo)
    text_and_json(chelsea)


def top1(out):
    # The class of the first "  1. ..." line of text output, or None.
    for line in out.splitlines():
        if line.startswith("  1. "):
            return int(line.rsplit("(", 1)[1].rstrip(")"))
    return None


def file_hash(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


class FifoWriter:
    """A shell writing `script`'s output into a FIFO (it blocks until a reader opens it),
    killed with its process group on exit."""

    def __init__(self, fifo, script):
        self.p = subprocess.Popen(["bash", "-c", "{ " + script + "; } > '" + fifo + "'"], stdout=subprocess.DEVNULL,
                                  stderr=subprocess.DEVNULL, start_new_session=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        try:
            os.killpg(self.p.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.p.wait()


def fifo(name):
    path = os.path.join(TMP, name)
    if os.path.lexists(path):
        os.remove(path)
    os.mkfifo(path)
    return path


def hostile_inputs(chelsea, photo):
    """Directories, FIFOs, devices and huge files as model, image and labels."""
    # Labels: devices and directories are named; size and line limits.
    expect_error("--labels /dev/zero", [CLASSIFY, "--model", SMALL, "--labels", "/dev/zero", chelsea], "a device",
                 timeout=30, rss=True)
    expect_error("--labels a directory", [CLASSIFY, "--model", SMALL, "--labels", TMP, chelsea], "a directory")
    lfifo = fifo("labels.fifo")
    expect_error("--labels a FIFO with no writer", [CLASSIFY, "--model", SMALL, "--labels", lfifo, chelsea], "a FIFO",
                 timeout=30)
    big_labels = os.path.join(TMP, "big-labels.txt")
    with open(big_labels, "wb") as f:
        f.write(b"tench\n")
    os.truncate(big_labels, 17 << 20)
    expect_error("--labels of 17 MiB (16 MiB limit)", [CLASSIFY, "--model", SMALL, "--labels", big_labels, chelsea],
                 "limit", timeout=30, rss=True)
    os.remove(big_labels)
    long_line = os.path.join(TMP, "long-line-labels.txt")
    with open(long_line, "wb") as f:
        f.write(b"tench\n" + b"x" * 5000 + b"\n" + b"label\n" * 998)
    expect_error("--labels with a 5000-byte line", [CLASSIFY, "--model", SMALL, "--labels", long_line, chelsea],
                 "line 2 is longer than")
    short_labels = os.path.join(TMP, "999-labels.txt")
    with open(short_labels, "wb") as f:
        f.write(b"label\n" * 999)
    expect_error("--labels with 999 lines", [CLASSIFY, "--model", SMALL, "--labels", short_labels, chelsea],
                 "has 999 lines, the model has 1000 classes")

    # Models: a directory, a directory named .tflite, a device, a FIFO: said so.
    expect_error("--model a directory", [CLASSIFY, "--model", TMP, chelsea], "a directory")
    dir_model = os.path.join(TMP, "dir.tflite")
    os.makedirs(dir_model, exist_ok=True)
    expect_error("--model a directory named .tflite", [CLASSIFY, "--model", dir_model, chelsea], "a directory")
    expect_error("--model /dev/urandom", [CLASSIFY, "--model", "/dev/urandom", chelsea], "a device", timeout=30)
    mfifo = fifo("model.tflite")
    expect_error("--model a FIFO with no writer", [CLASSIFY, "--model", mfifo, chelsea], "a FIFO", timeout=30)
    # A 2 GB sparse .mnv3w that starts with the magic: refused from its size or header, not read.
    big_w = os.path.join(TMP, "sparse-2g.mnv3w")
    with open(big_w, "wb") as f:
        f.write(b"MNV3WTS1")
    os.truncate(big_w, 2 << 30)
    expect_error("2 GB sparse .mnv3w with the magic", [CLASSIFY, "--model", big_w, chelsea], ("header", "limit"),
                 timeout=60, rss=True)
    os.remove(big_w)

    # Images: a directory, a device, FIFOs (no writer; an endless PNG-looking stream), 2 GB.
    expect_error("image a directory", [CLASSIFY, "--model", SMALL, TMP], "a directory")
    expect_error("image /dev/urandom", [CLASSIFY, "--model", SMALL, "/dev/urandom"], "a device", timeout=30, rss=True)
    ififo = fifo("nowriter.png")
    expect_error("image a FIFO with no writer (must not block)", [CLASSIFY, "--model", SMALL, ififo], "a FIFO",
                 timeout=30)
    sfifo = fifo("stream.png")
    with FifoWriter(sfifo, "printf '\\x89PNG\\r\\n\\x1a\\n'; cat /dev/zero"):
        expect_error("image a FIFO fed an endless PNG-looking stream", [CLASSIFY, "--model", SMALL, sfifo], "a FIFO",
                     timeout=30, rss=True)
    big_png = os.path.join(TMP, "sparse-2g.png")
    with open(big_png, "wb") as f:
        f.write(photo)
    os.truncate(big_png, 2 << 30)
    expect_error("2 GB sparse copy of a photo", [CLASSIFY, "--model", SMALL, big_png],
                 ("limit", "too large", "2147483648"), timeout=60, rss=True)
    os.remove(big_png)
    for p in (lfifo, mfifo, ififo, sfifo):
        os.remove(p)


def output_checks(chelsea, photo):
    """Failed writes are errors; outputs never overwrite inputs; option edge cases."""
    expect_error("text output to /dev/full", [CLASSIFY, "--model", SMALL, chelsea], "standard output",
                 stdout="/dev/full")
    expect_error("--json output to /dev/full", [CLASSIFY, "--model", SMALL, "--json", chelsea], "standard output",
                 stdout="/dev/full")
    expect_error("--dump-pixels /dev/full", [CLASSIFY, "--model", SMALL, "--dump-pixels", "/dev/full", chelsea],
                 "/dev/full")
    expect_error("--dump-pixels into a missing directory",
                 [CLASSIFY, "--model", SMALL, "--dump-pixels", os.path.join(TMP, "no", "such", "dir.rgb"), chelsea],
                 "cannot write pixels")
    dfifo = fifo("dump.fifo")
    expect_error("--dump-pixels a FIFO with no reader (must not block)",
                 [CLASSIFY, "--model", SMALL, "--dump-pixels", dfifo, chelsea], "no reader", timeout=30)
    os.remove(dfifo)

    # The output may not be an input: same path, a symbolic link, a hard link, the model, the labels.
    photo_copy = os.path.join(TMP, "photo-copy.png")
    with open(photo_copy, "wb") as f:
        f.write(photo)
    want = file_hash(photo_copy)
    sym = os.path.join(TMP, "photo-symlink.png")
    hard = os.path.join(TMP, "photo-hardlink.png")
    for p in (sym, hard):
        if os.path.lexists(p):
            os.remove(p)
    os.symlink(photo_copy, sym)
    os.link(photo_copy, hard)
    for name, dump in (("the same path", photo_copy), ("a symbolic link to it", sym), ("a hard link to it", hard)):
        expect_error(f"--dump-pixels onto the input photo ({name})",
                     [CLASSIFY, "--model", SMALL, "--dump-pixels", dump, photo_copy], "is an input")
        check(f"--dump-pixels onto the input photo ({name}): photo unchanged", file_hash(photo_copy) == want)
    missing = os.path.join(TMP, "missing-in-and-out.png")
    expect_error("--dump-pixels X X, X missing", [CLASSIFY, "--model", SMALL, "--dump-pixels", missing, missing],
                 "is an input")
    check("--dump-pixels X X, X missing: nothing created", not os.path.exists(missing))
    model_copy = os.path.join(TMP, "model-copy.tflite")
    with open(SMALL, "rb") as f, open(model_copy, "wb") as g:
        g.write(f.read())
    mwant = file_hash(model_copy)
    expect_error("--dump-pixels onto the model", [CLASSIFY, "--model", model_copy, "--dump-pixels", model_copy, chelsea],
                 "is an input")
    check("--dump-pixels onto the model: model unchanged", file_hash(model_copy) == mwant)
    labels_copy = os.path.join(TMP, "labels-copy.txt")
    with open(os.path.join(os.path.dirname(os.path.normpath(MODELS)), "labels", "imagenet1000.txt"), "rb") as f:
        labels_bytes = f.read()
    with open(labels_copy, "wb") as g:
        g.write(labels_bytes)
    expect_error("--dump-pixels onto the labels file",
                 [CLASSIFY, "--model", SMALL, "--labels", labels_copy, "--dump-pixels", labels_copy, chelsea],
                 "is an input")
    with open(labels_copy, "rb") as f:
        check("--dump-pixels onto the labels file: labels unchanged", f.read() == labels_bytes)

    # Empty file names are errors, not "the default".
    for opt in ("--model", "--labels", "--dump-pixels"):
        expect_error(f"{opt} ''", [CLASSIFY, opt, "", chelsea], opt)
    # "--" ends the options: a photo named -a.png.
    dash = os.path.join(TMP, "-a.png")
    with open(dash, "wb") as f:
        f.write(photo)
    expect_error("-a.png without --", [CLASSIFY, "--model", SMALL, "-a.png"], "unknown option")
    rc, out, err = run(["bash", "-c", 'cd "$1" && shift && exec "$@"', "-", TMP] + [CLASSIFY, "--model", SMALL, "--", "-a.png"])
    check("-- -a.png classifies the photo", rc == 0 and top1(out) == 286, f"exit {rc}, top-1 {top1(out)}, stderr {err.strip()[:200]!r}")
    # Extensions in capitals.
    upper = os.path.join(TMP, "SMALL.TFLITE")
    if os.path.lexists(upper):
        os.remove(upper)
    os.symlink(SMALL, upper)
    rc, out, err = run([CLASSIFY, "--model", upper, chelsea])
    check(".TFLITE in capitals", rc == 0 and top1(out) == 286, f"exit {rc}, top-1 {top1(out)}, stderr {err.strip()[:200]!r}")
    upper_w = os.path.join(TMP, "GARBAGE.MNV3W")
    with open(upper_w, "wb") as f:
        f.write(b"not a weight file")
    expect_error(".MNV3W in capitals reaches the weight reader", [CLASSIFY, "--model", upper_w, chelsea],
                 "weight", absent=".tflite or .mnv3w")


# Label suffixes: escapes, invalid UTF-8 (stray, overlong, surrogate, beyond U+10FFFF,
# truncated), C1 CSI, NUL, quotes, backslashes, tabs, a mid-line CR, valid non-ASCII.
HOSTILE = [b"\x1b[31mred\x1b[0m", b"\xff", b"\t", b'"', b"\\", b"\x00", b"\xc2\x9b2J", b"caf\xc3\xa9",
           b"\xed\xa0\x80", b"\xe0\x80\xaf", b"\xf4\x90\x80\x80", b"\xe2\x82", b"a\rb", b"\xe7\x8c\xab",
           b"\x7f", b"\x08\x0c\x01"]


def display(b):
    # What text output may show of bytes b: U+FFFD for invalid UTF-8, no C0, DEL or C1.
    return "".join(c for c in b.decode("utf-8", "replace") if not (ord(c) < 0x20 or 0x7f <= ord(c) <= 0x9f))


def printable(name, text_bytes):
    bad = [c for c in text_bytes.decode("utf-8", "replace") if c != "\n" and (ord(c) < 0x20 or 0x7f <= ord(c) <= 0x9f)]
    try:
        text_bytes.decode("utf-8")
        valid = True
    except UnicodeDecodeError:
        valid = False
    check(name, valid and not bad, f"valid UTF-8 {valid}, control characters {bad[:5]!r}")


def text_and_json(chelsea):
    """--json is valid JSON (valid UTF-8 out, paths kept exactly); text output is printable."""
    labels = [b"L%d " % i + HOSTILE[i % len(HOSTILE)] for i in range(1000)]
    lpath = os.path.join(TMP, "hostile-labels.txt")
    with open(lpath, "wb") as f:
        f.write(b"\n".join(labels) + b"\n")
    with open(chelsea, "rb") as f:
        photo = f.read()
    names = {"newline, tab, quote, backslash, non-ASCII": b"a\nb\tc\"d\\e caf\xc3\xa9 \xe7\x8c\xab.png",
             "ESC and invalid UTF-8": b"esc\x1b[2J \xff\xfe.png"}
    for what, name in names.items():
        path = os.path.join(raw(TMP), name)
        with open(path, "wb") as f:
            f.write(photo)
        spath = decode(path)
        rc, out, err = run([CLASSIFY, "--model", SMALL, "--labels", lpath, "--json", "--top", "1000", spath])
        body = raw(out)
        try:
            doc = json.loads(body.decode("utf-8").strip().splitlines()[-1])
            err_json = ""
        except (UnicodeDecodeError, ValueError, IndexError) as e:
            doc, err_json = None, f"{type(e).__name__}: {e}"
        check(f"--json path with {what}: valid UTF-8 JSON", rc == 0 and doc is not None,
              f"exit {rc}, {err_json} stderr {err.strip()[:200]!r}")
        if doc is None:
            continue
        check(f"--json path with {what}: image is the path (invalid UTF-8 as U+FFFD)",
              doc["image"] == path.decode("utf-8", "replace"), f"{doc['image']!r} for {path!r}")
        got = {t["class"]: t["label"] for t in doc["top"]}
        wrong = [(c, l) for c, l in got.items() if l != (labels[c - 1].decode("utf-8", "replace") if c else "background")]
        check(f"--json path with {what}: 1000 hostile labels escaped exactly (invalid UTF-8 as U+FFFD)",
              len(got) == 1000 and not wrong, f"{len(got)} labels, wrong {wrong[:3]!r}")
        check(f"--json path with {what}: top-1 still 286", doc["top"][0]["class"] == 286)
        rc, out, err = run([CLASSIFY, "--model", SMALL, "--labels", lpath, "--top", "1000", spath])
        printable(f"text output, path with {what}, hostile labels: printable", raw(out))
        check(f"text output, path with {what}: path shown without control characters",
              rc == 0 and (display(path) + ": ") in out, f"exit {rc}")
        shown = [l for l in out.splitlines() if l.startswith("  ")]
        check(f"text output, path with {what}: 1000 labels, one line each", len(shown) == 1000, f"{len(shown)} lines")
        os.remove(path)
    # An error naming a path with a newline and escapes: one printable line.
    missing = decode(os.path.join(raw(TMP), b"no\nsuch\x1b[31m.png"))
    expect_error("missing image named with a newline and ESC: one line", [CLASSIFY, "--model", SMALL, missing], "such")
    rc, out, err = run([CLASSIFY, "--model", SMALL, missing])
    printable("missing image named with a newline and ESC: stderr printable", raw(err))


if __name__ == "__main__":
    try:
        main()
    except Exception as e:  # a harness failure is a failure, never a pass
        check("harness", False, f"{type(e).__name__}: {e}")
    shutil.rmtree(TMP, ignore_errors=True)
    print(f"{passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)

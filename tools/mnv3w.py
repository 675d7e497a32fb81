"""Reader and writer for the `.mnv3w` weight file format (version 2).

The format is specified in docs/weights-format.md; this module is the Python side of it
(the C++ runtime has its own reader). Tensors are numpy float32 arrays.
"""

from collections import OrderedDict
from dataclasses import dataclass, field

import numpy as np

MAGIC = b"MNV3WTS2"
MAGIC_V1 = b"MNV3WTS1"
MAX_HEADER_BYTES = 1 << 20   # magic + header lines through "end"
MAX_FILE_BYTES = 1 << 30
MAX_VALUE = 1e6              # |value| of every tensor element (ranges.* may also be +-inf)
MAX_DIM = 1 << 24
MAX_NAME = 256
SUM_PREFIX = b"checksum fnv1a64 "
DATA_ALIGN = 64     # the data section starts at a multiple of this (file offset)
TENSOR_ALIGN = 64   # we also start each tensor at a multiple of 64 (the format needs only 4),
                    # so a reader that maps the file gets SIMD-aligned tensors for free
ARCHES = ("large", "small", "large-min", "small-min")
PADDINGS = ("sym", "same")

_FNV_OFFSET = 0xCBF29CE484222325
_FNV_PRIME = 0x100000001B3
_MASK64 = (1 << 64) - 1


class FormatError(ValueError):
    """A weight file (or the data given to write one) does not follow the format."""


def fnv1a64(data):
    """FNV-1a 64-bit hash of a bytes-like object (about 45 ns/byte in CPython)."""
    h = _FNV_OFFSET
    for b in data:
        h = ((h ^ b) * _FNV_PRIME) & _MASK64
    return h


@dataclass
class WeightFile:
    arch: str
    width: float
    width_text: str          # the width exactly as written, e.g. "0.75"
    resolution: int
    padding: str
    classes: int
    bn_eps: float
    checksum: int
    data_bytes: int
    tensors: "OrderedDict[str, np.ndarray]" = field(default_factory=OrderedDict)


def _align(n, a):
    return (n + a - 1) // a * a


def _canonical(text):
    """A decimal number as the format writes it (digits, no sign, no leading zeros), or None."""
    if not text or len(text) > 19 or not text.isdigit() or not text.isascii() or (len(text) > 1 and text[0] == "0"):
        return None
    return int(text)


def _valid_name(name):
    return 0 < len(name) <= MAX_NAME and all("!" <= c <= "~" for c in name)


def check_values(name, a):
    """Raises FormatError unless every value follows the format's value rules."""
    a = np.asarray(a, dtype="<f4").reshape(-1)
    if name.startswith("ranges."):
        bad = np.isnan(a) | (np.isfinite(a) & (np.abs(a) > MAX_VALUE))
    else:
        bad = ~(np.abs(a) <= MAX_VALUE)  # NaN too
        if name.endswith(".running_var"):
            bad |= a < 0
    if bad.any():
        i = int(np.argmax(bad))
        raise FormatError(f"tensor {name} element {i} is {float(a[i])!r} (not finite, beyond +-1e6, "
                          "or a negative variance)")


def file_checksum(blob, sum_pos):
    """The v2 checksum: FNV-1a 64 of the whole file with the checksum's 16 hex digits as '0'."""
    h = _FNV_OFFSET
    for part in (memoryview(blob)[:sum_pos], b"0" * 16, memoryview(blob)[sum_pos + 16:]):
        for b in part:
            h = ((h ^ b) * _FNV_PRIME) & _MASK64
    return h


def write_weights(path, config_line_fields, bn_eps, named_tensors):
    """Writes a .mnv3w file (version 2).

    config_line_fields: (arch, width, resolution, padding, classes); width may be a float
        (written as repr(float), e.g. 1.0 or 0.75) or a string written as is.
    bn_eps: batch-norm epsilon (float).
    named_tensors: iterable of (name, array-like); written in that order as float32.
    Returns (data_bytes, checksum). Raises FormatError (bad input) or OSError (write failed).
    """
    arch, width, resolution, padding, classes = config_line_fields
    if arch not in ARCHES:
        raise FormatError(f"unknown arch {arch!r} (expected one of {', '.join(ARCHES)})")
    if padding not in PADDINGS:
        raise FormatError(f"unknown padding {padding!r} (expected sym or same)")
    width_text = width if isinstance(width, str) else repr(float(width))
    ip, _, fp = width_text.partition(".")
    if _canonical(ip) is None or not (fp == "" or (fp.isdigit() and len(fp) <= 8)) or width_text.endswith("."):
        raise FormatError(f"bad width {width_text!r} (want e.g. 1.0 or 0.75)")
    if not 0 < float(bn_eps) < 1:
        raise FormatError(f"bn_eps {bn_eps!r} is not in (0, 1)")

    lines = [f"model {arch} {width_text} {int(resolution)} {padding} {int(classes)}",
             f"bn_eps {float(bn_eps)!r}"]
    chunks, offset, seen = [], 0, set()
    for name, t in named_tensors:
        if not _valid_name(name):
            raise FormatError(f"bad tensor name {name!r} (printable ASCII, no spaces, at most 256 bytes)")
        if name in seen:
            raise FormatError(f"duplicate tensor name {name!r}")
        seen.add(name)
        a = np.ascontiguousarray(np.asarray(t, dtype="<f4"))
        if a.ndim == 0 or a.ndim > 4 or any(d < 1 or d > MAX_DIM for d in a.shape):
            raise FormatError(f"tensor {name} has shape {a.shape}; the format needs 1 to 4 dims of 1 to {MAX_DIM}")
        check_values(name, a)
        offset = _align(offset, TENSOR_ALIGN)
        lines.append(f"tensor {name} {','.join(str(d) for d in a.shape)} {offset} {a.nbytes}")
        chunks.append((offset, a.tobytes()))
        offset += a.nbytes

    data = bytearray(offset)
    for off, raw in chunks:
        data[off:off + len(raw)] = raw
    lines += [f"data_bytes {len(data)}", "checksum fnv1a64 " + "0" * 16, "end"]
    header = MAGIC + ("\n".join(lines) + "\n").encode("ascii")
    if len(header) > MAX_HEADER_BYTES:
        raise FormatError(f"header is {len(header)} bytes, more than 1 MiB")
    header += b"\0" * (_align(len(header), DATA_ALIGN) - len(header))
    if len(header) + len(data) > MAX_FILE_BYTES:
        raise FormatError(f"file would be {len(header) + len(data)} bytes, more than 1 GiB")
    blob = bytearray(header) + data
    sum_pos = blob.index(SUM_PREFIX) + len(SUM_PREFIX)
    checksum = file_checksum(blob, sum_pos)
    blob[sum_pos:sum_pos + 16] = f"{checksum:016x}".encode("ascii")
    with open(path, "wb") as f:
        f.write(blob)
    return len(data), checksum


def read_weights(path):
    """Reads and fully validates a .mnv3w file; returns a WeightFile. Raises FormatError."""
    with open(path, "rb") as f:
        head = f.read(MAX_HEADER_BYTES + DATA_ALIGN)
        f.seek(0, 2)
        size = f.tell()
        if size > MAX_FILE_BYTES:
            raise FormatError(f"{path}: file of {size} bytes exceeds the 1 GiB limit")
        if head[:8] == MAGIC_V1:
            raise FormatError(f"{path}: format version 1 (MNV3WTS1) is too old; re-export it with "
                              "tools/export_torch.py (version 2)")
        if head[:8] != MAGIC:
            raise FormatError(f"{path}: bad magic {head[:8]!r} (expected {MAGIC!r})")
        f.seek(0)
        blob = f.read()
    end = blob.find(b"\nend\n", 7, MAX_HEADER_BYTES)
    if end < 0:
        raise FormatError(f"{path}: no 'end' line within the first 1 MiB of header")
    header_end = end + len(b"\nend\n")
    raw = blob[8:header_end]
    if any(b < 0x20 and b != 0x0A or b > 0x7E for b in raw):
        raise FormatError(f"{path}: header is not printable ASCII with LF line ends")
    lines = raw.decode("ascii").split("\n")[:-1]
    data_start = _align(header_end, DATA_ALIGN)

    order = ["model", "bn_eps", "tensor", "data_bytes", "checksum", "end"]
    state = 0
    model = eps = data_bytes = checksum = sum_pos = None
    specs = OrderedDict()   # name -> (shape, offset, nbytes)
    pos = 8
    for lineno, line in enumerate(lines, 1):
        f = line.split(" ")
        where = f"{path}: header line {lineno} {line!r}"
        line_pos, pos = pos, pos + len(line) + 1
        try:
            if "" in f or f[0] not in order:
                raise ValueError
            k = order.index(f[0])
            if f[0] == "tensor" and state == 2:
                pass
            elif not (k == state or (state == 2 and k == 3)):
                raise ValueError
            if f[0] == "model" and len(f) in (6, 7):
                # A 7th field "ranges" marks the float form of a quantized model.
                if (f[1] not in ARCHES or f[4] not in PADDINGS or (len(f) == 7 and f[6] != "ranges")
                        or _canonical(f[3]) is None or _canonical(f[5]) is None):
                    raise ValueError
                ip, _, fp = f[2].partition(".")
                if _canonical(ip) is None or (fp and not fp.isdigit()) or f[2].endswith("."):
                    raise ValueError
                model = (f[1], float(f[2]), f[2], int(f[3]), f[4], int(f[5]))
                state = 1
            elif f[0] == "bn_eps" and len(f) == 2:
                if not f[1][0].isdigit() or set(f[1]) - set("0123456789.e-"):
                    raise ValueError
                eps = float(f[1])
                if not 0 < eps < 1:
                    raise ValueError
                state = 2
            elif f[0] == "tensor" and len(f) == 5 and f[1] not in specs and _valid_name(f[1]):
                dims = [_canonical(d) for d in f[2].split(",")]
                off, nbytes = _canonical(f[3]), _canonical(f[4])
                if (not 1 <= len(dims) <= 4 or any(d is None or not 1 <= d <= MAX_DIM for d in dims)
                        or off is None or nbytes is None or off % 4 or nbytes != 4 * int(np.prod(dims, dtype=object))):
                    raise ValueError
                specs[f[1]] = (tuple(dims), off, nbytes)
            elif f[0] == "data_bytes" and len(f) == 2 and _canonical(f[1]) is not None:
                data_bytes = int(f[1])
                state = 4
            elif (f[0] == "checksum" and len(f) == 3 and f[1] == "fnv1a64" and len(f[2]) == 16
                  and not set(f[2]) - set("0123456789abcdef")):
                checksum = int(f[2], 16)
                sum_pos = line_pos + len(SUM_PREFIX)
                state = 5
            elif f[0] == "end" and len(f) == 1 and lineno == len(lines):
                pass
            else:
                raise ValueError
        except ValueError:
            raise FormatError(f"{where}: malformed, duplicated, misplaced or unknown line") from None
    for what, v in (("model", model), ("bn_eps", eps), ("data_bytes", data_bytes),
                    ("checksum", checksum)):
        if v is None:
            raise FormatError(f"{path}: header has no '{what}' line")

    if len(blob) != data_start + data_bytes:
        raise FormatError(f"{path}: file is {len(blob)} bytes, header says "
                          f"{data_start} + data_bytes {data_bytes}")
    if any(blob[header_end:data_start]):
        raise FormatError(f"{path}: non-zero bytes in the header padding")
    prev = None  # (end, name) of the previous tensor in offset order, for the overlap check
    for name, (shape, off, nbytes) in sorted(specs.items(), key=lambda kv: kv[1][1]):
        if off + nbytes > data_bytes:
            raise FormatError(f"{path}: tensor {name} runs past the data section")
        if prev and off < prev[0]:
            raise FormatError(f"{path}: tensors {prev[1]} and {name} overlap")
        prev = (off + nbytes, name)
    actual = file_checksum(blob, sum_pos)
    if actual != checksum:
        raise FormatError(f"{path}: checksum mismatch: header {checksum:016x}, file {actual:016x}")

    data = memoryview(blob)[data_start:]
    tensors = OrderedDict()
    for name, (shape, off, nbytes) in specs.items():
        tensors[name] = np.frombuffer(data, dtype="<f4", count=nbytes // 4, offset=off).reshape(shape)
        try:
            check_values(name, tensors[name])
        except FormatError as e:
            raise FormatError(f"{path}: {e}") from None

    arch, width, width_text, res, padding, classes = model
    return WeightFile(arch, width, width_text, res, padding, classes, eps, checksum, data_bytes,
                      tensors)

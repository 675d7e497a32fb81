"""Reader and writer for the `.mnv3w` weight file format (version 1).

The format is specified in docs/weights-format.md; this module is the Python side of it
(the C++ runtime has its own reader). Tensors are numpy float32 arrays.
"""

from collections import OrderedDict
from dataclasses import dataclass, field

import numpy as np

MAGIC = b"MNV3WTS1"
MAX_HEADER_BYTES = 1 << 20
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


def write_weights(path, config_line_fields, bn_eps, named_tensors):
    """Writes a .mnv3w file.

    config_line_fields: (arch, width, resolution, padding, classes); width may be a float
        (written as repr(float), e.g. 1.0 or 0.75) or a string written as is.
    bn_eps: batch-norm epsilon (float).
    named_tensors: iterable of (name, array-like); written in that order as float32.
    Returns (data_bytes, checksum).
    """
    arch, width, resolution, padding, classes = config_line_fields
    if arch not in ARCHES:
        raise FormatError(f"unknown arch {arch!r} (expected one of {', '.join(ARCHES)})")
    if padding not in PADDINGS:
        raise FormatError(f"unknown padding {padding!r} (expected sym or same)")
    width_text = width if isinstance(width, str) else repr(float(width))
    float(width_text)  # must parse

    lines = [f"model {arch} {width_text} {int(resolution)} {padding} {int(classes)}",
             f"bn_eps {float(bn_eps)!r}"]
    chunks, offset, seen = [], 0, set()
    for name, t in named_tensors:
        if not name or any(c.isspace() for c in name):
            raise FormatError(f"bad tensor name {name!r}")
        if name in seen:
            raise FormatError(f"duplicate tensor name {name!r}")
        seen.add(name)
        a = np.ascontiguousarray(np.asarray(t, dtype="<f4"))
        if a.ndim == 0:
            raise FormatError(f"tensor {name} is a scalar; the format needs at least one dim")
        offset = _align(offset, TENSOR_ALIGN)
        lines.append(f"tensor {name} {','.join(str(d) for d in a.shape)} {offset} {a.nbytes}")
        chunks.append((offset, a.tobytes()))
        offset += a.nbytes

    data = bytearray(offset)
    for off, raw in chunks:
        data[off:off + len(raw)] = raw
    checksum = fnv1a64(data)
    lines += [f"data_bytes {len(data)}", f"checksum fnv1a64 {checksum:016x}", "end"]

    header = ("\n".join(lines) + "\n").encode("utf-8")
    if len(header) > MAX_HEADER_BYTES:
        raise FormatError(f"header is {len(header)} bytes, more than 1 MiB")
    pad = _align(len(MAGIC) + len(header), DATA_ALIGN) - len(MAGIC) - len(header)
    with open(path, "wb") as f:
        f.write(MAGIC + header + b"\0" * pad)
        f.write(data)
    return len(data), checksum


def read_weights(path):
    """Reads and fully validates a .mnv3w file; returns a WeightFile. Raises FormatError."""
    with open(path, "rb") as f:
        blob = f.read()
    if blob[:8] != MAGIC:
        raise FormatError(f"{path}: bad magic {blob[:8]!r} (expected {MAGIC!r})")
    end = blob.find(b"\nend\n", 8, 8 + MAX_HEADER_BYTES)
    if end < 0:
        raise FormatError(f"{path}: no 'end' line within the first 1 MiB of header")
    header_end = end + len(b"\nend\n")
    try:
        lines = blob[8:header_end].decode("utf-8").split("\n")[:-1]
    except UnicodeDecodeError as e:
        raise FormatError(f"{path}: header is not UTF-8 ({e})") from None
    data_start = _align(header_end, DATA_ALIGN)
    if any(blob[header_end:data_start]):
        raise FormatError(f"{path}: non-zero bytes in the header padding")

    model = eps = data_bytes = checksum = None
    specs = OrderedDict()   # name -> (shape, offset, nbytes)
    for lineno, line in enumerate(lines, 1):
        f = line.split(" ")
        where = f"{path}: header line {lineno} {line!r}"
        try:
            if f[0] == "model" and len(f) in (6, 7) and model is None:
                # A 7th field "ranges" marks the float form of a quantized model.
                if f[1] not in ARCHES or f[4] not in PADDINGS or (len(f) == 7 and f[6] != "ranges"):
                    raise ValueError
                model = (f[1], float(f[2]), f[2], int(f[3]), f[4], int(f[5]))
            elif f[0] == "bn_eps" and len(f) == 2 and eps is None:
                eps = float(f[1])
            elif f[0] == "tensor" and len(f) == 5 and f[1] not in specs:
                shape = tuple(int(d) for d in f[2].split(","))
                off, nbytes = int(f[3]), int(f[4])
                if any(d <= 0 for d in shape) or off % 4 or nbytes != 4 * int(np.prod(shape)):
                    raise ValueError
                specs[f[1]] = (shape, off, nbytes)
            elif f[0] == "data_bytes" and len(f) == 2 and data_bytes is None:
                data_bytes = int(f[1])
            elif (f[0] == "checksum" and len(f) == 3 and f[1] == "fnv1a64" and len(f[2]) == 16
                  and f[2] == f[2].lower() and checksum is None):
                checksum = int(f[2], 16)
            elif f[0] == "end" and len(f) == 1 and lineno == len(lines):
                pass
            else:
                raise ValueError
        except ValueError:
            raise FormatError(f"{where}: malformed, duplicated or unknown line") from None
    for what, v in (("model", model), ("bn_eps", eps), ("data_bytes", data_bytes),
                    ("checksum", checksum)):
        if v is None:
            raise FormatError(f"{path}: header has no '{what}' line")

    if len(blob) != data_start + data_bytes:
        raise FormatError(f"{path}: file is {len(blob)} bytes, header says "
                          f"{data_start} + data_bytes {data_bytes}")
    data = memoryview(blob)[data_start:]
    actual = fnv1a64(data)
    if actual != checksum:
        raise FormatError(f"{path}: checksum mismatch: header {checksum:016x}, data {actual:016x}")

    tensors = OrderedDict()
    prev = None  # (end, name) of the previous tensor in offset order, for the overlap check
    for name, (shape, off, nbytes) in sorted(specs.items(), key=lambda kv: kv[1][1]):
        if off + nbytes > data_bytes:
            raise FormatError(f"{path}: tensor {name} runs past the data section")
        if prev and off < prev[0]:
            raise FormatError(f"{path}: tensors {prev[1]} and {name} overlap")
        prev = (off + nbytes, name)
    for name, (shape, off, nbytes) in specs.items():
        tensors[name] = np.frombuffer(data, dtype="<f4", count=nbytes // 4, offset=off).reshape(shape)

    arch, width, width_text, res, padding, classes = model
    return WeightFile(arch, width, width_text, res, padding, classes, eps, checksum, data_bytes,
                      tensors)

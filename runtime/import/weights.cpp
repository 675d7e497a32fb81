#include "mnv3/weights.h"

#include "mnv3/packing.h"

#include "mnv3/error.h"
#include "mnv3/input_file.h"

#include <algorithm>
#include <cerrno>
#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <set>

namespace mnv3 {

namespace {

constexpr char kMagic[8] = {'M', 'N', 'V', '3', 'W', 'T', 'S', '2'};
constexpr char kMagicV1[8] = {'M', 'N', 'V', '3', 'W', 'T', 'S', '1'};
constexpr size_t kAlign = 64;         // the data section starts at a multiple of this
constexpr int kMaxDims = 4;
constexpr uint64_t kMaxDim = 1 << 24;
constexpr size_t kMaxName = 256;
constexpr char kSumPrefix[] = "checksum fnv1a64 ";
constexpr char kZeroHex[] = "0000000000000000";  // the checksum digits as hashed

constexpr uint64_t kFnvBasis = 14695981039346656037ull;  // FNV-1a 64 offset basis

uint64_t fnv1a64(uint64_t h, const uint8_t *p, size_t n) {
    for (size_t i = 0; i < n; i++) {
        h ^= p[i];
        h *= 1099511628211ull;
    }
    return h;
}

uint64_t align_up(uint64_t n) { return (n + kAlign - 1) / kAlign * kAlign; }

// A decimal number as the format writes it: digits only, no sign, no leading zeros.
bool parse_canonical(const std::string &s, uint64_t &v) {
    if (s.empty() || s.size() > 19 || (s.size() > 1 && s[0] == '0')) return false;
    v = 0;
    for (char c : s) {
        if (c < '0' || c > '9') return false;
        v = v * 10 + uint64_t(c - '0');  // at most 19 digits: no overflow
    }
    return true;
}

// Fields separated by single spaces: no empty field, no leading or trailing space.
std::vector<std::string> split(const std::string &s, char sep) {
    std::vector<std::string> out;
    size_t start = 0;
    for (;;) {
        const size_t at = s.find(sep, start);
        out.push_back(s.substr(start, at == std::string::npos ? std::string::npos : at - start));
        if (at == std::string::npos) break;
        start = at + 1;
    }
    return out;
}

bool valid_name(const std::string &n) {
    if (n.empty() || n.size() > kMaxName) return false;
    for (char c : n)
        if (c <= ' ' || c > '~') return false;
    return true;
}

std::string shape_text(const std::vector<int> &shape) {
    std::string s;
    for (size_t i = 0; i < shape.size(); i++) s += (i ? "," : "") + std::to_string(shape[i]);
    return s;
}

std::string arch_text(const ModelConfig &c) {
    std::string arch = c.arch == Arch::Large ? "large" : "small";
    return c.minimalistic ? arch + "-min" : arch;
}

void check_magic(const uint8_t *p, size_t size, const std::string &where) {
    if (size >= 8 && std::memcmp(p, kMagic, 8) == 0) return;
    if (size >= 8 && std::memcmp(p, kMagicV1, 8) == 0)
        throw Error(where + ": format version 1 (MNV3WTS1) is too old (its checksum does not cover the header); "
                            "re-export it with tools/export_torch.py, which writes version 2 (MNV3WTS2)");
    if (size >= 8 && std::memcmp(p, kMagic, 7) == 0)
        throw Error(where + ": unsupported weight format version '" + std::string(reinterpret_cast<const char *>(p), 8) +
                    "' (this build reads MNV3WTS2)");
    throw Error(where + ": not an mnv3 weight file (bad magic)");
}

struct Entry {
    std::string name;
    std::vector<int> shape;
    uint64_t offset, nbytes;
};

struct Header {
    ModelConfig config;
    float bn_eps = 1e-3f;
    std::vector<Entry> entries;
    uint64_t data_start = 0, data_bytes = 0, checksum = 0;
    size_t checksum_pos = 0;  // file offset of the checksum's 16 hex digits
};

// Parses and checks the header from the first `avail` bytes of a file of `file_size` bytes
// (avail >= min(file_size, kMaxWeightHeaderBytes + kAlign)): syntax, sizes against the file
// size, tensors inside the data section and not overlapping, zero padding.
Header parse_header(const uint8_t *p, size_t avail, uint64_t file_size, const std::string &where) {
    check_magic(p, avail, where);
    Header h;
    enum { kModel, kEps, kTensors, kSum, kEnd } state = kModel;
    static const char *const kExpect[] = {"model", "bn_eps", "tensor or data_bytes", "checksum", "end"};
    std::set<std::string> names;
    const size_t limit = std::min(avail, kMaxWeightHeaderBytes);
    size_t pos = sizeof kMagic;
    for (int lineno = 1;; lineno++) {
        const void *nl = pos < limit ? std::memchr(p + pos, '\n', limit - pos) : nullptr;
        if (!nl) {
            if (avail >= kMaxWeightHeaderBytes)
                throw Error(where + ": header too large or not terminated (no 'end' line in the first 1 MiB)");
            throw Error(where + ": truncated header (no 'end' line)");
        }
        const size_t line_end = size_t(static_cast<const uint8_t *>(nl) - p);
        const std::string line(reinterpret_cast<const char *>(p + pos), line_end - pos);
        const size_t line_pos = pos;
        pos = line_end + 1;
        const std::string at = where + ": header line " + std::to_string(lineno) + " '" + line.substr(0, 80) + "'";
        for (char c : line)
            if (c < ' ' || c > '~') {
                char buf[8];
                std::snprintf(buf, sizeof buf, "0x%02x", unsigned(uint8_t(c)));
                throw Error(where + ": header line " + std::to_string(lineno) + ": byte " + buf +
                            " (the header is printable ASCII with LF line ends)");
            }
        const std::vector<std::string> f = split(line, ' ');
        const std::string &kind = f[0];
        int want;
        if (kind == "model") want = kModel;
        else if (kind == "bn_eps") want = kEps;
        else if (kind == "tensor" || kind == "data_bytes") want = kTensors;
        else if (kind == "checksum") want = kSum;
        else if (kind == "end") want = kEnd;
        else throw Error(at + ": unknown line kind");
        for (const std::string &field : f)
            if (field.empty()) throw Error(at + ": fields must be separated by single spaces");
        if (want != state) {
            if (kind == "end") throw Error(where + ": header ends before its " + kExpect[state] + " line");
            throw Error(at + ": line out of place (expected " + kExpect[state] +
                        "; the order is model, bn_eps, tensor lines, data_bytes, checksum, end)");
        }
        if (kind == "end") {
            if (f.size() != 1) throw Error(at + ": malformed end line");
            break;
        }
        if (kind == "model") {
            // model ARCH WIDTH RESOLUTION PADDING CLASSES [ranges], checked strictly here and
            // for meaning by ModelConfig::parse.
            uint64_t n;
            bool ok = (f.size() == 6 || (f.size() == 7 && f[6] == "ranges")) &&
                      (f[1] == "large" || f[1] == "small" || f[1] == "large-min" || f[1] == "small-min") &&
                      parse_canonical(f[3], n) && (f[4] == "sym" || f[4] == "same") && parse_canonical(f[5], n);
            const std::string &wd = f.size() > 2 ? f[2] : "";
            const size_t dot = wd.find('.');
            const std::string ip = wd.substr(0, dot), fp = dot == std::string::npos ? "0" : wd.substr(dot + 1);
            ok = ok && parse_canonical(ip, n) && !fp.empty() && fp.size() <= 8 &&
                 fp.find_first_not_of("0123456789") == std::string::npos;
            if (!ok) throw Error(at + ": expected 'model ARCH WIDTH RESOLUTION PADDING CLASSES [ranges]'");
            try {
                h.config = ModelConfig::parse(line.substr(6));
            } catch (const std::exception &e) {
                throw Error(at + ": " + e.what());
            }
            state = kEps;
        } else if (kind == "bn_eps") {
            const std::string v = f.size() == 2 ? f[1] : "";
            char *end = nullptr;
            const double eps = v.empty() ? 0.0 : std::strtod(v.c_str(), &end);
            if (v.empty() || v[0] < '0' || v[0] > '9' || v.find_first_not_of("0123456789.e-") != std::string::npos ||
                *end || !(eps > 0 && eps < 1))
                throw Error(at + ": bad epsilon (want a number in (0, 1))");
            h.bn_eps = float(eps);
            state = kTensors;
        } else if (kind == "tensor") {
            if (f.size() != 5) throw Error(at + ": expected 'tensor NAME D0,D1,... OFFSET NBYTES'");
            Entry e;
            e.name = f[1];
            if (!valid_name(e.name)) throw Error(at + ": bad tensor name");
            const std::vector<std::string> dims = split(f[2], ',');
            uint64_t count = 1;
            for (const std::string &d : dims) {
                uint64_t v;
                if (!parse_canonical(d, v) || v < 1 || v > kMaxDim || dims.size() > size_t(kMaxDims))
                    throw Error(at + ": bad shape '" + f[2] + "' (1 to 4 dims, each 1 to 16777216)");
                if (count > kMaxWeightFileBytes / 4 / v) throw Error(at + ": shape too large for the format");
                count *= v;
                e.shape.push_back(int(v));
            }
            if (!parse_canonical(f[3], e.offset) || !parse_canonical(f[4], e.nbytes))
                throw Error(at + ": bad number (offsets and sizes are plain decimal numbers)");
            if (e.nbytes != 4 * count) throw Error(at + ": byte count does not match shape");
            if (e.offset % 4) throw Error(at + ": offset is not a multiple of 4");
            if (!names.insert(e.name).second) throw Error(where + ": tensor " + e.name + " appears twice");
            h.entries.push_back(std::move(e));
        } else if (kind == "data_bytes") {
            if (f.size() != 2 || !parse_canonical(f[1], h.data_bytes)) throw Error(at + ": bad number");
            state = kSum;
        } else {  // checksum
            const std::string hex = f.size() == 3 ? f[2] : "";
            if (f.size() != 3 || f[1] != "fnv1a64" || hex.size() != 16 ||
                hex.find_first_not_of("0123456789abcdef") != std::string::npos)
                throw Error(at + ": unsupported checksum (want 'checksum fnv1a64' and 16 lowercase hex digits)");
            h.checksum = std::strtoull(hex.c_str(), nullptr, 16);
            h.checksum_pos = line_pos + sizeof kSumPrefix - 1;
            state = kEnd;
        }
    }

    h.data_start = align_up(pos);
    if (h.data_start > file_size || file_size - h.data_start != h.data_bytes)
        throw Error(where + ": truncated or padded file (data section is " +
                    std::to_string(file_size > h.data_start ? file_size - h.data_start : 0) + " bytes, header says " +
                    std::to_string(h.data_bytes) + ")");
    if (h.data_start > avail) throw Error(where + ": internal error: header read short");
    for (size_t i = pos; i < h.data_start; i++)
        if (p[i]) throw Error(where + ": non-zero byte in the padding after the header");

    std::vector<const Entry *> by_offset;
    for (const Entry &e : h.entries) {
        if (e.offset > h.data_bytes || e.nbytes > h.data_bytes - e.offset)
            throw Error(where + ": tensor " + e.name + " lies outside the data section (bytes " +
                        std::to_string(e.offset) + " + " + std::to_string(e.nbytes) + " of " +
                        std::to_string(h.data_bytes) + ")");
        by_offset.push_back(&e);
    }
    std::stable_sort(by_offset.begin(), by_offset.end(),
              [](const Entry *a, const Entry *b) { return a->offset < b->offset; });
    for (size_t i = 1; i < by_offset.size(); i++)
        if (by_offset[i]->offset < by_offset[i - 1]->offset + by_offset[i - 1]->nbytes)
            throw Error(where + ": tensors " + by_offset[i - 1]->name + " and " + by_offset[i]->name + " overlap");
    return h;
}

// FNV-1a 64 of the whole file with the checksum's 16 hex digits read as '0' (0x30).
uint64_t file_checksum(const uint8_t *p, size_t size, size_t sum_pos) {
    uint64_t h = fnv1a64(kFnvBasis, p, sum_pos);
    h = fnv1a64(h, reinterpret_cast<const uint8_t *>(kZeroHex), 16);
    return fnv1a64(h, p + sum_pos + 16, size - sum_pos - 16);
}

}  // namespace

Weights parse_weights(const uint8_t *data, size_t size, const std::string &where) {
    static_assert(sizeof(float) == 4, "float32 tensors");
    const Header h = parse_header(data, size, size, where);
    if (file_checksum(data, size, h.checksum_pos) != h.checksum)
        throw Error(where + ": checksum mismatch (file is corrupted)");
    Weights w;
    w.config = h.config;
    w.bn_eps = h.bn_eps;
    const uint8_t *section = data + h.data_start;
    for (const Entry &e : h.entries) {
        Tensor t;
        t.shape = e.shape;
        t.data.resize(size_t(e.nbytes / 4));
        if (e.nbytes) std::memcpy(t.data.data(), section + e.offset, size_t(e.nbytes));  // little-endian hosts only
        const std::string bad = tensor_value_error(e.name, t.data.data(), t.data.size());
        if (!bad.empty()) throw Error(where + ": " + bad);
        w.tensors.emplace(e.name, std::move(t));
    }
    return w;
}

Weights read_weights(const std::string &path) {
    InputFile f(path, "weight file", kMaxWeightFileBytes);
    const std::string where = f.where();
    // The header first, through a reader bounded at 1 MiB (+ its padding): a file whose
    // header does not end there, or whose size does not match it, is refused before the
    // rest is read.
    std::vector<uint8_t> head(size_t(std::min<uint64_t>(f.size(), kMaxWeightHeaderBytes + kAlign)));
    if (!head.empty()) f.read_at(0, head.data(), head.size());
    (void)parse_header(head.data(), head.size(), f.size(), where);
    head = {};
    const std::vector<uint8_t> all = f.read_all();
    return parse_weights(all.data(), all.size(), where);
}

void write_weights(const std::string &path, const Weights &w) {
    const std::string where = "weight file '" + path + "'";
    const ModelConfig &c = w.config;
    try {
        c.validate();
    } catch (const std::exception &e) {
        throw Error("cannot write " + where + ": " + e.what());
    }
    if (!(w.bn_eps > 0 && w.bn_eps < 1)) throw Error("cannot write " + where + ": bn_eps must be in (0, 1)");
    char num[64];
    std::snprintf(num, sizeof num, "%.2f", double(c.width));  // as ModelConfig::name() prints it
    std::string width = num;
    while (width.size() > 3 && width.back() == '0') width.pop_back();
    std::string h = "model " + arch_text(c) + " " + width + " " + std::to_string(c.resolution) + " " +
                    to_string(c.padding) + " " + std::to_string(c.classes) + (c.ranges ? " ranges" : "") + "\n";
    for (int digits = 6; digits <= 9; digits++) {  // the shortest form that reads back exactly
        std::snprintf(num, sizeof num, "%.*g", digits, double(w.bn_eps));
        if (std::strtof(num, nullptr) == w.bn_eps) break;
    }
    h += std::string("bn_eps ") + num + "\n";
    uint64_t data_bytes = 0;
    for (const auto &[name, t] : w.tensors) {
        const std::string what = "cannot write " + where + ": tensor '" + name.substr(0, 80) + "'";
        if (!valid_name(name)) throw Error(what + ": bad name (printable ASCII, no spaces, at most 256 bytes)");
        uint64_t count = 1;
        bool ok = !t.shape.empty() && t.shape.size() <= size_t(kMaxDims);
        for (int d : t.shape) {
            ok = ok && d >= 1 && uint64_t(d) <= kMaxDim && count <= kMaxWeightFileBytes / 4 / uint64_t(d);
            if (ok) count *= uint64_t(d);
        }
        if (!ok) throw Error(what + ": bad shape [" + shape_text(t.shape) + "]");
        if (t.data.size() != count)
            throw Error(what + ": holds " + std::to_string(t.data.size()) + " values for shape [" +
                        shape_text(t.shape) + "]");
        const std::string bad = tensor_value_error(name, t.data.data(), t.data.size());
        if (!bad.empty()) throw Error("cannot write " + where + ": " + bad);
        h += "tensor " + name + " " + shape_text(t.shape) + " " + std::to_string(data_bytes) + " " +
             std::to_string(4 * count) + "\n";
        data_bytes += 4 * count;
    }
    h += "data_bytes " + std::to_string(data_bytes) + "\n";
    const size_t sum_pos = sizeof kMagic + h.size() + sizeof kSumPrefix - 1;
    h += std::string(kSumPrefix) + kZeroHex + "\nend\n";
    std::string header = std::string(kMagic, 8) + h;
    if (header.size() > kMaxWeightHeaderBytes)
        throw Error("cannot write " + where + ": header of " + std::to_string(header.size()) + " bytes exceeds 1 MiB");
    header.resize(size_t(align_up(header.size())), '\0');
    if (header.size() + data_bytes > kMaxWeightFileBytes)
        throw Error("cannot write " + where + ": " + std::to_string(header.size() + data_bytes) +
                    " bytes exceed the 1 GiB limit");

    // The checksum: header (digits as zeros) and padding, then every tensor's bytes.
    uint64_t sum = fnv1a64(kFnvBasis, reinterpret_cast<const uint8_t *>(header.data()), header.size());
    for (const auto &kv : w.tensors)
        sum = fnv1a64(sum, reinterpret_cast<const uint8_t *>(kv.second.data.data()), kv.second.data.size() * 4);
    std::snprintf(num, sizeof num, "%016" PRIx64, sum);
    header.replace(sum_pos, 16, num);

    auto fail = [&](const char *step) {
        return Error("cannot write " + where + ": " + step + " failed: " + std::strerror(errno));
    };
    errno = 0;
    std::FILE *f = std::fopen(path.c_str(), "wb");
    if (!f) throw fail("open");
    bool ok = std::fwrite(header.data(), 1, header.size(), f) == header.size();
    for (const auto &kv : w.tensors) {
        const size_t n = kv.second.data.size() * 4;
        ok = ok && (n == 0 || std::fwrite(kv.second.data.data(), 1, n, f) == n);
    }
    ok = ok && std::fflush(f) == 0;
    const int saved = errno;
    const bool closed = std::fclose(f) == 0;
    if (!ok) {
        errno = saved;
        throw fail("write");
    }
    if (!closed) throw fail("close");
}

}  // namespace mnv3

#include "mnv3/weights.h"

#include "mnv3/error.h"

#include <cinttypes>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>

namespace mnv3 {

namespace {

constexpr char kMagic[8] = {'M', 'N', 'V', '3', 'W', 'T', 'S', '1'};
constexpr size_t kMaxHeader = 1 << 20;
constexpr size_t kAlign = 64;

uint64_t fnv1a64(const unsigned char *p, size_t n) {
    uint64_t h = 14695981039346656037ull;  // FNV-1a 64 offset basis
    for (size_t i = 0; i < n; i++) {
        h ^= p[i];
        h *= 1099511628211ull;
    }
    return h;
}

std::vector<int> parse_shape(const std::string &s, const std::string &where) {
    std::vector<int> shape;
    std::stringstream ss(s);
    std::string dim;
    while (std::getline(ss, dim, ',')) {
        char *end = nullptr;
        long v = std::strtol(dim.c_str(), &end, 10);
        if (dim.empty() || *end || v < 1 || v > (1 << 24)) throw Error(where + ": bad shape '" + s + "'");
        shape.push_back(int(v));
    }
    if (shape.empty() || shape.size() > 4) throw Error(where + ": bad shape '" + s + "'");
    return shape;
}

uint64_t parse_u64(const std::string &s, const std::string &where, int base = 10) {
    char *end = nullptr;
    errno = 0;
    unsigned long long v = std::strtoull(s.c_str(), &end, base);
    if (s.empty() || *end || errno || s[0] == '-') throw Error(where + ": bad number '" + s + "'");
    return v;
}

}  // namespace

Weights read_weights(const std::string &path) {
    std::ifstream f(path, std::ios::binary);
    if (!f) throw Error("cannot open weight file '" + path + "'");
    f.seekg(0, std::ios::end);
    const uint64_t file_size = uint64_t(f.tellg());
    f.seekg(0);
    const std::string where = "weight file '" + path + "'";
    char magic[8];
    if (file_size < sizeof magic || !f.read(magic, sizeof magic) || std::memcmp(magic, kMagic, 8) != 0)
        throw Error(where + ": not an mnv3 weight file (bad magic)");

    // Header: lines up to "end", bounded in size.
    Weights w;
    bool have_model = false, have_end = false, have_sum = false;
    uint64_t data_bytes = 0, checksum = 0;
    bool have_data_bytes = false;
    struct Entry { std::string name; std::vector<int> shape; uint64_t offset, nbytes; };
    std::vector<Entry> entries;
    std::string line;
    size_t header = sizeof magic;
    while (std::getline(f, line)) {
        header += line.size() + 1;
        if (f.eof()) break;  // a last line with no newline: the header was cut short
        if (header > kMaxHeader) throw Error(where + ": header too large or not terminated");
        std::istringstream ls(line);
        std::string kind;
        ls >> kind;
        const std::string at = where + ": header line '" + line.substr(0, 80) + "'";
        if (kind == "end") { have_end = true; break; }
        if (kind == "model") {
            std::string rest;
            std::getline(ls, rest);
            try { w.config = ModelConfig::parse(rest); } catch (const std::exception &e) { throw Error(at + ": " + e.what()); }
            have_model = true;
        } else if (kind == "bn_eps") {
            std::string v;
            ls >> v;
            char *end = nullptr;
            w.bn_eps = std::strtof(v.c_str(), &end);
            if (v.empty() || *end || !(w.bn_eps > 0 && w.bn_eps < 1)) throw Error(at + ": bad epsilon");
        } else if (kind == "tensor") {
            std::string name, shape, off, nb, extra;
            if (!(ls >> name >> shape >> off >> nb) || (ls >> extra)) throw Error(at + ": expected NAME SHAPE OFFSET NBYTES");
            Entry e{name, parse_shape(shape, at), parse_u64(off, at), parse_u64(nb, at)};
            uint64_t n = 1;
            for (int d : e.shape) n *= uint64_t(d);
            if (e.nbytes != 4 * n || e.offset % 4) throw Error(at + ": byte count does not match shape");
            entries.push_back(e);
        } else if (kind == "data_bytes") {
            std::string v;
            ls >> v;
            data_bytes = parse_u64(v, at);
            have_data_bytes = true;
        } else if (kind == "checksum") {
            std::string algo, hex;
            ls >> algo >> hex;
            if (algo != "fnv1a64" || hex.size() != 16) throw Error(at + ": unsupported checksum");
            checksum = parse_u64(hex, at, 16);
            have_sum = true;
        } else {
            throw Error(at + ": unknown line kind");
        }
    }
    if (!have_end) throw Error(where + ": truncated header (no 'end' line)");
    if (!have_model || !have_data_bytes || !have_sum) throw Error(where + ": header lacks model, data_bytes or checksum");
    const uint64_t data_start = (header + kAlign - 1) / kAlign * kAlign;
    if (data_start > file_size || file_size - data_start != data_bytes)
        throw Error(where + ": truncated or padded file (data section is " +
                    std::to_string(file_size > data_start ? file_size - data_start : 0) + " bytes, header says " +
                    std::to_string(data_bytes) + ")");

    std::vector<unsigned char> data(data_bytes);
    f.seekg(std::streamoff(data_start));
    if (data_bytes && !f.read(reinterpret_cast<char *>(data.data()), std::streamsize(data_bytes)))
        throw Error(where + ": read failed");
    if (fnv1a64(data.data(), data.size()) != checksum) throw Error(where + ": checksum mismatch (file is corrupted)");

    for (const Entry &e : entries) {
        if (e.offset > data_bytes || e.nbytes > data_bytes - e.offset)
            throw Error(where + ": tensor " + e.name + " lies outside the data section");
        Tensor t;
        t.shape = e.shape;
        t.data.resize(e.nbytes / 4);
        std::memcpy(t.data.data(), data.data() + e.offset, e.nbytes);  // little-endian hosts only
        if (!w.tensors.emplace(e.name, std::move(t)).second) throw Error(where + ": tensor " + e.name + " appears twice");
    }
    return w;
}

void write_weights(const std::string &path, const Weights &w) {
    std::ostringstream h;
    const ModelConfig &c = w.config;
    std::string arch = c.arch == Arch::Large ? "large" : "small";
    if (c.minimalistic) arch += "-min";
    char width[32];
    std::snprintf(width, sizeof width, "%g", double(c.width));
    h << "model " << arch << " " << width << " " << c.resolution << " " << to_string(c.padding) << " " << c.classes
      << (c.ranges ? " ranges" : "") << "\n";
    h << "bn_eps " << w.bn_eps << "\n";
    std::vector<unsigned char> data;
    for (const auto &[name, t] : w.tensors) {
        h << "tensor " << name << " ";
        for (size_t i = 0; i < t.shape.size(); i++) h << (i ? "," : "") << t.shape[i];
        h << " " << data.size() << " " << t.data.size() * 4 << "\n";
        const auto *p = reinterpret_cast<const unsigned char *>(t.data.data());
        data.insert(data.end(), p, p + t.data.size() * 4);
    }
    char sum[32];
    std::snprintf(sum, sizeof sum, "%016" PRIx64, fnv1a64(data.data(), data.size()));
    h << "data_bytes " << data.size() << "\nchecksum fnv1a64 " << sum << "\nend\n";
    std::string header = std::string(kMagic, 8) + h.str();
    header.resize((header.size() + kAlign - 1) / kAlign * kAlign, '\0');
    std::ofstream f(path, std::ios::binary);
    f.write(header.data(), std::streamsize(header.size()));
    f.write(reinterpret_cast<const char *>(data.data()), std::streamsize(data.size()));
    if (!f) throw Error("cannot write weight file '" + path + "'");
}

}  // namespace mnv3

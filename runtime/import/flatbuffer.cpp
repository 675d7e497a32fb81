// Bounds-checked flatbuffer decoding (see flatbuffer.h for the encoding and the rules).
#include "flatbuffer.h"

#include "mnv3/error.h"

#include <cstring>
#include <utility>

namespace mnv3::flatbuffer {

Reader::Reader(const uint8_t *data, size_t size, std::string prefix)
    : d_(data), n_(size), budget_(2 * uint64_t(size) + (64ull << 20)), prefix_(std::move(prefix)) {}

void Reader::fail(const std::string &msg) const {
    std::string s = prefix_;
    for (size_t i = 0; i < ctx_.size(); i++) {
        if (i && ctx_[i][0] != '[') s += '.';
        s += ctx_[i];
    }
    if (!ctx_.empty()) s += ": ";
    throw Error(s + msg);
}

// Written as pos > n || len > n - pos: pos + len could wrap.
void Reader::need(uint64_t pos, uint64_t len, const char *what) const {
    if (pos > n_ || len > n_ - pos)
        fail(std::string(what) + " at byte " + num(pos) + " (" + num(len) +
             " bytes) runs past the end of the file (" + num(n_) + " bytes)");
}

// Little-endian, byte by byte: no alignment or host-endianness assumption.
uint64_t Reader::le(uint64_t pos, int bytes, const char *what) const {
    need(pos, uint64_t(bytes), what);
    uint64_t v = 0;
    for (int i = 0; i < bytes; i++) v |= uint64_t(d_[pos + i]) << (8 * i);
    return v;
}

void Reader::charge(uint64_t bytes, const char *what) {
    if (bytes > budget_)
        fail(std::string(what) + " would take the decoded model past " +
             num((2 * n_ + (64ull << 20)) >> 20) +
             " MiB (twice the file size + 64 MiB): shared or overlapping data?");
    budget_ -= bytes;
}

bool Reader::has_identifier(const char *id) const { return n_ >= 8 && std::memcmp(d_ + 4, id, 4) == 0; }

uint64_t Reader::root() const {
    uint32_t pos = u32(0, "root offset");
    if (pos < 8 || pos >= n_)
        fail("root table offset " + num(pos) + " outside the file (" + num(n_) + " bytes)");
    return pos;
}

Table Reader::table_at(uint64_t pos) const {
    need(pos, 4, "table");
    int32_t so = int32_t(u32(pos, "table"));
    int64_t vt = int64_t(pos) - int64_t(so);  // soffset is signed: the vtable may follow the table
    if (vt < 0 || uint64_t(vt) > n_ || n_ - uint64_t(vt) < 4)
        fail("the vtable of the table at byte " + num(pos) + " (soffset " + std::to_string(so) +
             ") lies outside the file (" + num(n_) + " bytes)");
    Table t;
    t.pos = pos;
    t.vt = uint64_t(vt);
    t.vt_size = u16(t.vt, "vtable");
    t.size = u16(t.vt + 2, "vtable");
    if (t.vt_size < 4 || t.vt_size % 2 != 0)
        fail("the vtable at byte " + num(t.vt) + " has an invalid size " + num(t.vt_size));
    need(t.vt, t.vt_size, "vtable");
    // The table's inline data includes its own soffset, hence >= 4.
    if (t.size < 4) fail("the table at byte " + num(pos) + " has an invalid size " + num(t.size));
    need(pos, t.size, "table");
    return t;
}

uint64_t Reader::field(const Table &t, int id, uint32_t bytes) const {
    uint32_t slot = 4 + 2 * uint32_t(id);
    if (slot + 2 > t.vt_size) return 0;  // a vtable from an older schema: field absent
    uint16_t off = u16(t.vt + slot, "vtable");
    if (off == 0) return 0;
    // Within the table's inline data, which table_at() checked to lie inside the file.
    if (off < 4 || uint32_t(off) + bytes > t.size)
        fail("field " + std::to_string(id) + " at offset " + num(off) + " (" + num(bytes) +
             " bytes) lies outside its table (" + num(t.size) + " bytes at byte " + num(t.pos) + ")");
    return t.pos + off;
}

uint8_t Reader::f_u8(const Table &t, int id, uint8_t def) const {
    uint64_t p = field(t, id, 1);
    return p ? u8(p, "field") : def;
}

uint32_t Reader::f_u32(const Table &t, int id, uint32_t def) const {
    uint64_t p = field(t, id, 4);
    return p ? u32(p, "field") : def;
}

uint64_t Reader::f_u64(const Table &t, int id, uint64_t def) const {
    uint64_t p = field(t, id, 8);
    return p ? u64(p, "field") : def;
}

float Reader::f_f32(const Table &t, int id, float def) const {
    uint64_t p = field(t, id, 4);
    if (!p) return def;
    uint32_t bits = u32(p, "field");
    float f;
    std::memcpy(&f, &bits, 4);
    return f;
}

// uoffsets are nonzero, so they only point forward (no cycles), and below 2^31 (a flatbuffer
// is smaller than 2 GiB).
uint64_t Reader::deref(uint64_t pos) const {
    uint32_t o = u32(pos, "offset");
    if (o == 0 || o > 0x7fffffffu)
        fail("invalid offset " + num(o) + " at byte " + num(pos));
    uint64_t target = pos + o;
    if (target >= n_)
        fail("offset " + num(o) + " at byte " + num(pos) + " points past the end of the file (" +
             num(n_) + " bytes)");
    return target;
}

bool Reader::sub_table(const Table &t, int id, Table *out) const {
    uint64_t p = field(t, id, 4);
    if (!p) return false;
    *out = table_at(deref(p));
    return true;
}

Vec Reader::vec(const Table &t, int id, uint32_t elem) const {
    uint64_t p = field(t, id, 4);
    if (!p) return {};
    uint64_t v = deref(p);
    uint32_t n = u32(v, "vector length");
    uint64_t bytes = uint64_t(n) * elem;  // < 2^32 * 8: no overflow
    if (bytes > n_ - (v + 4))
        fail("vector of " + num(n) + " elements (" + num(bytes) + " bytes) at byte " + num(v) +
             " runs past the end of the file (" + num(n_) + " bytes)");
    return {v + 4, n};
}

Vec Reader::table_vec(const Table &t, int id, const char *what, size_t elem_mem) {
    Vec v = vec(t, id, 4);
    if (v.n > kMaxTableCount) fail(std::string("too many ") + what + " (" + num(v.n) + ")");
    charge(uint64_t(v.n) * elem_mem, what);
    return v;
}

Table Reader::elem_table(const Vec &v, uint32_t i) const { return table_at(deref(v.pos + 4ull * i)); }

std::string Reader::str(const Table &t, int id) {
    Vec v = vec(t, id, 1);
    if (!v.n && !field(t, id, 4)) return {};
    if (u8(v.pos + v.n, "string terminator") != 0)
        fail("string at byte " + num(v.pos) + " is not NUL-terminated");
    charge(v.n, "a string");
    return std::string(reinterpret_cast<const char *>(d_ + v.pos), v.n);
}

std::vector<int> Reader::ints(const Table &t, int id) {
    Vec v = vec(t, id, 4);
    charge(uint64_t(v.n) * sizeof(int), "an int vector");
    std::vector<int> r(v.n);
    for (uint32_t i = 0; i < v.n; i++) r[i] = int(int32_t(u32(v.pos + 4ull * i, "int")));
    return r;
}

std::vector<float> Reader::floats(const Table &t, int id) {
    Vec v = vec(t, id, 4);
    charge(uint64_t(v.n) * sizeof(float), "a float vector");
    std::vector<float> r(v.n);
    for (uint32_t i = 0; i < v.n; i++) {
        uint32_t bits = u32(v.pos + 4ull * i, "float");
        std::memcpy(&r[i], &bits, 4);
    }
    return r;
}

std::vector<int64_t> Reader::longs(const Table &t, int id) {
    Vec v = vec(t, id, 8);
    charge(uint64_t(v.n) * sizeof(int64_t), "a long vector");
    std::vector<int64_t> r(v.n);
    for (uint32_t i = 0; i < v.n; i++) r[i] = int64_t(u64(v.pos + 8ull * i, "long"));
    return r;
}

}  // namespace mnv3::flatbuffer

// A bounds-checked reader of flatbuffer data, for decoding untrusted files. It knows the
// flatbuffer encoding and nothing about any schema (tflite_reader.cpp maps the TFLite one):
//   - bytes 0..4: uoffset of the root table; bytes 4..8: the file identifier;
//   - a table starts with an int32 soffset to its vtable (vtable = table - soffset);
//     the vtable holds uint16 vtable size, uint16 table size, then one uint16 offset per
//     field (relative to the table start; 0 or beyond the vtable = absent = default);
//   - a reference field holds a uint32 uoffset relative to the field's own position;
//   - a vector is a uint32 count then the elements; a string is a vector of bytes + NUL.
// Every read goes through need() (position + length checked against the file, in 64-bit
// arithmetic) and uses byte assembly, so nothing depends on alignment or host endianness.
// uoffsets must be > 0, so references only point forward and cannot form cycles.
//
// Memory cap: all the memory the caller's result takes is charged against a budget of twice
// the file size + 64 MiB before it is allocated (the vector/string readers charge themselves;
// charge() is for the rest). That bounds the expansion a file can cause by pointing many
// references at the same data.
//
// Errors: every failure throws mnv3::Error "<prefix><scope>: <what>", where <scope> names
// the part being read ("subgraphs[0].tensors[3]"), built with Scope.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace mnv3::flatbuffer {

// The most elements table_vec() accepts: far above any real file, low enough that the
// per-element bookkeeping of a vector that claims more cannot be large.
constexpr uint32_t kMaxTableCount = 1u << 24;

inline std::string num(uint64_t v) { return std::to_string(v); }

struct Table {
    uint64_t pos = 0;      // table start
    uint64_t vt = 0;       // vtable start
    uint32_t vt_size = 0;  // bytes of the vtable
    uint32_t size = 0;     // bytes of the table's inline data
};

struct Vec {
    uint64_t pos = 0;  // first element
    uint32_t n = 0;
};

class Reader {
public:
    // `data` must outlive the reader; `prefix` starts every error message ("tflite: ").
    Reader(const uint8_t *data, size_t size, std::string prefix);

    const uint8_t *data() const { return d_; }
    uint64_t size() const { return n_; }

    // Names a part of the file for messages while it is in scope. A name starting with '['
    // (see idx("", i)) attaches to the previous one without a '.'.
    class Scope {
    public:
        Scope(Reader &r, std::string what) : r_(r) { r_.ctx_.push_back(std::move(what)); }
        ~Scope() { r_.ctx_.pop_back(); }
        Scope(const Scope &) = delete;
        Scope &operator=(const Scope &) = delete;

    private:
        Reader &r_;
    };
    static std::string idx(const char *name, uint64_t i) { return std::string(name) + "[" + num(i) + "]"; }

    // Throws "<prefix><scope>: <msg>" (or "<prefix><msg>" outside any scope).
    [[noreturn]] void fail(const std::string &msg) const;

    // Accounts for `bytes` of memory the result will hold, before allocating it.
    void charge(uint64_t bytes, const char *what);

    // The file identifier at bytes 4..8 is `id` (4 chars). The caller checks size() >= 8.
    bool has_identifier(const char *id) const;
    // Position of the root table: the uoffset at byte 0, which must lie past the 8-byte
    // header (root offset + identifier) and inside the file.
    uint64_t root() const;
    // The table at `pos`, with its vtable and inline data checked to lie inside the file.
    Table table_at(uint64_t pos) const;

    // Scalar field `id` of a table, or `def` if absent. The field must lie inside its table.
    uint8_t f_u8(const Table &t, int id, uint8_t def) const;
    int8_t f_i8(const Table &t, int id, int8_t def) const { return int8_t(f_u8(t, id, uint8_t(def))); }
    uint32_t f_u32(const Table &t, int id, uint32_t def) const;
    int32_t f_i32(const Table &t, int id, int32_t def) const { return int32_t(f_u32(t, id, uint32_t(def))); }
    uint64_t f_u64(const Table &t, int id, uint64_t def) const;
    float f_f32(const Table &t, int id, float def) const;

    // Table field `id`: false if absent, else *out = the table it references.
    bool sub_table(const Table &t, int id, Table *out) const;
    // Vector field `id` of elements of `elem` bytes, checked to fit in the file; {0, 0} if
    // absent. Charges nothing: the caller decides what it keeps.
    Vec vec(const Table &t, int id, uint32_t elem) const;
    // Vector field `id` of tables: at most kMaxTableCount ("too many <what>"), and
    // n * elem_mem bytes charged for what the caller will build from them.
    Vec table_vec(const Table &t, int id, const char *what, size_t elem_mem);
    // Element i (< v.n) of a vector of tables.
    Table elem_table(const Vec &v, uint32_t i) const;

    // String / scalar vector fields, copied out (empty if absent) and charged.
    std::string str(const Table &t, int id);
    std::vector<int> ints(const Table &t, int id);
    std::vector<float> floats(const Table &t, int id);
    std::vector<int64_t> longs(const Table &t, int id);

private:
    const uint8_t *d_;
    uint64_t n_;
    uint64_t budget_;
    std::string prefix_;
    std::vector<std::string> ctx_;

    void need(uint64_t pos, uint64_t len, const char *what) const;
    uint64_t le(uint64_t pos, int bytes, const char *what) const;
    uint8_t u8(uint64_t pos, const char *what) const { return uint8_t(le(pos, 1, what)); }
    uint16_t u16(uint64_t pos, const char *what) const { return uint16_t(le(pos, 2, what)); }
    uint32_t u32(uint64_t pos, const char *what) const { return uint32_t(le(pos, 4, what)); }
    uint64_t u64(uint64_t pos, const char *what) const { return le(pos, 8, what); }
    // Position of field `id` (of `bytes` bytes inline), or 0 if absent.
    uint64_t field(const Table &t, int id, uint32_t bytes) const;
    // Follows the uoffset stored at `pos`.
    uint64_t deref(uint64_t pos) const;
};

}  // namespace mnv3::flatbuffer

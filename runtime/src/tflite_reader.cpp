// TFLite flatbuffer reader (see mnv3/tflite.h). Flatbuffer encoding, as read here:
//   - bytes 0..4: uoffset of the root table; bytes 4..8: the file identifier "TFL3";
//   - a table starts with an int32 soffset to its vtable (vtable = table - soffset);
//     the vtable holds uint16 vtable size, uint16 table size, then one uint16 offset per
//     field (relative to the table start; 0 or beyond the vtable = absent = default);
//   - a reference field holds a uint32 uoffset relative to the field's own position;
//   - a vector is a uint32 count then the elements; a string is a vector of bytes + NUL.
// Every read goes through need() (position + length checked against the file, in 64-bit
// arithmetic) and uses byte assembly, so nothing depends on alignment or host endianness.
// uoffsets must be > 0, so references only point forward and cannot form cycles; the schema
// subset read here is not recursive. All the memory the result takes is charged against a
// budget proportional to the file size before it is allocated, which bounds the expansion a
// file can cause by pointing many references at the same data.
#include "mnv3/tflite.h"

#include "mnv3/error.h"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>
#include <utility>

namespace mnv3::tflite {
namespace {

constexpr uint64_t kMaxFileBytes = 512ull << 20;
constexpr int64_t kMaxDim = 1 << 20;
constexpr int64_t kMaxElements = 1 << 28;
constexpr uint32_t kMaxRank = 8;
constexpr uint32_t kMaxCount = 1u << 24;  // tensors, operators, buffers, operator codes

// BuiltinOptions union member indices (0 = NONE).
enum OptionsType : int {
    kNoOptions = 0,
    kConv2DOptions = 1,
    kDepthwiseConv2DOptions = 2,
    kPool2DOptions = 5,
    kSoftmaxOptions = 9,
    kAddOptions = 11,
    kReshapeOptions = 17,
    kMulOptions = 21,
};

const char *const kBuiltinNames[] = {
    "ADD", "AVERAGE_POOL_2D", "CONCATENATION", "CONV_2D", "DEPTHWISE_CONV_2D",
    "DEPTH_TO_SPACE", "DEQUANTIZE", "EMBEDDING_LOOKUP", "FLOOR", "FULLY_CONNECTED",
    "HASHTABLE_LOOKUP", "L2_NORMALIZATION", "L2_POOL_2D", "LOCAL_RESPONSE_NORMALIZATION",
    "LOGISTIC", "LSH_PROJECTION", "LSTM", "MAX_POOL_2D", "MUL", "RELU", "RELU_N1_TO_1",
    "RELU6", "RESHAPE", "RESIZE_BILINEAR", "RNN", "SOFTMAX", "SPACE_TO_DEPTH", "SVDF", "TANH",
    "CONCAT_EMBEDDINGS", "SKIP_GRAM", "CALL", "CUSTOM", "EMBEDDING_LOOKUP_SPARSE", "PAD",
    "UNIDIRECTIONAL_SEQUENCE_RNN", "GATHER", "BATCH_TO_SPACE_ND", "SPACE_TO_BATCH_ND",
    "TRANSPOSE", "MEAN", "SUB", "DIV", "SQUEEZE", "UNIDIRECTIONAL_SEQUENCE_LSTM",
    "STRIDED_SLICE", "BIDIRECTIONAL_SEQUENCE_RNN", "EXP", "TOPK_V2", "SPLIT", "LOG_SOFTMAX",
    "DELEGATE", "BIDIRECTIONAL_SEQUENCE_LSTM", "CAST", "PRELU", "MAXIMUM", "ARG_MAX",
    "MINIMUM", "LESS", "NEG", "PADV2", "GREATER", "GREATER_EQUAL", "LESS_EQUAL", "SELECT",
    "SLICE", "SIN", "TRANSPOSE_CONV", "SPARSE_TO_DENSE", "TILE", "EXPAND_DIMS", "EQUAL",
    "NOT_EQUAL", "LOG", "SUM", "SQRT", "RSQRT", "SHAPE", "POW", "ARG_MIN", "FAKE_QUANT",
    "REDUCE_PROD", "REDUCE_MAX", "PACK", "LOGICAL_OR", "ONE_HOT", "LOGICAL_AND",
    "LOGICAL_NOT", "UNPACK", "REDUCE_MIN", "FLOOR_DIV", "REDUCE_ANY", "SQUARE", "ZEROS_LIKE",
    "FILL", "FLOOR_MOD", "RANGE", "RESIZE_NEAREST_NEIGHBOR", "LEAKY_RELU",
    "SQUARED_DIFFERENCE", "MIRROR_PAD", "ABS", "SPLIT_V", "UNIQUE", "CEIL", "REVERSE_V2",
    "ADD_N", "GATHER_ND", "COS", "WHERE", "RANK", "ELU", "REVERSE_SEQUENCE", "MATRIX_DIAG",
    "QUANTIZE", "MATRIX_SET_DIAG", "ROUND", "HARD_SWISH", "IF", "WHILE",
    "NON_MAX_SUPPRESSION_V4", "NON_MAX_SUPPRESSION_V5", "SCATTER_ND", "SELECT_V2", "DENSIFY",
    "SEGMENT_SUM", "BATCH_MATMUL", "PLACEHOLDER_FOR_GREATER_OP_CODES", "CUMSUM", "CALL_ONCE",
    "BROADCAST_TO", "RFFT2D", "CONV_3D", "IMAG", "REAL", "COMPLEX_ABS", "HASHTABLE",
    "HASHTABLE_FIND", "HASHTABLE_IMPORT", "HASHTABLE_SIZE", "REDUCE_ALL", "CONV_3D_TRANSPOSE",
    "VAR_HANDLE", "READ_VARIABLE", "ASSIGN_VARIABLE", "BROADCAST_ARGS",
    "RANDOM_STANDARD_NORMAL", "BUCKETIZE", "RANDOM_UNIFORM", "MULTINOMIAL", "GELU",
};
constexpr int kNumBuiltinNames = int(sizeof(kBuiltinNames) / sizeof(kBuiltinNames[0]));
static_assert(kNumBuiltinNames == 151, "GELU is 150");

// Text from the file, made safe for a one-line message.
std::string printable(const std::string &s, size_t max = 64) {
    std::string r;
    for (size_t i = 0; i < s.size() && i < max; i++) {
        unsigned char c = static_cast<unsigned char>(s[i]);
        r += (c >= 32 && c < 127) ? char(c) : '?';
    }
    if (s.size() > max) r += "...";
    return r;
}

std::string num(uint64_t v) { return std::to_string(v); }

Activation activation_of(int v) {
    switch (v) {
        case 0: return Activation::None;
        case 1: return Activation::Relu;
        case 2: return Activation::ReluN1To1;
        case 3: return Activation::Relu6;
        case 4: return Activation::Tanh;
        case 5: return Activation::SignBit;
        default: return Activation::Other;
    }
}

const char *activation_name(Activation a) {
    switch (a) {
        case Activation::None: return "NONE";
        case Activation::Relu: return "RELU";
        case Activation::ReluN1To1: return "RELU_N1_TO_1";
        case Activation::Relu6: return "RELU6";
        case Activation::Tanh: return "TANH";
        case Activation::SignBit: return "SIGN_BIT";
        default: return "OTHER";
    }
}

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

struct OpCode {
    int code = 0;
    std::string custom;
};

class Parser {
public:
    Parser(const uint8_t *data, size_t size)
        : d_(data), n_(size), budget_(2 * uint64_t(size) + (64ull << 20)) {}

    Model run();

private:
    const uint8_t *d_;
    uint64_t n_;
    uint64_t budget_;
    std::vector<std::string> ctx_;

    // Names the part of the file being read, for messages: "subgraphs[0].tensors[3]".
    struct Ctx {
        Parser &p;
        Ctx(Parser &parser, std::string what) : p(parser) { p.ctx_.push_back(std::move(what)); }
        ~Ctx() { p.ctx_.pop_back(); }
        Ctx(const Ctx &) = delete;
        Ctx &operator=(const Ctx &) = delete;
    };
    static std::string idx(const char *name, uint64_t i) { return std::string(name) + "[" + num(i) + "]"; }

    [[noreturn]] void fail(const std::string &msg) const {
        std::string s = "tflite: ";
        for (size_t i = 0; i < ctx_.size(); i++) {
            if (i && ctx_[i][0] != '[') s += '.';
            s += ctx_[i];
        }
        if (!ctx_.empty()) s += ": ";
        throw Error(s + msg);
    }

    void need(uint64_t pos, uint64_t len, const char *what) const {
        if (pos > n_ || len > n_ - pos)
            fail(std::string(what) + " at byte " + num(pos) + " (" + num(len) +
                 " bytes) runs past the end of the file (" + num(n_) + " bytes)");
    }
    uint64_t le(uint64_t pos, int bytes, const char *what) const {
        need(pos, uint64_t(bytes), what);
        uint64_t v = 0;
        for (int i = 0; i < bytes; i++) v |= uint64_t(d_[pos + i]) << (8 * i);
        return v;
    }
    uint8_t u8(uint64_t pos, const char *what) const { return uint8_t(le(pos, 1, what)); }
    uint16_t u16(uint64_t pos, const char *what) const { return uint16_t(le(pos, 2, what)); }
    uint32_t u32(uint64_t pos, const char *what) const { return uint32_t(le(pos, 4, what)); }
    uint64_t u64(uint64_t pos, const char *what) const { return le(pos, 8, what); }

    // Accounts for memory the result will hold, before allocating it.
    void charge(uint64_t bytes, const char *what) {
        if (bytes > budget_)
            fail(std::string(what) + " would take the decoded model past " +
                 num((2 * n_ + (64ull << 20)) >> 20) +
                 " MiB (twice the file size + 64 MiB): shared or overlapping data?");
        budget_ -= bytes;
    }

    Table table_at(uint64_t pos) {
        need(pos, 4, "table");
        int32_t so = int32_t(u32(pos, "table"));
        int64_t vt = int64_t(pos) - int64_t(so);
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
        if (t.size < 4) fail("the table at byte " + num(pos) + " has an invalid size " + num(t.size));
        need(pos, t.size, "table");
        return t;
    }

    // Position of field `id` (of `bytes` bytes inline), or 0 if absent.
    uint64_t field(const Table &t, int id, uint32_t bytes) const {
        uint32_t slot = 4 + 2 * uint32_t(id);
        if (slot + 2 > t.vt_size) return 0;
        uint16_t off = u16(t.vt + slot, "vtable");
        if (off == 0) return 0;
        if (off < 4 || uint32_t(off) + bytes > t.size)
            fail("field " + std::to_string(id) + " at offset " + num(off) + " (" + num(bytes) +
                 " bytes) lies outside its table (" + num(t.size) + " bytes at byte " + num(t.pos) + ")");
        return t.pos + off;
    }

    uint8_t f_u8(const Table &t, int id, uint8_t def) const {
        uint64_t p = field(t, id, 1);
        return p ? u8(p, "field") : def;
    }
    int8_t f_i8(const Table &t, int id, int8_t def) const { return int8_t(f_u8(t, id, uint8_t(def))); }
    uint32_t f_u32(const Table &t, int id, uint32_t def) const {
        uint64_t p = field(t, id, 4);
        return p ? u32(p, "field") : def;
    }
    int32_t f_i32(const Table &t, int id, int32_t def) const { return int32_t(f_u32(t, id, uint32_t(def))); }
    uint64_t f_u64(const Table &t, int id, uint64_t def) const {
        uint64_t p = field(t, id, 8);
        return p ? u64(p, "field") : def;
    }
    float f_f32(const Table &t, int id, float def) const {
        uint64_t p = field(t, id, 4);
        if (!p) return def;
        uint32_t bits = u32(p, "field");
        float f;
        std::memcpy(&f, &bits, 4);
        return f;
    }

    // Follows the uoffset stored at `pos`.
    uint64_t deref(uint64_t pos) {
        uint32_t o = u32(pos, "offset");
        if (o == 0 || o > 0x7fffffffu)
            fail("invalid offset " + num(o) + " at byte " + num(pos));
        uint64_t target = pos + o;
        if (target >= n_)
            fail("offset " + num(o) + " at byte " + num(pos) + " points past the end of the file (" +
                 num(n_) + " bytes)");
        return target;
    }

    bool sub_table(const Table &t, int id, Table *out) {
        uint64_t p = field(t, id, 4);
        if (!p) return false;
        *out = table_at(deref(p));
        return true;
    }

    // A vector field of elements of `elem` bytes; {0, 0} if absent.
    Vec vec(const Table &t, int id, uint32_t elem) {
        uint64_t p = field(t, id, 4);
        if (!p) return {};
        uint64_t v = deref(p);
        uint32_t n = u32(v, "vector length");
        uint64_t bytes = uint64_t(n) * elem;
        if (bytes > n_ - (v + 4))
            fail("vector of " + num(n) + " elements (" + num(bytes) + " bytes) at byte " + num(v) +
                 " runs past the end of the file (" + num(n_) + " bytes)");
        return {v + 4, n};
    }
    Vec table_vec(const Table &t, int id, const char *what, size_t elem_mem) {
        Vec v = vec(t, id, 4);
        if (v.n > kMaxCount) fail(std::string("too many ") + what + " (" + num(v.n) + ")");
        charge(uint64_t(v.n) * elem_mem, what);
        return v;
    }
    Table elem_table(const Vec &v, uint32_t i) { return table_at(deref(v.pos + 4ull * i)); }

    std::string str(const Table &t, int id) {
        Vec v = vec(t, id, 1);
        if (!v.n && !field(t, id, 4)) return {};
        if (u8(v.pos + v.n, "string terminator") != 0)
            fail("string at byte " + num(v.pos) + " is not NUL-terminated");
        charge(v.n, "a string");
        return std::string(reinterpret_cast<const char *>(d_ + v.pos), v.n);
    }
    std::vector<int> ints(const Table &t, int id) {
        Vec v = vec(t, id, 4);
        charge(uint64_t(v.n) * sizeof(int), "an int vector");
        std::vector<int> r(v.n);
        for (uint32_t i = 0; i < v.n; i++) r[i] = int(int32_t(u32(v.pos + 4ull * i, "int")));
        return r;
    }
    std::vector<float> floats(const Table &t, int id) {
        Vec v = vec(t, id, 4);
        charge(uint64_t(v.n) * sizeof(float), "a float vector");
        std::vector<float> r(v.n);
        for (uint32_t i = 0; i < v.n; i++) {
            uint32_t bits = u32(v.pos + 4ull * i, "float");
            std::memcpy(&r[i], &bits, 4);
        }
        return r;
    }
    std::vector<int64_t> longs(const Table &t, int id) {
        Vec v = vec(t, id, 8);
        charge(uint64_t(v.n) * sizeof(int64_t), "a long vector");
        std::vector<int64_t> r(v.n);
        for (uint32_t i = 0; i < v.n; i++) r[i] = int64_t(u64(v.pos + 8ull * i, "long"));
        return r;
    }

    std::vector<OpCode> operator_codes(const Table &model);
    std::vector<std::pair<uint64_t, uint64_t>> buffer_spans(const Table &model);
    Tensor tensor(const Table &t, size_t num_buffers);
    Operator op(const Table &t, const std::vector<OpCode> &codes, size_t num_tensors);
    void options(const Table &t, Operator &o);
    std::vector<int> tensor_list(const Table &t, int id, size_t num_tensors, bool allow_absent);
};

std::vector<OpCode> Parser::operator_codes(const Table &model) {
    Ctx c(*this, "operator_codes");
    Vec v = table_vec(model, 1, "operator codes", sizeof(OpCode));
    std::vector<OpCode> codes(v.n);
    for (uint32_t i = 0; i < v.n; i++) {
        Ctx ci(*this, idx("", i));
        Table t = elem_table(v, i);
        int deprecated = f_i8(t, 0, 0);
        int32_t builtin = f_i32(t, 3, 0);
        codes[i].code = std::max(deprecated, int(builtin));
        if (codes[i].code < 0) fail("negative builtin code " + std::to_string(codes[i].code));
        codes[i].custom = str(t, 1);
    }
    return codes;
}

// (position, length) of each buffer's data in the file.
std::vector<std::pair<uint64_t, uint64_t>> Parser::buffer_spans(const Table &model) {
    Ctx c(*this, "buffers");
    Vec v = table_vec(model, 4, "buffers", sizeof(std::vector<uint8_t>) + 16);
    std::vector<std::pair<uint64_t, uint64_t>> spans(v.n);
    for (uint32_t i = 0; i < v.n; i++) {
        Ctx ci(*this, idx("", i));
        Table t = elem_table(v, i);
        Vec data = vec(t, 0, 1);
        uint64_t offset = f_u64(t, 1, 0), size = f_u64(t, 2, 0);
        if (offset > 1) {  // data outside the flatbuffer, at this offset from the file start
            if (data.n) fail("has both inline data and an external offset");
            if (offset > n_ || size > n_ - offset)
                fail("external data (offset " + num(offset) + ", " + num(size) +
                     " bytes) lies outside the file (" + num(n_) + " bytes)");
            spans[i] = {offset, size};
        } else {
            spans[i] = {data.pos, data.n};
        }
        charge(spans[i].second, "buffer data");
    }
    return spans;
}

Tensor Parser::tensor(const Table &t, size_t num_buffers) {
    Tensor r;
    {
        Ctx c(*this, "name");
        r.name = str(t, 3);
    }
    Ctx cn(*this, "'" + printable(r.name) + "'");
    {
        Ctx c(*this, "shape");
        Vec s = vec(t, 0, 4);
        if (s.n > kMaxRank) fail("rank " + num(s.n) + " exceeds " + num(kMaxRank));
        r.shape = ints(t, 0);
        int64_t elems = 1;
        for (int d : r.shape) {
            if (d < 0 || d > kMaxDim)
                fail("dimension " + std::to_string(d) + " outside [0, " + num(kMaxDim) + "]");
            elems *= d;
            if (elems > kMaxElements)
                fail("more than " + num(kMaxElements) + " elements");
        }
    }
    r.type = f_i8(t, 1, 0);
    if (r.type < 0) fail("invalid tensor type " + std::to_string(r.type));
    uint32_t b = f_u32(t, 2, 0);
    if (b >= num_buffers)
        fail("buffer index " + num(b) + " out of range (" + num(num_buffers) + " buffers)");
    r.buffer = int(b);
    Table q;
    if (sub_table(t, 4, &q)) {
        Ctx c(*this, "quantization");
        r.quant.scale = floats(q, 2);
        r.quant.zero_point = longs(q, 3);
        r.quant.quantized_dimension = f_i32(q, 6, 0);
        const Quantization &qp = r.quant;
        if (qp.zero_point.size() != qp.scale.size())
            fail(num(qp.scale.size()) + " scales but " + num(qp.zero_point.size()) + " zero points");
        int rank = int(r.shape.size());
        if (qp.scale.size() > 1) {
            if (qp.quantized_dimension < 0 || qp.quantized_dimension >= rank)
                fail("quantized_dimension " + std::to_string(qp.quantized_dimension) +
                     " outside the tensor's rank " + std::to_string(rank));
            if (uint64_t(r.shape[qp.quantized_dimension]) != qp.scale.size())
                fail(num(qp.scale.size()) + " per-channel scales for dimension " +
                     std::to_string(qp.quantized_dimension) + " of size " +
                     std::to_string(r.shape[qp.quantized_dimension]));
        }
    }
    return r;
}

std::vector<int> Parser::tensor_list(const Table &t, int id, size_t num_tensors, bool allow_absent) {
    std::vector<int> r = ints(t, id);
    for (int i : r)
        if (i < (allow_absent ? -1 : 0) || i >= int64_t(num_tensors))
            fail("tensor index " + std::to_string(i) + " out of range (" + num(num_tensors) + " tensors)");
    return r;
}

void Parser::options(const Table &t, Operator &o) {
    int expected = kNoOptions;
    const char *expected_name = "";
    switch (o.op) {
        case Op::Conv2D: expected = kConv2DOptions, expected_name = "Conv2DOptions"; break;
        case Op::DepthwiseConv2D:
            expected = kDepthwiseConv2DOptions, expected_name = "DepthwiseConv2DOptions";
            break;
        case Op::AveragePool2D: expected = kPool2DOptions, expected_name = "Pool2DOptions"; break;
        case Op::Add: expected = kAddOptions, expected_name = "AddOptions"; break;
        case Op::Mul: expected = kMulOptions, expected_name = "MulOptions"; break;
        case Op::Reshape: expected = kReshapeOptions, expected_name = "ReshapeOptions"; break;
        case Op::Softmax: expected = kSoftmaxOptions, expected_name = "SoftmaxOptions"; break;
        default: return;  // HardSwish has no options; other ops' options are not decoded
    }
    int type = f_u8(t, 3, 0);
    Table opt;
    bool have = false;
    if (type == expected) {
        have = sub_table(t, 4, &opt);
    } else if (type != kNoOptions) {
        fail("builtin_options_type " + std::to_string(type) + ", expected " + std::to_string(expected) +
             " (" + expected_name + ")");
    }
    bool spatial = o.op == Op::Conv2D || o.op == Op::DepthwiseConv2D || o.op == Op::AveragePool2D;
    if (!have) {
        if (spatial) fail(std::string("missing ") + expected_name);
        return;
    }
    Ctx c(*this, expected_name);
    if (spatial) {
        int pad = f_i8(opt, 0, 0);
        if (pad != 0 && pad != 1) fail("invalid padding " + std::to_string(pad));
        o.padding = pad == 0 ? Padding::Same : Padding::Valid;
        o.stride_w = f_i32(opt, 1, 0);
        o.stride_h = f_i32(opt, 2, 0);
    }
    int act = 0;
    switch (o.op) {
        case Op::Conv2D:
            act = f_i8(opt, 3, 0);
            o.dilation_w = f_i32(opt, 4, 1);
            o.dilation_h = f_i32(opt, 5, 1);
            break;
        case Op::DepthwiseConv2D:
            o.depth_multiplier = f_i32(opt, 3, 0);
            act = f_i8(opt, 4, 0);
            o.dilation_w = f_i32(opt, 5, 1);
            o.dilation_h = f_i32(opt, 6, 1);
            break;
        case Op::AveragePool2D:
            o.filter_w = f_i32(opt, 3, 0);
            o.filter_h = f_i32(opt, 4, 0);
            act = f_i8(opt, 5, 0);
            break;
        case Op::Add:
        case Op::Mul: act = f_i8(opt, 0, 0); break;
        case Op::Reshape: {
            Ctx cs(*this, "new_shape");
            if (vec(opt, 0, 4).n > kMaxRank) fail("rank exceeds " + num(kMaxRank));
            o.new_shape = ints(opt, 0);
            break;
        }
        case Op::Softmax: o.beta = f_f32(opt, 0, 0.0f); break;
        default: break;
    }
    o.activation = activation_of(act);
    auto check = [&](int v, const char *what) {
        if (v < 1 || v > kMaxDim)
            fail(std::string(what) + " " + std::to_string(v) + " outside [1, " + num(kMaxDim) + "]");
    };
    if (spatial) {
        check(o.stride_w, "stride_w");
        check(o.stride_h, "stride_h");
        check(o.dilation_w, "dilation_w_factor");
        check(o.dilation_h, "dilation_h_factor");
    }
    if (o.op == Op::AveragePool2D) {
        check(o.filter_w, "filter_width");
        check(o.filter_h, "filter_height");
    }
}

Operator Parser::op(const Table &t, const std::vector<OpCode> &codes, size_t num_tensors) {
    Operator o;
    uint32_t index = f_u32(t, 0, 0);
    if (index >= codes.size())
        fail("opcode_index " + num(index) + " out of range (" + num(codes.size()) + " operator codes)");
    const OpCode &code = codes[index];
    o.builtin_code = code.code;
    o.op_name = builtin_name(code.code);
    if (code.code == 32) o.op_name = "CUSTOM(" + printable(code.custom) + ")";
    switch (code.code) {
        case 0: o.op = Op::Add; break;
        case 1: o.op = Op::AveragePool2D; break;
        case 3: o.op = Op::Conv2D; break;
        case 4: o.op = Op::DepthwiseConv2D; break;
        case 18: o.op = Op::Mul; break;
        case 22: o.op = Op::Reshape; break;
        case 25: o.op = Op::Softmax; break;
        case 117: o.op = Op::HardSwish; break;
        default: o.op = Op::Other; break;
    }
    Ctx c(*this, o.op_name);
    {
        Ctx ci(*this, "inputs");
        o.inputs = tensor_list(t, 1, num_tensors, true);
    }
    {
        Ctx co(*this, "outputs");
        o.outputs = tensor_list(t, 2, num_tensors, false);
    }
    options(t, o);
    return o;
}

Model Parser::run() {
    if (n_ < 8) fail("file of " + num(n_) + " bytes is too small for a TFLite model");
    if (n_ > kMaxFileBytes) fail("file of " + num(n_) + " bytes exceeds the 512 MiB limit");
    if (std::memcmp(d_ + 4, "TFL3", 4) != 0)
        fail("not a TFLite model (no \"TFL3\" file identifier at bytes 4..8)");
    uint32_t root_pos = u32(0, "root offset");
    if (root_pos < 8 || root_pos >= n_)
        fail("root table offset " + num(root_pos) + " outside the file (" + num(n_) + " bytes)");
    Model m;
    Table root;
    {
        Ctx c(*this, "model");
        root = table_at(root_pos);
        m.version = f_u32(root, 0, 0);
        if (m.version != 3) fail("schema version " + num(m.version) + ", expected 3");
    }
    std::vector<OpCode> codes = operator_codes(root);
    std::vector<std::pair<uint64_t, uint64_t>> spans = buffer_spans(root);

    Vec subgraphs;
    {
        Ctx c(*this, "subgraphs");
        subgraphs = vec(root, 2, 4);
    }
    if (subgraphs.n != 1)
        fail("the model has " + num(subgraphs.n) + " subgraphs; only single-subgraph models are supported");
    {
    Ctx cs(*this, "subgraphs[0]");
    Table sg = elem_table(subgraphs, 0);
    {
        Vec tv;
        {
            Ctx c(*this, "tensors");
            tv = table_vec(sg, 0, "tensors", sizeof(Tensor));
        }
        m.tensors.reserve(tv.n);
        for (uint32_t i = 0; i < tv.n; i++) {
            Ctx c(*this, idx("tensors", i));
            m.tensors.push_back(tensor(elem_table(tv, i), spans.size()));
        }
    }
    {
        Ctx c(*this, "inputs");
        m.inputs = tensor_list(sg, 1, m.tensors.size(), false);
    }
    {
        Ctx c(*this, "outputs");
        m.outputs = tensor_list(sg, 2, m.tensors.size(), false);
    }
    {
        Vec ov;
        {
            Ctx c(*this, "operators");
            ov = table_vec(sg, 3, "operators", sizeof(Operator));
        }
        m.operators.reserve(ov.n);
        for (uint32_t i = 0; i < ov.n; i++) {
            Ctx c(*this, idx("operators", i));
            m.operators.push_back(op(elem_table(ov, i), codes, m.tensors.size()));
        }
    }
    }
    {
        Ctx c(*this, "model.description");
        m.description = str(root, 3);
    }
    // Everything is validated and charged: copy the data.
    m.buffers.resize(spans.size());
    for (size_t i = 0; i < spans.size(); i++)
        m.buffers[i].assign(d_ + spans[i].first, d_ + spans[i].first + spans[i].second);
    return m;
}

template <typename T>
std::vector<T> typed_data(const Model &m, int index, int type, const char *type_label) {
    if (index < 0 || size_t(index) >= m.tensors.size())
        throw Error("tflite: tensor index " + std::to_string(index) + " out of range (" +
                    num(m.tensors.size()) + " tensors)");
    const Tensor &t = m.tensors[size_t(index)];
    std::string who = "tflite: tensor " + std::to_string(index) + " '" + printable(t.name) + "'";
    if (t.type != type)
        throw Error(who + " has type " + type_name(t.type) + ", expected " + type_label);
    if (t.buffer < 0 || size_t(t.buffer) >= m.buffers.size())
        throw Error(who + " refers to a missing buffer " + std::to_string(t.buffer));
    const std::vector<uint8_t> &b = m.buffers[size_t(t.buffer)];
    uint64_t elems = 1;
    for (int d : t.shape) {
        if (d < 0 || d > kMaxDim) throw Error(who + " has an invalid dimension " + std::to_string(d));
        elems *= uint64_t(d);
        if (elems > uint64_t(kMaxElements)) throw Error(who + " has too many elements");
    }
    uint64_t want = elems * sizeof(T);
    if (b.empty() && want)
        throw Error(who + " has no constant data (buffer " + std::to_string(t.buffer) + " is empty)");
    if (b.size() != want)
        throw Error(who + " has " + num(b.size()) + " bytes of data, expected " + num(want) +
                    " for its shape");
    if constexpr (sizeof(T) == 1) return std::vector<T>(b.begin(), b.end());
    std::vector<T> r(b.size() / sizeof(T));
    for (size_t i = 0; i < r.size(); i++) {
        uint64_t v = 0;
        for (size_t k = 0; k < sizeof(T); k++) v |= uint64_t(b[i * sizeof(T) + k]) << (8 * k);
        r[i] = T(v);
    }
    return r;
}

std::string fmt_float(float f) {
    char buf[32];
    std::snprintf(buf, sizeof(buf), "%.9g", double(f));
    return buf;
}

std::string tensor_brief(const Model &m, int i) {
    if (i < 0) return "-";
    const Tensor &t = m.tensors[size_t(i)];
    std::string s = "t" + std::to_string(i) + ":";
    for (size_t k = 0; k < t.shape.size(); k++) s += (k ? "x" : "") + std::to_string(t.shape[k]);
    if (t.shape.empty()) s += "scalar";
    s += ":" + type_name(t.type);
    if (t.quant.scale.size() == 1) {
        s += ":s=" + fmt_float(t.quant.scale[0]);
        if (!t.quant.zero_point.empty()) s += ",zp=" + std::to_string(t.quant.zero_point[0]);
    } else if (t.quant.scale.size() > 1) {
        s += ":per-channel(" + num(t.quant.scale.size()) + ")";
    }
    if (t.buffer > 0 && size_t(t.buffer) < m.buffers.size() && !m.buffers[size_t(t.buffer)].empty())
        s += ":const";
    return s;
}

}  // namespace

int64_t num_elements(const Tensor &t) {
    int64_t n = 1;
    for (int d : t.shape) n *= d;
    return n;
}

const char *builtin_name(int code) {
    if (code >= 0 && code < kNumBuiltinNames) return kBuiltinNames[code];
    return "BUILTIN_OTHER";
}

std::string type_name(int type) {
    static const char *const names[] = {"FLOAT32", "FLOAT16", "INT32", "UINT8", "INT64",
                                        "STRING",  "BOOL",    "INT16", "COMPLEX64", "INT8"};
    if (type >= 0 && type < int(sizeof(names) / sizeof(names[0]))) return names[type];
    return "TYPE_" + std::to_string(type);
}

Model parse(const uint8_t *data, size_t size) {
    if (!data && size) throw Error("tflite: null data");
    static const uint8_t empty = 0;
    return Parser(data ? data : &empty, data ? size : 0).run();
}

Model read_file(const std::string &path) {
    std::ifstream f(path, std::ios::binary);
    if (!f) throw Error("cannot open " + path);
    f.seekg(0, std::ios::end);
    std::streamoff size = f.tellg();
    if (size < 0) throw Error("cannot determine the size of " + path);
    if (uint64_t(size) > kMaxFileBytes)
        throw Error(path + ": file of " + num(uint64_t(size)) + " bytes exceeds the 512 MiB limit");
    f.seekg(0, std::ios::beg);
    std::vector<uint8_t> data(static_cast<size_t>(size));
    if (size && !f.read(reinterpret_cast<char *>(data.data()), size))
        throw Error("cannot read " + path);
    try {
        return parse(data.data(), data.size());
    } catch (const Error &e) {
        throw Error(path + ": " + e.what());
    }
}

std::vector<uint8_t> tensor_u8(const Model &m, int tensor) {
    return typed_data<uint8_t>(m, tensor, kUInt8, "UINT8");
}

std::vector<int32_t> tensor_i32(const Model &m, int tensor) {
    return typed_data<int32_t>(m, tensor, kInt32, "INT32");
}

std::string summary(const Model &m) {
    std::ostringstream out;
    for (size_t i = 0; i < m.operators.size(); i++) {
        const Operator &o = m.operators[i];
        out << "#" << i << " " << o.op_name << " in=[";
        for (size_t k = 0; k < o.inputs.size(); k++) out << (k ? " " : "") << tensor_brief(m, o.inputs[k]);
        out << "] out=[";
        for (size_t k = 0; k < o.outputs.size(); k++) out << (k ? " " : "") << tensor_brief(m, o.outputs[k]);
        out << "]";
        switch (o.op) {
            case Op::Conv2D:
            case Op::DepthwiseConv2D:
            case Op::AveragePool2D:
                out << " pad=" << (o.padding == Padding::Same ? "SAME" : "VALID") << " stride=" << o.stride_w
                    << "x" << o.stride_h;
                if (o.op == Op::AveragePool2D)
                    out << " filter=" << o.filter_w << "x" << o.filter_h;
                else
                    out << " dilation=" << o.dilation_w << "x" << o.dilation_h;
                if (o.op == Op::DepthwiseConv2D) out << " depth_multiplier=" << o.depth_multiplier;
                out << " act=" << activation_name(o.activation);
                break;
            case Op::Add:
            case Op::Mul: out << " act=" << activation_name(o.activation); break;
            case Op::Reshape:
                out << " new_shape=[";
                for (size_t k = 0; k < o.new_shape.size(); k++) out << (k ? "," : "") << o.new_shape[k];
                out << "]";
                break;
            case Op::Softmax: out << " beta=" << fmt_float(o.beta); break;
            default: break;
        }
        if (!o.outputs.empty() && o.outputs[0] >= 0)
            out << " name=" << printable(m.tensors[size_t(o.outputs[0])].name, 200);
        out << "\n";
    }
    return out.str();
}

}  // namespace mnv3::tflite

// TFLite reader (see mnv3/tflite.h): maps the TFLite schema (schema.fbs v3: Model, SubGraph,
// Tensor, Operator, Buffer and the builtin options of the ops in Op) onto the structs of
// tflite.h. The flatbuffer decoding itself, with its bounds checks and the memory cap, is in
// flatbuffer.h; what is checked here is what the schema means: counts, ranks, dimensions,
// indices from one object into another, options. The schema subset read here is not
// recursive, so decoding terminates on any input. Field ids are the schema's field order.
#include "mnv3/tflite.h"

#include "flatbuffer.h"
#include "mnv3/error.h"
#include "mnv3/input_file.h"
#include "tflite_names.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>
#include <utility>

namespace mnv3::tflite {
namespace {

namespace fb = mnv3::flatbuffer;
using fb::num;
using fb::Table;
using fb::Vec;
using Reader = fb::Reader;
using Scope = fb::Reader::Scope;
using detail::activation_name;
using detail::activation_of;

constexpr uint64_t kMaxFileBytes = 512ull << 20;
constexpr int64_t kMaxDim = 1 << 20;
constexpr int64_t kMaxElements = 1 << 28;
constexpr uint32_t kMaxRank = 8;

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

struct OpCode {
    int code = 0;
    std::string custom;
};

// Model.operator_codes (field 1).
std::vector<OpCode> operator_codes(Reader &r, const Table &model) {
    Scope c(r, "operator_codes");
    Vec v = r.table_vec(model, 1, "operator codes", sizeof(OpCode));
    std::vector<OpCode> codes(v.n);
    for (uint32_t i = 0; i < v.n; i++) {
        Scope ci(r, Reader::idx("", i));
        Table t = r.elem_table(v, i);
        // deprecated_builtin_code (int8) is all older files have; newer ones add builtin_code
        // (int32) and put 127 in the old field for codes above it: the larger is the code.
        int deprecated = r.f_i8(t, 0, 0);
        int32_t builtin = r.f_i32(t, 3, 0);
        codes[i].code = std::max(deprecated, int(builtin));
        if (codes[i].code < 0) r.fail("negative builtin code " + std::to_string(codes[i].code));
        codes[i].custom = r.str(t, 1);
    }
    return codes;
}

// Model.buffers (field 4): (position, length) of each buffer's data in the file. Only the
// spans are kept here; the data is copied once everything is validated and charged.
std::vector<std::pair<uint64_t, uint64_t>> buffer_spans(Reader &r, const Table &model) {
    Scope c(r, "buffers");
    Vec v = r.table_vec(model, 4, "buffers", sizeof(std::vector<uint8_t>) + 16);
    std::vector<std::pair<uint64_t, uint64_t>> spans(v.n);
    for (uint32_t i = 0; i < v.n; i++) {
        Scope ci(r, Reader::idx("", i));
        Table t = r.elem_table(v, i);
        Vec data = r.vec(t, 0, 1);
        uint64_t offset = r.f_u64(t, 1, 0), size = r.f_u64(t, 2, 0);
        if (offset > 1) {  // data outside the flatbuffer, at this offset from the file start
            if (data.n) r.fail("has both inline data and an external offset");
            if (offset > r.size() || size > r.size() - offset)
                r.fail("external data (offset " + num(offset) + ", " + num(size) +
                       " bytes) lies outside the file (" + num(r.size()) + " bytes)");
            spans[i] = {offset, size};
        } else {
            spans[i] = {data.pos, data.n};
        }
        r.charge(spans[i].second, "buffer data");
    }
    return spans;
}

// The zero points a tensor type can have: its whole range for the 8-bit types, 0 for the
// wider integers (symmetric: int32 biases, int16, int64), anything in int32 for the rest
// (float tensors, whose quantization parameters nothing applies).
void zero_point_range(int type, int64_t *lo, int64_t *hi) {
    switch (type) {
        case kUInt8: *lo = 0, *hi = 255; break;
        case kInt8: *lo = -128, *hi = 127; break;
        case kInt32:
        case kInt64:
        case kInt16: *lo = 0, *hi = 0; break;
        default: *lo = INT32_MIN, *hi = INT32_MAX; break;
    }
}

// Every scale finite and > 0, every zero point in range for the tensor's type: a NaN, zero,
// negative or infinite scale, or a zero point the type cannot hold, would dequantize to
// garbage without a word.
void check_quantization(Reader &r, const Tensor &t) {
    const Quantization &q = t.quant;
    for (size_t i = 0; i < q.scale.size(); i++) {
        const float s = q.scale[i];
        if (!std::isfinite(s) || !(s > 0.0f)) {
            char buf[32];
            std::snprintf(buf, sizeof buf, "%g", double(s));
            r.fail("scale" + (q.scale.size() > 1 ? "[" + num(i) + "]" : std::string()) + " " + buf +
                   " is not a finite number > 0");
        }
    }
    int64_t lo = 0, hi = 0;
    zero_point_range(t.type, &lo, &hi);
    for (size_t i = 0; i < q.zero_point.size(); i++) {
        const int64_t z = q.zero_point[i];
        if (z < lo || z > hi)
            r.fail("zero point" + (q.zero_point.size() > 1 ? "[" + num(i) + "]" : std::string()) + " " +
                   std::to_string(z) + " outside [" + std::to_string(lo) + ", " + std::to_string(hi) + "] for " +
                   type_name(t.type));
    }
}

// SubGraph.tensors[i]; `num_buffers` bounds Tensor.buffer.
Tensor tensor(Reader &r, const Table &t, size_t num_buffers) {
    Tensor res;
    {
        Scope c(r, "name");
        res.name = r.str(t, 3);
    }
    Scope cn(r, "'" + printable(res.name) + "'");
    {
        Scope c(r, "shape");
        Vec s = r.vec(t, 0, 4);
        if (s.n > kMaxRank) r.fail("rank " + num(s.n) + " exceeds " + num(kMaxRank));
        res.shape = r.ints(t, 0);
        int64_t elems = 1;
        for (int d : res.shape) {
            if (d < 0 || d > kMaxDim)
                r.fail("dimension " + std::to_string(d) + " outside [0, " + num(kMaxDim) + "]");
            elems *= d;
            if (elems > kMaxElements)
                r.fail("more than " + num(kMaxElements) + " elements");
        }
    }
    res.type = r.f_i8(t, 1, 0);
    if (res.type < 0) r.fail("invalid tensor type " + std::to_string(res.type));
    uint32_t b = r.f_u32(t, 2, 0);
    if (b >= num_buffers)
        r.fail("buffer index " + num(b) + " out of range (" + num(num_buffers) + " buffers)");
    res.buffer = int(b);
    Table q;
    if (r.sub_table(t, 4, &q)) {
        Scope c(r, "quantization");
        res.quant.scale = r.floats(q, 2);
        res.quant.zero_point = r.longs(q, 3);
        res.quant.quantized_dimension = r.f_i32(q, 6, 0);
        const Quantization &qp = res.quant;
        if (qp.zero_point.size() != qp.scale.size())
            r.fail(num(qp.scale.size()) + " scales but " + num(qp.zero_point.size()) + " zero points");
        check_quantization(r, res);
        int rank = int(res.shape.size());
        if (qp.scale.size() > 1) {
            if (qp.quantized_dimension < 0 || qp.quantized_dimension >= rank)
                r.fail("quantized_dimension " + std::to_string(qp.quantized_dimension) +
                       " outside the tensor's rank " + std::to_string(rank));
            if (uint64_t(res.shape[qp.quantized_dimension]) != qp.scale.size())
                r.fail(num(qp.scale.size()) + " per-channel scales for dimension " +
                       std::to_string(qp.quantized_dimension) + " of size " +
                       std::to_string(res.shape[qp.quantized_dimension]));
        }
    }
    return res;
}

// An int vector of tensor indices, each checked (-1, "absent", only for operator inputs).
std::vector<int> tensor_list(Reader &r, const Table &t, int id, size_t num_tensors, bool allow_absent) {
    std::vector<int> res = r.ints(t, id);
    for (int i : res)
        if (i < (allow_absent ? -1 : 0) || i >= int64_t(num_tensors))
            r.fail("tensor index " + std::to_string(i) + " out of range (" + num(num_tensors) + " tensors)");
    return res;
}

// Operator.builtin_options (type field 3, table field 4) of the ops in Op. Required for the
// spatial ops (their defaults would be stride 0); optional for the others.
void options(Reader &r, const Table &t, Operator &o) {
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
    int type = r.f_u8(t, 3, 0);
    Table opt;
    bool have = false;
    if (type == expected) {
        have = r.sub_table(t, 4, &opt);
    } else if (type != kNoOptions) {
        r.fail("builtin_options_type " + std::to_string(type) + ", expected " + std::to_string(expected) +
               " (" + expected_name + ")");
    }
    bool spatial = o.op == Op::Conv2D || o.op == Op::DepthwiseConv2D || o.op == Op::AveragePool2D;
    if (!have) {
        if (spatial) r.fail(std::string("missing ") + expected_name);
        return;
    }
    Scope c(r, expected_name);
    if (spatial) {
        int pad = r.f_i8(opt, 0, 0);
        if (pad != 0 && pad != 1) r.fail("invalid padding " + std::to_string(pad));
        o.padding = pad == 0 ? Padding::Same : Padding::Valid;
        o.stride_w = r.f_i32(opt, 1, 0);
        o.stride_h = r.f_i32(opt, 2, 0);
    }
    int act = 0;
    switch (o.op) {
        case Op::Conv2D:
            act = r.f_i8(opt, 3, 0);
            o.dilation_w = r.f_i32(opt, 4, 1);
            o.dilation_h = r.f_i32(opt, 5, 1);
            break;
        case Op::DepthwiseConv2D:
            // 0 (written by some converters) means 1.
            o.depth_multiplier = r.f_i32(opt, 3, 0);
            if (o.depth_multiplier == 0) o.depth_multiplier = 1;
            act = r.f_i8(opt, 4, 0);
            o.dilation_w = r.f_i32(opt, 5, 1);
            o.dilation_h = r.f_i32(opt, 6, 1);
            break;
        case Op::AveragePool2D:
            o.filter_w = r.f_i32(opt, 3, 0);
            o.filter_h = r.f_i32(opt, 4, 0);
            act = r.f_i8(opt, 5, 0);
            break;
        case Op::Add:
        case Op::Mul: act = r.f_i8(opt, 0, 0); break;
        case Op::Reshape: {
            Scope cs(r, "new_shape");
            if (r.vec(opt, 0, 4).n > kMaxRank) r.fail("rank exceeds " + num(kMaxRank));
            o.new_shape = r.ints(opt, 0);
            break;
        }
        case Op::Softmax: o.beta = r.f_f32(opt, 0, 0.0f); break;
        default: break;
    }
    o.activation = activation_of(act);
    auto check = [&](int v, const char *what) {
        if (v < 1 || v > kMaxDim)
            r.fail(std::string(what) + " " + std::to_string(v) + " outside [1, " + num(kMaxDim) + "]");
    };
    if (spatial) {
        check(o.stride_w, "stride_w");
        check(o.stride_h, "stride_h");
        check(o.dilation_w, "dilation_w_factor");
        check(o.dilation_h, "dilation_h_factor");
    }
    if (o.op == Op::DepthwiseConv2D) check(o.depth_multiplier, "depth_multiplier");
    if (o.op == Op::AveragePool2D) {
        check(o.filter_w, "filter_width");
        check(o.filter_h, "filter_height");
    }
}

// SubGraph.operators[i].
Operator op(Reader &r, const Table &t, const std::vector<OpCode> &codes, size_t num_tensors) {
    Operator o;
    uint32_t index = r.f_u32(t, 0, 0);
    if (index >= codes.size())
        r.fail("opcode_index " + num(index) + " out of range (" + num(codes.size()) + " operator codes)");
    const OpCode &code = codes[index];
    o.builtin_code = code.code;
    o.op_name = builtin_name(code.code);
    if (code.code == 32) o.op_name = "CUSTOM(" + printable(code.custom) + ")";
    o.op = detail::op_of(code.code);
    Scope c(r, o.op_name);
    {
        Scope ci(r, "inputs");
        o.inputs = tensor_list(r, t, 1, num_tensors, true);
    }
    {
        Scope co(r, "outputs");
        o.outputs = tensor_list(r, t, 2, num_tensors, false);
    }
    options(r, t, o);
    return o;
}

// SubGraph 0 (the only one) into m: tensors, graph inputs/outputs, operators.
void subgraph(Reader &r, const Table &sg, const std::vector<OpCode> &codes, size_t num_buffers, Model &m) {
    {
        Vec tv;
        {
            Scope c(r, "tensors");
            tv = r.table_vec(sg, 0, "tensors", sizeof(Tensor));
        }
        m.tensors.reserve(tv.n);
        for (uint32_t i = 0; i < tv.n; i++) {
            Scope c(r, Reader::idx("tensors", i));
            m.tensors.push_back(tensor(r, r.elem_table(tv, i), num_buffers));
        }
    }
    {
        Scope c(r, "inputs");
        m.inputs = tensor_list(r, sg, 1, m.tensors.size(), false);
    }
    {
        Scope c(r, "outputs");
        m.outputs = tensor_list(r, sg, 2, m.tensors.size(), false);
    }
    Vec ov;
    {
        Scope c(r, "operators");
        ov = r.table_vec(sg, 3, "operators", sizeof(Operator));
    }
    m.operators.reserve(ov.n);
    for (uint32_t i = 0; i < ov.n; i++) {
        Scope c(r, Reader::idx("operators", i));
        m.operators.push_back(op(r, r.elem_table(ov, i), codes, m.tensors.size()));
    }
}

Model parse_model(const uint8_t *data, size_t size) {
    Reader r(data, size, "tflite: ");
    if (r.size() < 8) r.fail("file of " + num(r.size()) + " bytes is too small for a TFLite model");
    if (r.size() > kMaxFileBytes) r.fail("file of " + num(r.size()) + " bytes exceeds the 512 MiB limit");
    if (!r.has_identifier("TFL3")) r.fail("not a TFLite model (no \"TFL3\" file identifier at bytes 4..8)");
    uint64_t root_pos = r.root();
    Model m;
    Table root;
    {
        Scope c(r, "model");
        root = r.table_at(root_pos);
        m.version = r.f_u32(root, 0, 0);
        if (m.version != 3) r.fail("schema version " + num(m.version) + ", expected 3");
    }
    std::vector<OpCode> codes = operator_codes(r, root);
    std::vector<std::pair<uint64_t, uint64_t>> spans = buffer_spans(r, root);

    Vec subgraphs;
    {
        Scope c(r, "subgraphs");
        subgraphs = r.vec(root, 2, 4);
    }
    if (subgraphs.n != 1)
        r.fail("the model has " + num(subgraphs.n) + " subgraphs; only single-subgraph models are supported");
    {
        Scope c(r, "subgraphs[0]");
        subgraph(r, r.elem_table(subgraphs, 0), codes, spans.size(), m);
    }
    {
        Scope c(r, "model.description");
        m.description = r.str(root, 3);
    }
    // Everything is validated and charged: copy the data.
    m.buffers.resize(spans.size());
    for (size_t i = 0; i < spans.size(); i++)
        m.buffers[i].assign(data + spans[i].first, data + spans[i].first + spans[i].second);
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

Model parse(const uint8_t *data, size_t size) {
    if (!data && size) throw Error("tflite: null data");
    static const uint8_t empty = 0;
    return parse_model(data ? data : &empty, data ? size : 0);
}

Model read_file(const std::string &path) {
    // A regular file of at most 512 MiB, checked before a byte is read.
    InputFile f(path, "TFLite file", kMaxFileBytes);
    std::vector<uint8_t> data = f.read_all();
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

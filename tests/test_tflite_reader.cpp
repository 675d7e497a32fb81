// The TFLite reader: the two pretrained models (MODELS.md), hand-built flatbuffers, and
// hostile inputs (truncations, byte flips, malformed offsets/vtables/lengths) that must give
// an mnv3::Error and never a crash.
//
// The models are found in $MNV3_MODELS_DIR, else MNV3_DEFAULT_MODELS_DIR (../shared/data/models
// beside the source tree); the test fails if they are missing.
//
// With MNV3_TEST_TFLITE_IMPORT defined (and mnv3_tflite_import linked), also the importer's
// refusals of quantization and operator options it would not honour ("[import]").
//
// Hidden test cases (not run by default):
//   test_tflite_reader "[.write_seeds]"  writes the hand-built models to $MNV3_SEED_DIR
//                                         (the fuzz seeds in tests/fuzz/seeds/tflite);
//   test_tflite_reader "[.dump]"         writes summary() of both models to $MNV3_DUMP_DIR.
#include "mnv3/error.h"
#include "mnv3/tflite.h"
#ifdef MNV3_TEST_TFLITE_IMPORT
#include "mnv3/tflite_import.h"
#endif

#include <catch2/catch.hpp>
#include "test_child.h"

#include <algorithm>
#include <chrono>
#include <csignal>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <map>
#include <memory>
#include <random>
#include <set>
#include <stdexcept>

using namespace mnv3;
namespace tfl = mnv3::tflite;

#ifndef MNV3_DEFAULT_MODELS_DIR
#define MNV3_DEFAULT_MODELS_DIR "../shared/data/models"
#endif

namespace {

// ---------------------------------------------------------------------------------------------
// A minimal flatbuffer writer for test models. It lays objects out front to back: a table's
// vtable, then the table, then the objects its reference fields point to (so every uoffset
// points forward, as the format requires). Scalars are naturally aligned.
namespace fb {

struct Node;
using P = std::shared_ptr<Node>;

struct Field {
    int id = 0;
    int size = 0;  // 1, 2, 4, 8: a scalar; 0: a reference to `child`
    uint64_t bits = 0;
    P child;
};

struct Node {
    enum Kind { Table, Scalars, Offsets, String } kind = Table;
    std::vector<Field> fields;                  // Table
    std::vector<uint8_t> bytes;                 // Scalars / String payload
    uint32_t count = 0;                         // Scalars
    int elem = 1;                               // Scalars element size
    std::vector<P> children;                    // Offsets
    size_t pos = SIZE_MAX;                      // table start / vector length field, once written
    std::map<int, size_t> field_pos;            // Table: where each field was written
};

Field u8(int id, uint8_t v) { return {id, 1, v, nullptr}; }
Field i8(int id, int8_t v) { return {id, 1, uint8_t(v), nullptr}; }
Field i32(int id, int32_t v) { return {id, 4, uint32_t(v), nullptr}; }
Field u32(int id, uint32_t v) { return {id, 4, v, nullptr}; }
Field u64(int id, uint64_t v) { return {id, 8, v, nullptr}; }
Field f32(int id, float v) {
    uint32_t b;
    std::memcpy(&b, &v, 4);
    return {id, 4, b, nullptr};
}
Field ref(int id, P child) { return {id, 0, 0, std::move(child)}; }

P table(std::vector<Field> fields) {
    auto n = std::make_shared<Node>();
    n->kind = Node::Table;
    n->fields = std::move(fields);
    return n;
}
template <typename T>
P vec(const std::vector<T> &v) {
    auto n = std::make_shared<Node>();
    n->kind = Node::Scalars;
    n->elem = int(sizeof(T));
    n->count = uint32_t(v.size());
    for (T x : v) {
        uint64_t b = 0;
        std::memcpy(&b, &x, sizeof(T));
        for (size_t k = 0; k < sizeof(T); k++) n->bytes.push_back(uint8_t(b >> (8 * k)));
    }
    return n;
}
P str(const std::string &s) {
    auto n = std::make_shared<Node>();
    n->kind = Node::String;
    n->bytes.assign(s.begin(), s.end());
    return n;
}
P tables(std::vector<P> children) {
    auto n = std::make_shared<Node>();
    n->kind = Node::Offsets;
    n->children = std::move(children);
    return n;
}

class Builder {
public:
    // Root uoffset, "TFL3", then the objects.
    // Nodes may be edited and written again: positions are recomputed.
    std::vector<uint8_t> finish(const P &root) {
        forget(root);
        buf_ = {0, 0, 0, 0, 'T', 'F', 'L', '3'};
        put(0, write(root), 4);
        return buf_;
    }

private:
    std::vector<uint8_t> buf_;

    static void forget(const P &n) {
        if (n->pos == SIZE_MAX) return;
        n->pos = SIZE_MAX;
        n->field_pos.clear();
        for (const Field &f : n->fields)
            if (f.child) forget(f.child);
        for (const P &c : n->children) forget(c);
    }
    void align(size_t a) {
        while (buf_.size() % a) buf_.push_back(0);
    }
    void put(size_t pos, uint64_t v, int n) {
        for (int i = 0; i < n; i++) buf_[pos + size_t(i)] = uint8_t(v >> (8 * i));
    }
    size_t append(uint64_t v, int n) {
        size_t p = buf_.size();
        buf_.resize(p + size_t(n));
        put(p, v, n);
        return p;
    }
    void link(size_t slot, const P &child) {
        size_t c = write(child);
        if (c <= slot) throw std::logic_error("fb::Builder: a shared node must come after its references");
        put(slot, c - slot, 4);
    }
    size_t write(const P &n) {
        if (n->pos != SIZE_MAX) return n->pos;  // shared node, already written
        switch (n->kind) {
            case Node::Table: {
                int maxid = -1;
                for (const Field &f : n->fields) maxid = std::max(maxid, f.id);
                // Inline layout: biggest fields first, each naturally aligned.
                std::vector<const Field *> order;
                for (const Field &f : n->fields) order.push_back(&f);
                std::stable_sort(order.begin(), order.end(), [](const Field *a, const Field *b) {
                    return (a->size ? a->size : 4) > (b->size ? b->size : 4);
                });
                std::map<const Field *, size_t> off;
                size_t size = 4;
                for (const Field *f : order) {
                    size_t s = f->size ? size_t(f->size) : 4;
                    size = (size + s - 1) / s * s;
                    off[f] = size;
                    size += s;
                }
                align(2);
                size_t vt = buf_.size();
                append(4 + 2 * uint32_t(maxid + 1), 2);
                append(size, 2);
                for (int id = 0; id <= maxid; id++) {
                    size_t o = 0;
                    for (const Field &f : n->fields)
                        if (f.id == id) o = off[&f];
                    append(o, 2);
                }
                align(8);
                size_t t = buf_.size();
                buf_.resize(t + size);
                put(t, uint32_t(int32_t(t - vt)), 4);
                n->pos = t;
                for (const Field &f : n->fields) {
                    n->field_pos[f.id] = t + off[&f];
                    if (f.size) put(t + off[&f], f.bits, f.size);
                }
                for (const Field &f : n->fields)
                    if (!f.size) link(t + off[&f], f.child);
                return t;
            }
            case Node::Scalars: {
                align(4);
                if (n->elem == 8 && buf_.size() % 8 == 0) append(0, 4);  // elements 8-aligned
                size_t p = append(n->count, 4);
                buf_.insert(buf_.end(), n->bytes.begin(), n->bytes.end());
                n->pos = p;
                return p;
            }
            case Node::String: {
                align(4);
                size_t p = append(n->bytes.size(), 4);
                buf_.insert(buf_.end(), n->bytes.begin(), n->bytes.end());
                buf_.push_back(0);
                n->pos = p;
                return p;
            }
            case Node::Offsets: {
                align(4);
                size_t p = append(n->children.size(), 4);
                n->pos = p;
                for (size_t i = 0; i < n->children.size(); i++) append(0, 4);
                for (size_t i = 0; i < n->children.size(); i++) link(p + 4 + 4 * i, n->children[i]);
                return p;
            }
        }
        return 0;
    }
};

}  // namespace fb

// ---------------------------------------------------------------------------------------------
// Hand-built TFLite models.

using fb::P;

struct TSpec {  // a tensor
    std::string name;
    std::vector<int32_t> shape;
    int type = tfl::kUInt8;
    std::vector<uint8_t> data;  // empty: no constant data (buffer 0)
    float scale = 0;            // 0: no quantization table
    int64_t zp = 0;
};

struct OSpec {  // an operator
    int code = 0;
    std::vector<int32_t> in, out;
    uint8_t options_type = 0;
    std::vector<fb::Field> options;  // fields of the options table (if options_type != 0)
};

struct Built {
    P model, subgraph, tensors_vec, ops_vec, buffers_vec, opcodes_vec;
    std::vector<P> tensors, ops, buffers, opcodes;
    std::vector<uint8_t> bytes;
};

template <typename T>
std::vector<uint8_t> le_bytes(const std::vector<T> &v) {
    std::vector<uint8_t> r;
    for (T x : v) {
        uint64_t b = 0;
        std::memcpy(&b, &x, sizeof(T));
        for (size_t k = 0; k < sizeof(T); k++) r.push_back(uint8_t(b >> (8 * k)));
    }
    return r;
}

Built build(const std::vector<TSpec> &ts, const std::vector<OSpec> &os, const std::vector<int32_t> &inputs,
            const std::vector<int32_t> &outputs) {
    Built b;
    b.buffers.push_back(fb::table({}));  // buffer 0: the empty sentinel
    for (const TSpec &t : ts) {
        uint32_t buffer = 0;
        if (!t.data.empty()) {
            buffer = uint32_t(b.buffers.size());
            b.buffers.push_back(fb::table({fb::ref(0, fb::vec(t.data))}));
        }
        std::vector<fb::Field> f = {fb::ref(0, fb::vec(t.shape)), fb::i8(1, int8_t(t.type)),
                                    fb::u32(2, buffer), fb::ref(3, fb::str(t.name))};
        if (t.scale != 0)
            f.push_back(fb::ref(4, fb::table({fb::ref(2, fb::vec(std::vector<float>{t.scale})),
                                              fb::ref(3, fb::vec(std::vector<int64_t>{t.zp}))})));
        b.tensors.push_back(fb::table(f));
    }
    std::vector<int> codes;
    for (const OSpec &o : os) {
        auto it = std::find(codes.begin(), codes.end(), o.code);
        uint32_t index = uint32_t(it - codes.begin());
        if (it == codes.end()) {
            codes.push_back(o.code);
            b.opcodes.push_back(fb::table(
                {fb::i8(0, int8_t(std::min(o.code, 127))), fb::i32(2, 1), fb::i32(3, o.code)}));
        }
        std::vector<fb::Field> f = {fb::u32(0, index), fb::ref(1, fb::vec(o.in)), fb::ref(2, fb::vec(o.out))};
        if (o.options_type) {
            f.push_back(fb::u8(3, o.options_type));
            f.push_back(fb::ref(4, fb::table(o.options)));
        }
        b.ops.push_back(fb::table(f));
    }
    b.tensors_vec = fb::tables(b.tensors);
    b.ops_vec = fb::tables(b.ops);
    b.buffers_vec = fb::tables(b.buffers);
    b.opcodes_vec = fb::tables(b.opcodes);
    b.subgraph = fb::table({fb::ref(0, b.tensors_vec), fb::ref(1, fb::vec(inputs)), fb::ref(2, fb::vec(outputs)),
                            fb::ref(3, b.ops_vec), fb::ref(4, fb::str("main"))});
    b.model = fb::table({fb::u32(0, 3), fb::ref(1, b.opcodes_vec), fb::ref(2, fb::tables({b.subgraph})),
                         fb::ref(3, fb::str("mnv3 hand-built test model")), fb::ref(4, b.buffers_vec)});
    b.bytes = fb::Builder().finish(b.model);
    return b;
}

std::vector<uint8_t> iota_bytes(size_t n, int start = 0) {
    std::vector<uint8_t> r(n);
    for (size_t i = 0; i < n; i++) r[i] = uint8_t(start + int(i) * 7);
    return r;
}

// CONV_2D 1x1 (3 -> 8 channels) then HARD_SWISH.
Built mini_model() {
    std::vector<TSpec> ts = {
        {"input", {1, 4, 4, 3}, tfl::kUInt8, {}, 1.0f / 127, 128},
        {"weights", {8, 1, 1, 3}, tfl::kUInt8, iota_bytes(24), 0.02f, 120},
        {"bias", {8}, tfl::kInt32, le_bytes(std::vector<int32_t>{1, -2, 3, -4, 5, -6, 7, -8}), 0.02f / 127, 0},
        {"conv", {1, 4, 4, 8}, tfl::kUInt8, {}, 0.1f, 10},
        {"hswish", {1, 4, 4, 8}, tfl::kUInt8, {}, 0.05f, 3},
    };
    std::vector<OSpec> os = {
        {3, {0, 1, 2}, {3}, 1, {fb::i8(0, 0), fb::i32(1, 1), fb::i32(2, 1), fb::i8(3, 0)}},
        {117, {3}, {4}, 0, {}},
    };
    return build(ts, os, {0}, {4});
}

// Every op the importer maps: CONV_2D, HARD_SWISH, DEPTHWISE_CONV_2D, AVERAGE_POOL_2D, MUL,
// ADD, RESHAPE, SOFTMAX.
Built all_ops_model() {
    std::vector<TSpec> ts = {
        {"input", {1, 8, 8, 4}, tfl::kUInt8, {}, 1.0f / 127, 128},                            // 0
        {"conv/w", {4, 1, 1, 4}, tfl::kUInt8, iota_bytes(16), 0.01f, 127},                    // 1
        {"conv/b", {4}, tfl::kInt32, le_bytes(std::vector<int32_t>{10, 20, 30, 40}), 0.01f / 127, 0},
        {"conv", {1, 8, 8, 4}, tfl::kUInt8, {}, 0.1f, 100},                                   // 3
        {"hswish", {1, 8, 8, 4}, tfl::kUInt8, {}, 0.05f, 5},                                  // 4
        {"dw/w", {1, 3, 3, 4}, tfl::kUInt8, iota_bytes(36, 3), 0.03f, 130},                   // 5
        {"dw/b", {4}, tfl::kInt32, le_bytes(std::vector<int32_t>{-1, 0, 1, 2}), 0.0015f, 0},  // 6
        {"dw", {1, 4, 4, 4}, tfl::kUInt8, {}, 0.2f, 0},                                       // 7
        {"pool", {1, 1, 1, 4}, tfl::kUInt8, {}, 0.2f, 0},                                     // 8
        {"mul", {1, 4, 4, 4}, tfl::kUInt8, {}, 0.3f, 0},                                      // 9
        {"add", {1, 4, 4, 4}, tfl::kUInt8, {}, 0.4f, 7},                                      // 10
        {"shape", {2}, tfl::kInt32, le_bytes(std::vector<int32_t>{1, 64}), 0, 0},             // 11
        {"reshape", {1, 64}, tfl::kUInt8, {}, 0.4f, 7},                                       // 12
        {"softmax", {1, 64}, tfl::kUInt8, {}, 1.0f / 256, 0},                                 // 13
    };
    std::vector<OSpec> os = {
        {3, {0, 1, 2}, {3}, 1, {fb::i8(0, 0), fb::i32(1, 1), fb::i32(2, 1), fb::i8(3, 0)}},
        {117, {3}, {4}, 0, {}},
        {4, {4, 5, 6}, {7}, 2,
         {fb::i8(0, 0), fb::i32(1, 2), fb::i32(2, 2), fb::i32(3, 1), fb::i8(4, 3), fb::i32(5, 1), fb::i32(6, 1)}},
        {1, {7}, {8}, 5, {fb::i8(0, 1), fb::i32(1, 1), fb::i32(2, 1), fb::i32(3, 4), fb::i32(4, 4), fb::i8(5, 0)}},
        {18, {7, 8}, {9}, 21, {fb::i8(0, 0)}},
        {0, {9, 7}, {10}, 11, {fb::i8(0, 1)}},
        {22, {10, 11}, {12}, 17, {fb::ref(0, fb::vec(std::vector<int32_t>{1, 64}))}},
        {25, {12}, {13}, 9, {fb::f32(0, 1.0f)}},
    };
    return build(ts, os, {0}, {13});
}

void put_le(std::vector<uint8_t> &b, size_t pos, uint64_t v, int n) {
    REQUIRE(pos + size_t(n) <= b.size());
    for (int i = 0; i < n; i++) b[pos + size_t(i)] = uint8_t(v >> (8 * i));
}
uint64_t get_le(const std::vector<uint8_t> &b, size_t pos, int n) {
    uint64_t v = 0;
    for (int i = 0; i < n; i++) v |= uint64_t(b[pos + size_t(i)]) << (8 * i);
    return v;
}

// Parses; returns "" on success or the error message. Anything but mnv3::Error fails the test.
std::string try_parse(const std::vector<uint8_t> &bytes, size_t size = SIZE_MAX) {
    size = std::min(size, bytes.size());
    try {
        tfl::Model m = tfl::parse(bytes.data(), size);
        // The helpers must be safe on whatever parsed (checked on small inputs: on the real
        // models the corruptions that parse are in the weights, and this would dominate).
        if (size > (1 << 20)) return "";
        for (size_t i = 0; i < m.tensors.size(); i++) {
            try {
                (void)tfl::tensor_u8(m, int(i));
            } catch (const Error &) {
            }
            try {
                (void)tfl::tensor_i32(m, int(i));
            } catch (const Error &) {
            }
        }
        (void)tfl::summary(m);
        return "";
    } catch (const Error &e) {
        std::string msg = e.what();
        if (msg.empty() || msg.find('\n') != std::string::npos || msg.rfind("tflite: ", 0) != 0)
            FAIL("badly formed error message: [" << msg << "]");
        return msg;
    } catch (const std::exception &e) {
        FAIL("parse threw a non-mnv3 exception: " << e.what());
    }
    return "?";
}

void expect_error(const std::vector<uint8_t> &bytes, const std::string &substring) {
    std::string msg = try_parse(bytes);
    INFO("error: " << msg);
    REQUIRE(!msg.empty());
    CHECK(msg.find(substring) != std::string::npos);
}

// ---------------------------------------------------------------------------------------------
// The real models.

std::string models_dir() {
    const char *env = std::getenv("MNV3_MODELS_DIR");
    return env && *env ? env : MNV3_DEFAULT_MODELS_DIR;
}

std::vector<uint8_t> load(const std::string &name) {
    std::string path = models_dir() + "/" + name;
    std::ifstream f(path, std::ios::binary);
    if (!f)
        FAIL("pretrained model missing: " << path
                                           << " (set MNV3_MODELS_DIR to the folder holding the .tflite files"
                                              " of shared/data/models/MODELS.md)");
    return std::vector<uint8_t>((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
}

const char *const kSmall = "v3-small_224_1.0_uint8.tflite";
const char *const kLargeMin = "v3-large-minimalistic_224_1.0_uint8.tflite";

bool has_data(const tfl::Model &m, int t) {
    return t >= 0 && !m.buffers[size_t(m.tensors[size_t(t)].buffer)].empty();
}

void check_pretrained(const tfl::Model &m, const std::map<std::string, int> &expected_ops) {
    CHECK(m.version == 3);
    std::map<std::string, int> hist;
    for (const tfl::Operator &o : m.operators) {
        hist[o.op_name]++;
        CHECK(o.op != tfl::Op::Other);
    }
    std::string h;
    for (auto &kv : hist) h += kv.first + "=" + std::to_string(kv.second) + " ";
    INFO("ops: " << h << "; tensors " << m.tensors.size() << ", buffers " << m.buffers.size());
    CHECK(hist == expected_ops);

    REQUIRE(m.inputs.size() == 1);
    const tfl::Tensor &in = m.tensors[size_t(m.inputs[0])];
    CHECK(in.shape == std::vector<int>{1, 224, 224, 3});
    CHECK(in.type == tfl::kUInt8);
    REQUIRE(in.quant.scale.size() == 1);
    REQUIRE(in.quant.zero_point.size() == 1);
    CHECK(in.quant.scale[0] == Approx(1.0 / 127).epsilon(1e-6));
    CHECK(in.quant.zero_point[0] == 128);

    REQUIRE(m.outputs.size() == 1);
    const tfl::Tensor &out = m.tensors[size_t(m.outputs[0])];
    CHECK(out.shape == std::vector<int>{1, 1001});
    CHECK(out.type == tfl::kUInt8);
    REQUIRE(out.quant.scale.size() == 1);
    CHECK(out.quant.scale[0] == 1.0f / 256);
    CHECK(out.quant.zero_point.at(0) == 0);
    CHECK(m.operators.back().op == tfl::Op::Softmax);
    CHECK(m.operators.back().outputs == m.outputs);

    // Execution order: every input is a graph input, a constant, or an earlier op's output.
    std::set<int> ready(m.inputs.begin(), m.inputs.end());
    for (size_t i = 0; i < m.operators.size(); i++) {
        const tfl::Operator &o = m.operators[i];
        for (int t : o.inputs) {
            INFO("op " << i << " " << o.op_name << " input " << t);
            CHECK((t < 0 || ready.count(t) || has_data(m, t)));
        }
        for (int t : o.outputs) ready.insert(t);
    }

    // Every constant has exactly the data its shape asks for; activations are uint8 with
    // per-tensor quantization.
    for (size_t i = 0; i < m.tensors.size(); i++) {
        const tfl::Tensor &t = m.tensors[i];
        INFO("tensor " << i << " " << t.name);
        if (has_data(m, int(i))) {
            if (t.type == tfl::kUInt8)
                CHECK(int64_t(tfl::tensor_u8(m, int(i)).size()) == tfl::num_elements(t));
            else if (t.type == tfl::kInt32)
                CHECK(int64_t(tfl::tensor_i32(m, int(i)).size()) == tfl::num_elements(t));
            else
                FAIL("constant of type " << tfl::type_name(t.type));
        } else {
            CHECK(t.type == tfl::kUInt8);
            CHECK(t.quant.scale.size() == 1);
        }
    }

    // Convolutions: uint8 weights, int32 biases with scale = input scale * weight scale.
    for (size_t i = 0; i < m.operators.size(); i++) {
        const tfl::Operator &o = m.operators[i];
        if (o.op != tfl::Op::Conv2D && o.op != tfl::Op::DepthwiseConv2D) continue;
        INFO("op " << i << " " << o.op_name);
        REQUIRE(o.inputs.size() == 3);
        REQUIRE(o.outputs.size() == 1);
        const tfl::Tensor &x = m.tensors[size_t(o.inputs[0])];
        const tfl::Tensor &w = m.tensors[size_t(o.inputs[1])];
        const tfl::Tensor &b = m.tensors[size_t(o.inputs[2])];
        const tfl::Tensor &y = m.tensors[size_t(o.outputs[0])];
        REQUIRE(x.shape.size() == 4);
        REQUIRE(w.shape.size() == 4);
        REQUIRE(y.shape.size() == 4);
        CHECK(w.type == tfl::kUInt8);
        CHECK(b.type == tfl::kInt32);
        int out_c = o.op == tfl::Op::Conv2D ? w.shape[0] : w.shape[3];
        if (o.op == tfl::Op::Conv2D)
            CHECK(w.shape[3] == x.shape[3]);
        else
            CHECK((w.shape[0] == 1 && w.shape[3] == x.shape[3] * o.depth_multiplier));
        CHECK(y.shape[3] == out_c);
        CHECK(tfl::tensor_u8(m, o.inputs[1]).size() == size_t(tfl::num_elements(w)));
        CHECK(tfl::tensor_i32(m, o.inputs[2]).size() == size_t(out_c));
        REQUIRE(w.quant.scale.size() == 1);
        REQUIRE(b.quant.scale.size() == 1);
        CHECK(b.quant.scale[0] == Approx(double(x.quant.scale[0]) * w.quant.scale[0]).epsilon(1e-4));
        CHECK(o.stride_w == o.stride_h);
        CHECK((o.stride_w == 1 || o.stride_w == 2));
        CHECK(o.dilation_w == 1);
        CHECK(o.padding == tfl::Padding::Same);
        CHECK(o.activation == tfl::Activation::None);  // activations are quantization ranges
    }
}

int count_op(const tfl::Model &m, tfl::Op op) {
    int n = 0;
    for (const tfl::Operator &o : m.operators) n += o.op == op;
    return n;
}

}  // namespace

TEST_CASE("v3-small parses with the structure of the paper's Table 2", "[tflite]") {
    std::vector<uint8_t> bytes = load(kSmall);
    tfl::Model m = tfl::read_file(models_dir() + "/" + kSmall);
    INFO(tfl::summary(m));
    check_pretrained(m, {{"ADD", 15}, {"AVERAGE_POOL_2D", 11}, {"CONV_2D", 43}, {"DEPTHWISE_CONV_2D", 11},
                         {"HARD_SWISH", 19}, {"MUL", 18}, {"RESHAPE", 1}, {"SOFTMAX", 1}});
    CHECK(count_op(m, tfl::Op::DepthwiseConv2D) == 11);  // one per bneck
    CHECK(m.tensors.size() == 247);
    // Parsing from memory gives the same model.
    tfl::Model m2 = tfl::parse(bytes.data(), bytes.size());
    CHECK(m2.buffers == m.buffers);
    CHECK(tfl::summary(m2) == tfl::summary(m));
}

TEST_CASE("v3-large-minimalistic parses: no squeeze-excite, no h-swish", "[tflite]") {
    (void)load(kLargeMin);  // a clear failure if the model is missing
    tfl::Model m = tfl::read_file(models_dir() + "/" + kLargeMin);
    INFO(tfl::summary(m));
    check_pretrained(m, {{"ADD", 10}, {"AVERAGE_POOL_2D", 2}, {"CONV_2D", 33}, {"DEPTHWISE_CONV_2D", 15},
                         {"RESHAPE", 1}, {"SOFTMAX", 1}});
    CHECK(count_op(m, tfl::Op::DepthwiseConv2D) == 15);  // one per bneck
    for (const tfl::Operator &o : m.operators)
        if (o.op == tfl::Op::DepthwiseConv2D) CHECK(m.tensors[size_t(o.inputs[1])].shape[1] == 3);
}

TEST_CASE("read_file errors", "[tflite]") {
    CHECK_THROWS_WITH(tfl::read_file("/nonexistent/model.tflite"), Catch::Contains("cannot open"));
    // The error names the file.
    std::string path = models_dir() + "/MODELS.md";
    if (std::ifstream(path)) CHECK_THROWS_WITH(tfl::read_file(path), Catch::Contains("MODELS.md: tflite: "));
}

TEST_CASE("a hand-built model parses to what was written", "[tflite]") {
    Built b = all_ops_model();
    INFO("bytes: " << b.bytes.size());
    tfl::Model m = tfl::parse(b.bytes.data(), b.bytes.size());
    CHECK(m.version == 3);
    CHECK(m.description == "mnv3 hand-built test model");
    REQUIRE(m.tensors.size() == 14);
    REQUIRE(m.operators.size() == 8);
    CHECK(m.inputs == std::vector<int>{0});
    CHECK(m.outputs == std::vector<int>{13});
    CHECK(m.tensors[0].name == "input");
    CHECK(m.tensors[0].shape == std::vector<int>{1, 8, 8, 4});
    CHECK(m.tensors[0].quant.scale == std::vector<float>{1.0f / 127});
    CHECK(m.tensors[0].quant.zero_point == std::vector<int64_t>{128});
    CHECK(m.tensors[11].quant.scale.empty());
    CHECK(tfl::tensor_u8(m, 5) == iota_bytes(36, 3));
    CHECK(tfl::tensor_i32(m, 2) == std::vector<int32_t>{10, 20, 30, 40});
    CHECK(tfl::tensor_i32(m, 6) == std::vector<int32_t>{-1, 0, 1, 2});

    const std::vector<tfl::Op> ops = {tfl::Op::Conv2D, tfl::Op::HardSwish, tfl::Op::DepthwiseConv2D,
                                      tfl::Op::AveragePool2D, tfl::Op::Mul, tfl::Op::Add,
                                      tfl::Op::Reshape, tfl::Op::Softmax};
    for (size_t i = 0; i < ops.size(); i++) CHECK(m.operators[i].op == ops[i]);
    const tfl::Operator &dw = m.operators[2];
    CHECK(dw.op_name == "DEPTHWISE_CONV_2D");
    CHECK(dw.builtin_code == 4);
    CHECK(dw.inputs == std::vector<int>{4, 5, 6});
    CHECK(dw.outputs == std::vector<int>{7});
    CHECK(dw.stride_w == 2);
    CHECK(dw.stride_h == 2);
    CHECK(dw.depth_multiplier == 1);
    CHECK(dw.activation == tfl::Activation::Relu6);
    const tfl::Operator &pool = m.operators[3];
    CHECK(pool.padding == tfl::Padding::Valid);
    CHECK(pool.filter_w == 4);
    CHECK(pool.filter_h == 4);
    CHECK(m.operators[5].activation == tfl::Activation::Relu);
    CHECK(m.operators[6].new_shape == std::vector<int>{1, 64});
    CHECK(m.operators[7].beta == 1.0f);
    CHECK(m.operators[1].op_name == "HARD_SWISH");
    CHECK(m.operators[1].builtin_code == 117);
}

TEST_CASE("tensor_u8 / tensor_i32 check index, type and size", "[tflite]") {
    Built b = mini_model();
    tfl::Model m = tfl::parse(b.bytes.data(), b.bytes.size());
    CHECK(tfl::tensor_u8(m, 1).size() == 24);
    CHECK_THROWS_WITH(tfl::tensor_u8(m, 5), Catch::Contains("out of range"));
    CHECK_THROWS_WITH(tfl::tensor_u8(m, -1), Catch::Contains("out of range"));
    CHECK_THROWS_WITH(tfl::tensor_u8(m, 2), Catch::Contains("expected UINT8"));
    CHECK_THROWS_WITH(tfl::tensor_i32(m, 1), Catch::Contains("expected INT32"));
    CHECK_THROWS_WITH(tfl::tensor_u8(m, 0), Catch::Contains("no constant data"));
    m.tensors[1].shape = {8, 1, 1, 4};
    CHECK_THROWS_WITH(tfl::tensor_u8(m, 1), Catch::Contains("24 bytes of data, expected 32"));
    m.tensors[1].shape = {-8, 1, 1, 3};
    CHECK_THROWS_WITH(tfl::tensor_u8(m, 1), Catch::Contains("invalid dimension"));
}

TEST_CASE("malformed flatbuffers give clear errors", "[tflite]") {
    const Built good = mini_model();
    REQUIRE(try_parse(good.bytes).empty());
    auto fpos = [](const P &node, int id) {
        REQUIRE(node->field_pos.count(id));
        return node->field_pos.at(id);
    };
    auto patched = [&](size_t pos, uint64_t v, int n) {
        std::vector<uint8_t> b = good.bytes;
        put_le(b, pos, v, n);
        return b;
    };

    SECTION("empty and tiny inputs") {
        CHECK_THROWS_WITH(tfl::parse(nullptr, 0), Catch::Contains("too small"));
        CHECK_THROWS_AS(tfl::parse(nullptr, 5), Error);
        expect_error({}, "too small");
        expect_error({1, 2, 3}, "too small");
        expect_error(std::vector<uint8_t>(8, 0), "TFL3");
        expect_error({8, 0, 0, 0, 'T', 'F', 'L', '3'}, "root table offset 8 outside");
    }
    SECTION("file identifier and root offset") {
        std::vector<uint8_t> b = good.bytes;
        b[7] = '2';
        expect_error(b, "no \"TFL3\" file identifier");
        expect_error(patched(0, 0xfffffff0u, 4), "root table offset 4294967280 outside the file");
        expect_error(patched(0, 4, 4), "root table offset 4");
    }
    SECTION("huge vector lengths") {
        expect_error(patched(good.tensors_vec->pos, 0xffffffffu, 4),
                     "subgraphs[0].tensors: vector of 4294967295 elements (17179869180 bytes)");
        expect_error(patched(good.buffers_vec->pos, 0x40000000u, 4), "buffers: vector of 1073741824 elements");
        // The weights' data vector: 1 byte elements.
        P w = good.buffers[1]->fields[0].child;
        expect_error(patched(w->pos, 0x7fffffffu, 4), "runs past the end of the file");
        // A shape vector of rank 9 (the bytes after it are there, but the rank is bounded).
        P shape = good.tensors[0]->fields[0].child;
        expect_error(patched(shape->pos, 9, 4), "'input'.shape: rank 9 exceeds 8");
    }
    SECTION("negative, huge, zero offsets") {
        size_t slot = good.tensors_vec->pos + 4;  // tensors[0]
        expect_error(patched(slot, 0x80000000u, 4), "invalid offset 2147483648");
        expect_error(patched(slot, 0xfffffffcu, 4), "invalid offset 4294967292");
        expect_error(patched(slot, 0x7ffffff0u, 4), "points past the end of the file");
        expect_error(patched(slot, 0, 4), "invalid offset 0");
        expect_error(patched(fpos(good.model, 2), uint32_t(good.bytes.size() - fpos(good.model, 2)), 4),
                     "points past the end of the file");
    }
    SECTION("vtables outside the file or malformed") {
        size_t t = good.subgraph->pos;
        // soffset to a vtable beyond the end of the file (vtable = table - soffset).
        expect_error(patched(t, uint32_t(-int32_t(good.bytes.size())), 4), "lies outside the file");
        // ... and before its start.
        expect_error(patched(t, uint32_t(t + 16), 4), "lies outside the file");
        expect_error(patched(t, 0x80000000u, 4), "lies outside the file");
        size_t vt = t - size_t(int32_t(get_le(good.bytes, t, 4)));
        expect_error(patched(vt, 3, 2), "invalid size 3");
        expect_error(patched(vt, 0, 2), "invalid size 0");
        expect_error(patched(vt, 0xfffe, 2), "runs past the end of the file");
        expect_error(patched(vt + 2, 0, 2), "has an invalid size 0");
        expect_error(patched(vt + 2, 0xffff, 2), "runs past the end of the file");
        // Table size too small for the fields the vtable names.
        expect_error(patched(vt + 2, 8, 2), "lies outside its table");
        // A field offset beyond the table.
        expect_error(patched(vt + 4, 0x7000, 2), "lies outside its table");
        expect_error(patched(vt + 4, 2, 2), "lies outside its table");  // overlaps the soffset
    }
    SECTION("strings") {
        P name = good.tensors[0]->fields[3].child;  // "input"
        std::vector<uint8_t> b = good.bytes;
        b[name->pos + 4 + 5] = 'x';  // overwrite the NUL
        expect_error(b, "is not NUL-terminated");
        expect_error(patched(name->pos, 0x10000000u, 4), "runs past the end of the file");
    }
    SECTION("cross-references") {
        expect_error(patched(fpos(good.ops[0], 0), 7, 4), "opcode_index 7 out of range (2 operator codes)");
        P in = good.ops[0]->fields[1].child;
        expect_error(patched(in->pos + 4, 99, 4), "operators[0].CONV_2D.inputs: tensor index 99 out of range (5 tensors)");
        expect_error(patched(in->pos + 8, uint32_t(-2), 4), "tensor index -2 out of range");
        // -1 (optional input absent) is allowed in operator inputs ...
        CHECK(try_parse(patched(in->pos + 12, uint32_t(-1), 4)).empty());
        // ... but not in outputs or graph inputs/outputs.
        P out = good.ops[0]->fields[2].child;
        expect_error(patched(out->pos + 4, uint32_t(-1), 4), "outputs: tensor index -1 out of range");
        P gin = good.subgraph->fields[1].child;
        expect_error(patched(gin->pos + 4, 5, 4), "subgraphs[0].inputs: tensor index 5 out of range");
        expect_error(patched(fpos(good.tensors[1], 2), 3, 4), "buffer index 3 out of range (3 buffers)");
    }
    SECTION("model level") {
        expect_error(patched(fpos(good.model, 0), 2, 4), "schema version 2, expected 3");
        P subgraphs = good.model->fields[2].child;
        expect_error(patched(subgraphs->pos, 0, 4), "the model has 0 subgraphs");
        // Two subgraphs: the second slot would be read from the next bytes; count is what matters.
        expect_error(patched(subgraphs->pos, 2, 4), "2 subgraphs");
    }
    SECTION("shapes and quantization") {
        P shape = good.tensors[0]->fields[0].child;
        expect_error(patched(shape->pos + 4, uint32_t(-1), 4), "'input'.shape: dimension -1 outside [0, 1048576]");
        expect_error(patched(shape->pos + 4, (1u << 20) + 1, 4), "dimension 1048577");
        std::vector<uint8_t> b = good.bytes;
        put_le(b, shape->pos + 8, 1u << 20, 4);
        put_le(b, shape->pos + 12, 1u << 20, 4);
        expect_error(b, "more than 268435456 elements");
        P quant = good.tensors[0]->fields[4].child;
        P zps = quant->fields[1].child;
        expect_error(patched(zps->pos, 0, 4), "1 scales but 0 zero points");
        expect_error(patched(fpos(good.tensors[0], 1), 0xf0, 1), "invalid tensor type -16");
    }
    SECTION("operator options") {
        // CONV_2D with the wrong options type, missing options, or invalid values.
        expect_error(patched(fpos(good.ops[0], 3), 5, 1), "builtin_options_type 5, expected 1 (Conv2DOptions)");
        expect_error(patched(fpos(good.ops[0], 3), 0, 1), "missing Conv2DOptions");
        P opts = good.ops[0]->fields[4].child;
        expect_error(patched(fpos(opts, 1), 0, 4), "Conv2DOptions: stride_w 0 outside [1, 1048576]");
        expect_error(patched(fpos(opts, 2), uint32_t(-3), 4), "stride_h -3");
        expect_error(patched(fpos(opts, 0), 2, 1), "invalid padding 2");
        // An unknown activation is reported as Other, not rejected.
        tfl::Model m;
        std::vector<uint8_t> b = patched(fpos(opts, 3), 9, 1);
        REQUIRE(try_parse(b).empty());
        m = tfl::parse(b.data(), b.size());
        CHECK(m.operators[0].activation == tfl::Activation::Other);
        // A builtin code outside the names known here, and a CUSTOM op.
        std::vector<uint8_t> c = patched(fpos(good.opcodes[1], 3), 400, 4);
        m = tfl::parse(c.data(), c.size());
        CHECK(m.operators[1].op == tfl::Op::Other);
        CHECK(m.operators[1].builtin_code == 400);
        c = patched(fpos(good.opcodes[1], 3), uint32_t(-5), 4);
        put_le(c, fpos(good.opcodes[1], 0), 0xfb, 1);
        expect_error(c, "negative builtin code -5");
    }
}

TEST_CASE("external buffer data (Buffer.offset / size) is bounds-checked", "[tflite]") {
    // The weights' Buffer gets offset/size fields pointing at bytes elsewhere in the file.
    Built c = mini_model();
    c.buffers[1]->fields = {fb::u64(1, 16), fb::u64(2, 24)};
    c.bytes = fb::Builder().finish(c.model);
    tfl::Model m = tfl::parse(c.bytes.data(), c.bytes.size());
    CHECK(m.buffers[1] == std::vector<uint8_t>(c.bytes.begin() + 16, c.bytes.begin() + 40));
    CHECK(tfl::tensor_u8(m, 1).size() == 24);

    Built d = mini_model();
    d.buffers[1]->fields = {fb::u64(1, 16), fb::u64(2, ~0ull - 8)};
    d.bytes = fb::Builder().finish(d.model);
    expect_error(d.bytes, "buffers[1]: external data (offset 16, 18446744073709551607 bytes) lies outside the file");
    Built e = mini_model();
    e.buffers[1]->fields = {fb::u64(1, ~0ull), fb::u64(2, 2)};
    e.bytes = fb::Builder().finish(e.model);
    expect_error(e.bytes, "lies outside the file");
    Built f = mini_model();
    f.buffers[1]->fields.push_back(fb::u64(1, 16));
    f.buffers[1]->fields.push_back(fb::u64(2, 24));
    f.bytes = fb::Builder().finish(f.model);
    expect_error(f.bytes, "both inline data and an external offset");
}

TEST_CASE("shared references cannot expand the model without bound", "[tflite]") {
    // 3000 tensors all pointing at one tensor table that holds 60000 per-channel scales and
    // zero points: a 700 KB file that would decode to 2 GB.
    const int channels = 60000;
    auto shared_model = [&](size_t refs) {
        std::vector<float> scales(channels, 0.5f);
        std::vector<int64_t> zps(channels, 0);
        P big = fb::table({fb::ref(0, fb::vec(std::vector<int32_t>{channels})), fb::i8(1, tfl::kUInt8),
                           fb::u32(2, 0), fb::ref(3, fb::str("big")),
                           fb::ref(4, fb::table({fb::ref(2, fb::vec(scales)), fb::ref(3, fb::vec(zps)),
                                                 fb::i32(6, 0)}))});
        P sg = fb::table({fb::ref(0, fb::tables(std::vector<P>(refs, big))),
                          fb::ref(1, fb::vec(std::vector<int32_t>{0})), fb::ref(2, fb::vec(std::vector<int32_t>{0})),
                          fb::ref(3, fb::tables({}))});
        P model = fb::table({fb::u32(0, 3), fb::ref(1, fb::tables({})), fb::ref(2, fb::tables({sg})),
                             fb::ref(4, fb::tables({fb::table({})}))});
        return fb::Builder().finish(model);
    };
    std::vector<uint8_t> bytes = shared_model(3000);
    INFO("file bytes: " << bytes.size());
    expect_error(bytes, "would take the decoded model past");

    // The same with 10 references decodes fine.
    std::vector<uint8_t> bytes2 = shared_model(10);
    tfl::Model m = tfl::parse(bytes2.data(), bytes2.size());
    CHECK(m.tensors.size() == 10);
    CHECK(m.tensors[9].quant.scale.size() == size_t(channels));
}

TEST_CASE("hand-built model: every truncation and every bit flip", "[tflite][hostile]") {
    const Built b = all_ops_model();
    const std::vector<uint8_t> &good = b.bytes;
    for (size_t n = 0; n < good.size(); n++) {
        INFO("truncated to " << n);
        CHECK(!try_parse(good, n).empty());
    }
    int parsed = 0, rejected = 0;
    const uint8_t masks[] = {1, 2, 4, 8, 16, 32, 64, 128, 0xff};
    for (size_t pos = 0; pos < good.size(); pos++) {
        for (uint8_t mask : masks) {
            std::vector<uint8_t> bad = good;
            bad[pos] ^= mask;
            (try_parse(bad).empty() ? parsed : rejected)++;
        }
    }
    INFO(good.size() << " bytes: " << parsed << " flips parsed, " << rejected << " rejected");
    CHECK(rejected > 0);
}

TEST_CASE("v3-small: truncations, byte flips and corruptions never crash", "[tflite][hostile]") {
    const std::vector<uint8_t> good = load(kSmall);
    REQUIRE(good.size() > 100000);
    // Truncated at each of the first 4096 lengths, then every 997 bytes.
    int truncated_parsed = 0;
    for (size_t n = 0; n < good.size(); n += n < 4096 ? 1 : 997) {
        INFO("truncated to " << n);
        truncated_parsed += try_parse(good, n).empty();
    }
    CHECK(truncated_parsed == 0);

    // The model's structure (tables, vectors, strings) lies in its first ~5 KB and last ~9 KB;
    // the rest is weights. Half the corruptions go there, half anywhere.
    std::mt19937 rng(20240601);
    auto position = [&](int i) -> size_t {
        if (i % 2) return size_t(rng() % good.size());
        size_t k = rng() % (8192 + 16384);
        return k < 8192 ? k : good.size() - 16384 + (k - 8192);
    };
    int flips_parsed = 0, flips_rejected = 0;
    std::vector<uint8_t> bad = good;
    for (int i = 0; i < 2000; i++) {
        size_t pos = position(i);
        uint8_t mask = uint8_t(1 + rng() % 255);
        bad[pos] ^= mask;
        (try_parse(bad).empty() ? flips_parsed : flips_rejected)++;
        bad[pos] ^= mask;
    }
    int multi_parsed = 0, multi_rejected = 0;
    const uint8_t special[] = {0x00, 0xff, 0x7f, 0x80, 0xfe, 0x01};
    for (int i = 0; i < 200; i++) {
        size_t pos = position(i);
        size_t len = std::min<size_t>(2 + rng() % 15, good.size() - pos);
        for (size_t k = 0; k < len; k++)
            bad[pos + k] = rng() % 3 ? uint8_t(rng()) : special[rng() % sizeof(special)];
        (try_parse(bad).empty() ? multi_parsed : multi_rejected)++;
        std::copy(good.begin() + long(pos), good.begin() + long(pos + len), bad.begin() + long(pos));
    }
    INFO("single-byte flips: " << flips_parsed << " parsed, " << flips_rejected << " rejected; multi-byte: "
                               << multi_parsed << " parsed, " << multi_rejected << " rejected");
    CHECK(flips_rejected > 100);
    CHECK(multi_rejected > 20);
    CHECK(bad == good);
}

namespace {

// read_file's error message ("" if it parsed). Anything but mnv3::Error fails the test.
std::string read_error(const std::string &path) {
    try {
        (void)tfl::read_file(path);
        return "";
    } catch (const Error &e) {
        const std::string msg = e.what();
        CHECK(msg.find('\n') == std::string::npos);
        return msg;
    }
}


std::string temp_dir() {
    const char *t = std::getenv("TMPDIR");
    std::string d = std::string(t && *t ? t : "/tmp") + "/mnv3-tflite-reader-" + std::to_string(::getpid());
    ::mkdir(d.c_str(), 0755);
    return d;
}

void write_bytes(const std::string &path, const std::vector<uint8_t> &b) {
    std::ofstream f(path, std::ios::binary);
    f.write(reinterpret_cast<const char *>(b.data()), std::streamsize(b.size()));
    REQUIRE(f.good());
}

// mini_model with tensor i's quantization replaced by (scales, zero points, dimension).
std::vector<uint8_t> with_quant(size_t i, std::vector<float> scales, std::vector<int64_t> zps, int dim = 0) {
    Built b = mini_model();
    std::vector<fb::Field> &f = b.tensors[i]->fields;
    f.erase(std::remove_if(f.begin(), f.end(), [](const fb::Field &x) { return x.id == 4; }), f.end());
    f.push_back(fb::ref(4, fb::table({fb::ref(2, fb::vec(scales)), fb::ref(3, fb::vec(zps)), fb::i32(6, dim)})));
    return fb::Builder().finish(b.model);
}

}  // namespace

TEST_CASE("read_file refuses what is not a regular file of at most 512 MiB, before reading", "[tflite][hostile]") {
    const std::string dir = temp_dir();
    SECTION("a directory named x.tflite") {
        const std::string d = dir + "/x.tflite";
        ::mkdir(d.c_str(), 0755);
        CHECK_THAT(read_error(d), Catch::Contains("TFLite file '" + d + "': a directory, not a regular file"));
    }
    SECTION("a device") {
        CHECK_THAT(read_error("/dev/urandom"), Catch::Contains("'/dev/urandom': a device, not a regular file"));
        CHECK_THAT(read_error("/dev/null"), Catch::Contains("a device, not a regular file"));
    }
    SECTION("a sparse 2 GB file: refused by its size, at once") {
        const std::string big = dir + "/big.tflite";
        write_bytes(big, mini_model().bytes);
        REQUIRE(::truncate(big.c_str(), off_t(2) << 30) == 0);
        const auto t0 = std::chrono::steady_clock::now();
        CHECK_THAT(read_error(big), Catch::Contains("file of 2147483648 bytes exceeds the 512 MiB limit"));
        CHECK(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count() < 1.0);
        ::unlink(big.c_str());
    }
    SECTION("a FIFO with no writer: an error, not a wait") {
        const std::string fifo = dir + "/fifo.tflite";
        ::unlink(fifo.c_str());
        REQUIRE(::mkfifo(fifo.c_str(), 0644) == 0);
        const int rc = in_child_with_alarm(
            [&] { return read_error(fifo).find("a FIFO, not a regular file") != std::string::npos; });
        CHECK(rc == 0);  // 142: it blocked
        ::unlink(fifo.c_str());
    }
    SECTION("a FIFO fed endless bytes: an error, not unbounded memory") {
        const std::string fifo = dir + "/endless.tflite";
        ::unlink(fifo.c_str());
        REQUIRE(::mkfifo(fifo.c_str(), 0644) == 0);
        std::fflush(nullptr);
        const pid_t writer = fork();
        REQUIRE(writer >= 0);
        if (writer == 0) {  // blocks in open until a reader opens the FIFO (none should)
            const int fd = ::open(fifo.c_str(), O_WRONLY);
            static char junk[1 << 16];
            std::memcpy(junk + 4, "TFL3", 4);
            while (fd >= 0 && ::write(fd, junk, sizeof junk) > 0) {
            }
            _exit(0);
        }
        const int rc = in_child_with_alarm(
            [&] { return read_error(fifo).find("a FIFO, not a regular file") != std::string::npos; });
        CHECK(rc == 0);
        ::kill(writer, SIGKILL);
        ::waitpid(writer, nullptr, 0);
        ::unlink(fifo.c_str());
    }
    SECTION("an empty file and a good one") {
        const std::string empty = dir + "/empty.tflite";
        write_bytes(empty, {});
        CHECK_THAT(read_error(empty), Catch::Contains(empty + ": tflite: file of 0 bytes is too small"));
        const std::string good = dir + "/good.tflite";
        write_bytes(good, all_ops_model().bytes);
        CHECK(read_error(good).empty());
        CHECK(tfl::read_file(good).operators.size() == 8);
    }
}

TEST_CASE("quantization parameters are checked: finite scales > 0, zero points in range", "[tflite]") {
    const float nan = std::nanf(""), inf = INFINITY;
    // Tensor 0 is the UINT8 input, 1 the UINT8 weights [8][1][1][3], 2 the INT32 bias [8].
    REQUIRE(try_parse(with_quant(0, {1.0f / 127}, {128})).empty());
    for (float bad : {nan, 0.0f, -0.0f, -1.0f / 127, inf, -inf}) {
        INFO("input scale " << bad);
        expect_error(with_quant(0, {bad}, {128}), "'input'.quantization: scale ");
        expect_error(with_quant(0, {bad}, {128}), " is not a finite number > 0");
    }
    expect_error(with_quant(0, {nan}, {128}), "scale nan is not a finite number > 0");
    expect_error(with_quant(0, {0.0f}, {128}), "scale 0 is not a finite number > 0");
    expect_error(with_quant(0, {-0.5f}, {128}), "scale -0.5 is not a finite number > 0");
    // Every scale NaN (the model that printed "nan% great white shark").
    {
        Built b = mini_model();
        for (const P &t : b.tensors)
            for (fb::Field &f : t->fields)
                if (f.id == 4) f.child->fields[0] = fb::ref(2, fb::vec(std::vector<float>{nan}));
        expect_error(fb::Builder().finish(b.model), "scale nan is not a finite number > 0");
    }
    // Zero points: UINT8 0..255, INT8 -128..127, INT32 0.
    REQUIRE(try_parse(with_quant(0, {0.1f}, {0})).empty());
    REQUIRE(try_parse(with_quant(0, {0.1f}, {255})).empty());
    expect_error(with_quant(0, {0.1f}, {256}), "zero point 256 outside [0, 255] for UINT8");
    expect_error(with_quant(0, {0.1f}, {-1}), "zero point -1 outside [0, 255] for UINT8");
    expect_error(with_quant(0, {0.1f}, {int64_t(1) << 62}), "zero point 4611686018427387904 outside [0, 255]");
    expect_error(with_quant(0, {0.1f}, {INT64_MIN}), "zero point -9223372036854775808 outside");
    expect_error(with_quant(2, {0.001f}, {1}), "'bias'.quantization: zero point 1 outside [0, 0] for INT32");
    {
        Built b = mini_model();
        b.tensors[0]->fields[1] = fb::i8(1, tfl::kInt8);
        b.tensors[0]->fields[4] = fb::ref(4, fb::table({fb::ref(2, fb::vec(std::vector<float>{0.1f})),
                                                        fb::ref(3, fb::vec(std::vector<int64_t>{128}))}));
        expect_error(fb::Builder().finish(b.model), "zero point 128 outside [-128, 127] for INT8");
        b.tensors[0]->fields[4] = fb::ref(4, fb::table({fb::ref(2, fb::vec(std::vector<float>{0.1f})),
                                                        fb::ref(3, fb::vec(std::vector<int64_t>{-128}))}));
        CHECK(try_parse(fb::Builder().finish(b.model)).empty());
    }
    // Per channel: one (scale, zero point) per index of the quantized dimension, each checked.
    const std::vector<float> s8(8, 0.02f);
    const std::vector<int64_t> z8(8, 120);
    REQUIRE(try_parse(with_quant(1, s8, z8, 0)).empty());
    expect_error(with_quant(1, std::vector<float>(7, 0.02f), std::vector<int64_t>(7, 120), 0),
                 "7 per-channel scales for dimension 0 of size 8");
    expect_error(with_quant(1, s8, std::vector<int64_t>(7, 120), 0), "8 scales but 7 zero points");
    expect_error(with_quant(1, s8, z8, 3), "8 per-channel scales for dimension 3 of size 3");
    expect_error(with_quant(1, s8, z8, 4), "quantized_dimension 4 outside the tensor's rank 4");
    expect_error(with_quant(1, s8, z8, -1), "quantized_dimension -1 outside");
    std::vector<float> s8bad = s8;
    s8bad[5] = nan;
    expect_error(with_quant(1, s8bad, z8, 0), "'weights'.quantization: scale[5] nan is not a finite number > 0");
    std::vector<int64_t> z8bad = z8;
    z8bad[7] = 300;
    expect_error(with_quant(1, s8, z8bad, 0), "zero point[7] 300 outside [0, 255] for UINT8");
    // Both pretrained models pass (their parameters are all valid).
    for (const char *name : {kSmall, kLargeMin}) {
        const tfl::Model m = tfl::read_file(models_dir() + "/" + name);
        for (const tfl::Tensor &t : m.tensors)
            for (float sc : t.quant.scale) CHECK((std::isfinite(sc) && sc > 0));
    }
}

TEST_CASE("depth_multiplier: 0 reads as 1, below 0 is an error", "[tflite]") {
    const Built good = all_ops_model();
    P opts = good.ops[2]->fields[4].child;  // the DEPTHWISE_CONV_2D's options
    REQUIRE(opts->field_pos.count(3));
    auto with_dm = [&](int32_t dm) {
        std::vector<uint8_t> b = good.bytes;
        put_le(b, opts->field_pos.at(3), uint32_t(dm), 4);
        return b;
    };
    std::vector<uint8_t> b0 = with_dm(0);
    CHECK(tfl::parse(b0.data(), b0.size()).operators[2].depth_multiplier == 1);
    std::vector<uint8_t> b2 = with_dm(2);
    CHECK(tfl::parse(b2.data(), b2.size()).operators[2].depth_multiplier == 2);  // the importer refuses it
    expect_error(with_dm(-1), "DepthwiseConv2DOptions: depth_multiplier -1 outside [1, 1048576]");
}

#ifdef MNV3_TEST_TFLITE_IMPORT
// The importer (mnv3_tflite_import; built when this test links it and defines
// MNV3_TEST_TFLITE_IMPORT): v3-small parsed, then one thing changed in the Model, must fail
// with a clear error rather than import something the layers would compute differently.
namespace {

std::string import_error(const tfl::Model &m) {
    try {
        (void)mnv3::import_tflite(m);
        return "";
    } catch (const Error &e) {
        const std::string msg = e.what();
        CHECK(msg.find('\n') == std::string::npos);
        return msg;
    }
}

// Index of the k-th operator `op` (k < 0: counted from the end).
size_t nth_op(const tfl::Model &m, tfl::Op op, int k) {
    std::vector<size_t> at;
    for (size_t i = 0; i < m.operators.size(); i++)
        if (m.operators[i].op == op) at.push_back(i);
    REQUIRE(!at.empty());
    return k >= 0 ? at.at(size_t(k)) : at.at(at.size() - size_t(-k));
}

}  // namespace

TEST_CASE("the importer refuses quantization and options it would not honour", "[tflite][import]") {
    const tfl::Model good = tfl::read_file(models_dir() + "/" + kSmall);
    REQUIRE(import_error(good).empty());
    const int input = good.inputs[0];
    auto changed = [&](auto edit) {
        tfl::Model m = good;
        edit(m);
        return import_error(m);
    };
    SECTION("input scale NaN, 0, negative; zero point 2^62") {
        for (float bad : {std::nanf(""), 0.0f, -1.0f / 127, float(INFINITY)}) {
            INFO("input scale " << bad);
            CHECK_THAT(changed([&](tfl::Model &m) { m.tensors[size_t(input)].quant.scale[0] = bad; }),
                       Catch::Contains("input scale ") && Catch::Contains(" is not a finite number > 0"));
        }
        CHECK_THAT(changed([&](tfl::Model &m) { m.tensors[size_t(input)].quant.zero_point[0] = int64_t(1) << 62; }),
                   Catch::Contains("input zero point 4611686018427387904 outside [0, 255]"));
    }
    SECTION("every scale NaN") {
        const std::string msg = changed([](tfl::Model &m) {
            for (tfl::Tensor &t : m.tensors)
                for (float &sc : t.quant.scale) sc = std::nanf("");
        });
        CHECK(!msg.empty());
    }
    SECTION("a weight scale so large the weights are not finite") {
        CHECK_THAT(changed([](tfl::Model &m) {
                       const tfl::Operator &stem = m.operators[nth_op(m, tfl::Op::Conv2D, 0)];
                       m.tensors[size_t(stem.inputs[1])].quant.scale[0] = 3e38f;
                   }),
                   Catch::Contains("a dequantized weight is not finite"));
    }
    SECTION("depth_multiplier 2") {
        CHECK_THAT(changed([](tfl::Model &m) { m.operators[nth_op(m, tfl::Op::DepthwiseConv2D, 0)].depth_multiplier = 2; }),
                   Catch::Contains("depthwise: depth_multiplier 2 is not supported (only 1)"));
    }
    SECTION("VALID padding on a 3x3 depthwise, stride 2 on the classifier") {
        CHECK_THAT(changed([](tfl::Model &m) {
                       m.operators[nth_op(m, tfl::Op::DepthwiseConv2D, 0)].padding = tfl::Padding::Valid;
                   }),
                   Catch::Contains("VALID padding is not supported"));
        CHECK_THAT(changed([](tfl::Model &m) {
                       tfl::Operator &fc = m.operators[nth_op(m, tfl::Op::Conv2D, -1)];
                       fc.stride_w = fc.stride_h = 2;
                   }),
                   Catch::Contains("the classifier 1x1 convolution: stride 2, the model needs 1"));
    }
    SECTION("fused activations the layers do not apply") {
        CHECK_THAT(changed([](tfl::Model &m) {
                       m.operators[nth_op(m, tfl::Op::Conv2D, -1)].activation = tfl::Activation::Relu6;
                   }),
                   Catch::Contains("fused activation RELU6 (CONV_2D) is not supported"));
        CHECK_THAT(changed([](tfl::Model &m) {
                       m.operators[nth_op(m, tfl::Op::Add, -1)].activation = tfl::Activation::Relu;
                   }),
                   Catch::Contains("fused activation RELU (ADD) is not supported"));
        CHECK_THAT(changed([](tfl::Model &m) {
                       m.operators[nth_op(m, tfl::Op::AveragePool2D, -1)].activation = tfl::Activation::Tanh;
                   }),
                   Catch::Contains("(AVERAGE_POOL_2D) is not supported"));
        CHECK_THAT(changed([](tfl::Model &m) {
                       m.operators[nth_op(m, tfl::Op::Mul, 0)].activation = tfl::Activation::Tanh;
                   }),
                   Catch::Contains("fused activation TANH (MUL) is not supported"));
        // RELU6 on the hard sigmoid's MUL, whose output range is [0, 1], changes nothing.
        CHECK(changed([](tfl::Model &m) {
                  m.operators[nth_op(m, tfl::Op::Mul, 0)].activation = tfl::Activation::Relu6;
              }).empty());
        // One the output's quantization range already implies is accepted: RELU on a conv
        // whose output range starts at 0.
        tfl::Model m = good;
        bool found = false;
        for (tfl::Operator &o : m.operators) {
            if (o.op != tfl::Op::Conv2D || o.outputs.empty()) continue;
            const tfl::Tensor &y = m.tensors[size_t(o.outputs[0])];
            if (y.quant.zero_point.size() == 1 && y.quant.zero_point[0] == 0) {
                o.activation = tfl::Activation::Relu;
                found = true;
                break;
            }
        }
        if (found) CHECK(import_error(m).empty());
    }
    SECTION("a pool that is not global, softmax beta 2") {
        CHECK_THAT(changed([](tfl::Model &m) {
                       tfl::Operator &p = m.operators[nth_op(m, tfl::Op::AveragePool2D, 0)];
                       p.filter_w = p.filter_h = 3;
                   }),
                   Catch::Contains("not a global average pool of its input"));
        CHECK_THAT(changed([](tfl::Model &m) { m.operators[nth_op(m, tfl::Op::Softmax, 0)].beta = 2.0f; }),
                   Catch::Contains("softmax with beta 2.000000 (only beta 1 is supported)"));
    }
}
#endif

TEST_CASE("write the hand-built models as fuzz seeds", "[.write_seeds]") {
    const char *dir = std::getenv("MNV3_SEED_DIR");
    REQUIRE(dir);
    const std::pair<const char *, Built> seeds[] = {{"mini_conv_hswish.tflite", mini_model()},
                                                    {"all_ops.tflite", all_ops_model()}};
    for (const auto &s : seeds) {
        std::ofstream f(std::string(dir) + "/" + s.first, std::ios::binary);
        f.write(reinterpret_cast<const char *>(s.second.bytes.data()), std::streamsize(s.second.bytes.size()));
        REQUIRE(f.good());
    }
}

TEST_CASE("dump the operator lists of both models", "[.dump]") {
    const char *dir = std::getenv("MNV3_DUMP_DIR");
    REQUIRE(dir);
    const std::pair<const char *, const char *> files[] = {{kSmall, "tflite_small_ops.txt"},
                                                           {kLargeMin, "tflite_largemin_ops.txt"}};
    for (const auto &f : files) {
        tfl::Model m = tfl::read_file(models_dir() + "/" + f.first);
        std::ofstream out(std::string(dir) + "/" + f.second);
        out << tfl::summary(m);
        REQUIRE(out.good());
    }
}

// The TFLite importer: recognises the configuration from the graph, then walks the zoo's
// layer instances in order, handing each to its kind's hook (generators/<kind>/
// <kind>_tflite.cpp), which takes the kind's operators and writes its weights and ranges.
#include "mnv3/tflite_import.h"

#include "mnv3/error.h"
#include "mnv3/graph.h"
#include "tflite_hook.h"
#include "tflite_names.h"

#include <cmath>
#include <limits>

namespace mnv3 {

using tflite::Op;

namespace {

constexpr float kInf = std::numeric_limits<float>::infinity();

const TfliteHook &hook_for(const LayerSpec &l) {
    for (const TfliteHook *h : tflite_hooks())
        if (std::string(h->kind) == l.generator()) return *h;
    TfliteImport::fail(std::string("no TFLite importer for layer kind ") + l.generator());
}

// Imports the whole graph as configuration `c`. Returns the cursor position reached, so
// that when every candidate width fails the caller can report the closest attempt.
void import_as(const tflite::Model &m, const ModelConfig &c, Weights &w, size_t &reached) {
    w.config = c;
    w.tensors.clear();
    TfliteImport in(m, w);
    try {
        const Graph g = build_graph(c);
        int x = m.inputs[0];
        for (const Node &n : g.nodes) {
            std::vector<float> ranges = TfliteImport::no_ranges(n.layer.clamp_slots());
            x = hook_for(n.layer).import(in, n.layer, n.name, x, ranges);
            if (!n.ranges.empty()) w.tensors[n.ranges] = Tensor{{int(ranges.size())}, ranges};
        }
        if (in.at(Op::Reshape)) in.take(Op::Reshape, "reshape of the logits");
        if (in.at(Op::Softmax)) {
            // The classifier applies its own softmax, with beta 1.
            const tflite::Operator &sm = in.take(Op::Softmax, "softmax");
            if (!(std::fabs(sm.beta - 1.0f) <= 1e-6f))
                TfliteImport::fail("softmax with beta " + std::to_string(sm.beta) + " (only beta 1 is supported)");
        }
        if (!in.done())
            TfliteImport::fail("unexpected operators after the classifier (at " + std::to_string(in.position()) + ")");
    } catch (...) {
        reached = in.position();
        throw;
    }
}

}  // namespace

void TfliteImport::fail(const std::string &what) { throw Error("tflite import: " + what); }

bool TfliteImport::at(Op op) const { return k_ < m_.operators.size() && m_.operators[k_].op == op; }

const tflite::Operator &TfliteImport::take(Op op, const std::string &what) {
    if (!at(op)) {
        std::string found = k_ < m_.operators.size() ? m_.operators[k_].op_name : "the end of the graph";
        fail("expected " + what + " at operator " + std::to_string(k_) + ", found " + found);
    }
    const tflite::Operator &o = m_.operators[k_++];
    check_fused_activation(o, what);
    return o;
}

// A fused activation is not applied by the layers; it is accepted only when it cannot change
// anything the output tensor can hold (RELU on an output whose quantized range starts at 0,
// RELU6 on one within [0, 6], ...), which is how TF-slim's quantized files carry it.
void TfliteImport::check_fused_activation(const tflite::Operator &o, const std::string &what) const {
    using tflite::Activation;
    if (o.activation == Activation::None) return;
    float lo = 0, hi = 0;
    bool known = true;
    switch (o.activation) {
        case Activation::Relu: lo = 0, hi = kInf; break;
        case Activation::Relu6: lo = 0, hi = 6; break;
        case Activation::ReluN1To1: lo = -1, hi = 1; break;
        default: known = false; break;
    }
    const std::string name = tflite::detail::activation_name(o.activation);
    if (known && !o.outputs.empty()) {
        const tflite::Tensor &out = tensor(o.outputs[0]);
        auto [rlo, rhi] = range(o.outputs[0]);
        // Half a quantization step of slack: 6 is not always exactly representable.
        const float slack = out.quant.scale.size() == 1 ? 0.5f * out.quant.scale[0] : 0.0f;
        if (rlo >= lo - slack && rhi <= hi + slack) return;
    }
    fail(what + ": fused activation " + name + " (" + o.op_name +
         ") is not supported (only one implied by the output's quantization range)");
}

bool TfliteImport::reads(int t) const {
    if (done()) return false;
    for (int i : m_.operators[k_].inputs)
        if (i == t) return true;
    return false;
}

std::pair<float, float> TfliteImport::range(int t) const {
    const tflite::Tensor &tt = tensor(t);
    if (tt.quant.scale.size() != 1 || tt.quant.zero_point.size() != 1) return {-kInf, kInf};
    const double s = tt.quant.scale[0], zp = double(tt.quant.zero_point[0]);
    double lo = 0, hi = 255;
    if (tt.type == tflite::kInt8) lo = -128, hi = 127;
    else if (tt.type != tflite::kUInt8) return {-kInf, kInf};
    return {float(s * (lo - zp)), float(s * (hi - zp))};
}

std::vector<float> TfliteImport::no_ranges(int count) {
    std::vector<float> r;
    for (int i = 0; i < count; i++) r.insert(r.end(), {-kInf, kInf});
    return r;
}

void TfliteImport::set_range(std::vector<float> &r, int slot, int t) const {
    auto [lo, hi] = range(t);
    const tflite::Tensor &tt = tensor(t);
    if (tt.quant.scale.size() == 1 && !(std::isfinite(lo) && std::isfinite(hi) && lo < hi))
        fail("tensor '" + tt.name.substr(0, 64) + "': its quantization gives no finite range");
    r.at(2 * size_t(slot)) = lo;
    r.at(2 * size_t(slot) + 1) = hi;
}

void TfliteImport::conv_weights(const tflite::Operator &op, bool depthwise, const std::string &name,
                                std::vector<int> want, bool linear) {
    if (op.inputs.size() < 3 || op.inputs[2] < 0) fail(name + ": convolution without bias");
    const tflite::Tensor &wt = tensor(op.inputs[1]), &bt = tensor(op.inputs[2]);
    const std::vector<uint8_t> q = tflite::tensor_u8(m_, op.inputs[1]);
    const std::vector<int32_t> bq = tflite::tensor_i32(m_, op.inputs[2]);
    if (wt.shape.size() != 4) fail(name + ": weight is not 4-D");
    // TFLite: conv [O][kh][kw][I], depthwise [1][kh][kw][C].
    const int O = depthwise ? wt.shape[3] : wt.shape[0], kh = wt.shape[1], kw = wt.shape[2],
              I = depthwise ? 1 : wt.shape[3];
    std::vector<int> got = {O, I, kh, kw};
    if (got != want) fail(name + ": weight shape " + shape_string(got) + ", the model needs " + shape_string(want));
    const auto &sc = wt.quant.scale;
    const auto &zp = wt.quant.zero_point;
    if (sc.empty() || zp.size() != sc.size() || (sc.size() != 1 && int(sc.size()) != O) ||
        (sc.size() != 1 && wt.quant.quantized_dimension != (depthwise ? 3 : 0)))
        fail(name + ": weight quantization is neither per-tensor nor per-output-channel");
    Tensor t{want, std::vector<float>(size_t(O) * I * kh * kw)};
    for (int o = 0; o < O; o++) {
        const size_t qi = sc.size() == 1 ? 0 : size_t(o);
        for (int i = 0; i < I; i++)
            for (int y = 0; y < kh; y++)
                for (int x = 0; x < kw; x++) {
                    size_t src = depthwise ? (size_t(y) * kw + x) * O + o : ((size_t(o) * kh + y) * kw + x) * I + i;
                    t.data[((size_t(o) * I + i) * kh + y) * kw + x] = float(sc[qi] * (double(q[src]) - double(zp[qi])));
                }
    }
    for (float v : t.data)
        if (!std::isfinite(v)) fail(name + ": weight scale too large (a dequantized weight is not finite)");
    if (int(bq.size()) != O) fail(name + ": bias has " + std::to_string(bq.size()) + " values, expected " + std::to_string(O));
    const auto &bs = bt.quant.scale;
    if (bs.empty() || (bs.size() != 1 && int(bs.size()) != O)) fail(name + ": bias is not quantized");
    Tensor b{{O}, std::vector<float>(O)};
    for (int o = 0; o < O; o++) {
        b.data[o] = float(double(bs[bs.size() == 1 ? 0 : o]) * bq[o]);
        if (!std::isfinite(b.data[o])) fail(name + ": bias scale too large (a dequantized bias is not finite)");
    }
    if (linear) t.shape = {want[0], want[1]};
    w_.tensors[name + ".weight"] = std::move(t);
    w_.tensors[name + ".bias"] = std::move(b);
}

void TfliteImport::expect_input(const tflite::Operator &op, int x, const std::string &what) const {
    if (op.inputs.empty() || op.inputs[0] != x) fail(what + " does not read the previous layer's output");
}

void TfliteImport::check_conv(const tflite::Operator &op, int stride, int dilation, int kernel,
                              const std::string &what) const {
    if (op.stride_w != stride || op.stride_h != stride)
        fail(what + ": stride " + std::to_string(op.stride_w) + ", the model needs " + std::to_string(stride));
    if (op.dilation_w != dilation || op.dilation_h != dilation) fail(what + ": unexpected dilation");
    // Fused activations are checked by take() (check_fused_activation).
    if (op.padding != tflite::Padding::Same && kernel > 1) fail(what + ": VALID padding is not supported");
    if (op.op == Op::DepthwiseConv2D && op.depth_multiplier != 1)
        fail(what + ": depth_multiplier " + std::to_string(op.depth_multiplier) + " is not supported (only 1)");
}

void TfliteImport::check_global_pool(const tflite::Operator &op, const std::string &what) const {
    const tflite::Tensor &x = tensor(op.inputs.at(0)), &y = tensor(op.outputs.at(0));
    if (x.shape.size() != 4 || y.shape.size() != 4 || y.shape[1] != 1 || y.shape[2] != 1 ||
        op.filter_h != x.shape[1] || op.filter_w != x.shape[2])
        fail(what + ": a " + std::to_string(op.filter_w) + "x" + std::to_string(op.filter_h) +
             " pool, not a global average pool of its input");
}

int TfliteImport::activation(Act act, int conv_out, std::vector<float> &r, int conv_slot, int act_slot,
                             const std::string &what) {
    set_range(r, conv_slot, conv_out);
    // A ReLU layer must show it in its range; h-swish layers must not have a clipped one.
    if (act == Act::ReLU && range(conv_out).first < -1e-6f)
        fail(what + ": output range goes below 0, so this is not the ReLU layer the model needs");
    if (act == Act::HSwish) {
        const tflite::Operator &hs = take(Op::HardSwish, what + " h-swish");
        expect_input(hs, conv_out, what + " h-swish");
        set_range(r, act_slot, hs.outputs[0]);
        return hs.outputs[0];
    }
    set_range(r, act_slot, conv_out);
    return conv_out;
}

ImportedModel import_tflite(const tflite::Model &m) {
    ImportedModel out;
    if (m.inputs.size() != 1 || m.outputs.size() != 1) TfliteImport::fail("expected one input and one output");
    const tflite::Tensor &in = m.tensors.at(size_t(m.inputs[0]));
    if (in.shape.size() != 4 || in.shape[0] != 1 || in.shape[3] != 3 || in.shape[1] != in.shape[2])
        TfliteImport::fail("input is not 1xNxNx3");
    if (in.type != tflite::kUInt8 || in.quant.scale.size() != 1 || in.quant.zero_point.size() != 1)
        TfliteImport::fail("input is not a per-tensor uint8 tensor");
    // parse() checks these too; a Model built in memory need not have come through it.
    if (!std::isfinite(in.quant.scale[0]) || !(in.quant.scale[0] > 0))
        TfliteImport::fail("input scale " + std::to_string(in.quant.scale[0]) + " is not a finite number > 0");
    if (in.quant.zero_point[0] < 0 || in.quant.zero_point[0] > 255)
        TfliteImport::fail("input zero point " + std::to_string(in.quant.zero_point[0]) + " outside [0, 255]");
    // The configuration: Small or Large by the depthwise count, minimalistic when nothing
    // is h-swish, resolution and classes from the graph's ends, width by trying each
    // released multiplier.
    int dw = 0, hswish = 0;
    for (const tflite::Operator &op : m.operators) {
        if (op.op == Op::DepthwiseConv2D) dw++;
        if (op.op == Op::HardSwish) hswish++;
        if (op.op == Op::Other) TfliteImport::fail("unsupported operator " + op.op_name);
    }
    ModelConfig c;
    if (dw == 11) c.arch = Arch::Small;
    else if (dw == 15) c.arch = Arch::Large;
    else TfliteImport::fail(std::to_string(dw) + " depthwise convolutions: neither MobileNetV3-Small (11) nor -Large (15)");
    c.minimalistic = hswish == 0;
    c.resolution = in.shape[1];
    c.padding = Padding::Same;
    c.ranges = true;
    c.classes = int(tflite::num_elements(m.tensors.at(size_t(m.outputs[0]))));
    out.weights.bn_eps = 1e-3f;
    size_t best = 0;
    std::string best_error;
    bool matched = false;
    for (float width : {1.0f, 0.75f, 0.5f, 0.35f, 1.25f}) {
        c.width = width;
        try {
            c.validate();
        } catch (const std::exception &e) {
            TfliteImport::fail(e.what());
        }
        size_t reached = 0;
        try {
            import_as(m, c, out.weights, reached);
            matched = true;
            break;
        } catch (const Error &e) {
            if (best_error.empty() || reached > best) best = reached, best_error = e.what();
        }
    }
    if (!matched) throw Error(best_error);
    out.background_class = c.classes == 1001;
    out.input.scale = in.quant.scale[0];
    out.input.zero = float(in.quant.zero_point.at(0));
    return out;
}

ImportedModel import_tflite_file(const std::string &path) {
    tflite::Model m = tflite::read_file(path);
    try {
        return import_tflite(m);
    } catch (const Error &e) {
        throw Error(path + ": " + e.what());
    }
}

}  // namespace mnv3

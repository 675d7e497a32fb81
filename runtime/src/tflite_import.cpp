#include "mnv3/tflite_import.h"

#include "mnv3/error.h"

#include <cmath>
#include <limits>

namespace mnv3 {

namespace {

using tflite::Op;
constexpr float kInf = std::numeric_limits<float>::infinity();

[[noreturn]] void fail(const std::string &what) { throw Error("tflite import: " + what); }

// Walks the operators in execution order, one expected operator at a time.
class Cursor {
public:
    explicit Cursor(const tflite::Model &m) : m_(m) {}
    bool at(Op op) const { return k_ < m_.operators.size() && m_.operators[k_].op == op; }
    const tflite::Operator &take(Op op, const std::string &what) {
        if (!at(op)) {
            std::string found = k_ < m_.operators.size() ? m_.operators[k_].op_name : "the end of the graph";
            fail("expected " + what + " at operator " + std::to_string(k_) + ", found " + found);
        }
        return m_.operators[k_++];
    }
    size_t position() const { return k_; }
    bool done() const { return k_ >= m_.operators.size(); }

private:
    const tflite::Model &m_;
    size_t k_ = 0;
};

// The range a quantized tensor can hold; unbounded for float tensors.
std::pair<float, float> tensor_range(const tflite::Tensor &t) {
    if (t.quant.scale.size() != 1 || t.quant.zero_point.size() != 1) return {-kInf, kInf};
    const double s = t.quant.scale[0], zp = double(t.quant.zero_point[0]);
    double lo = 0, hi = 255;
    if (t.type == tflite::kInt8) lo = -128, hi = 127;
    else if (t.type != tflite::kUInt8) return {-kInf, kInf};
    return {float(s * (lo - zp)), float(s * (hi - zp))};
}

class Importer {
public:
    explicit Importer(const tflite::Model &m) : m_(m), cur_(m) {}

    ImportedModel run() {
        ImportedModel out;
        detect(out);
        const std::vector<LayerSpec> layers = build_layers(out.weights.config);
        int x = m_.inputs[0];
        for (size_t i = 0; i < layers.size(); i++) {
            const LayerSpec &l = layers[i];
            const std::string feat = "features." + std::to_string(i);
            std::vector<float> ranges;
            if (l.kind == LayerKind::Stem) x = stem(l, x, feat, ranges, out.weights);
            else if (l.kind == LayerKind::Bneck) x = bneck(l, int(i), x, feat, ranges, out.weights);
            else x = last(l, x, feat, ranges, out.weights);
            out.weights.tensors["ranges." + std::to_string(i)] = Tensor{{int(ranges.size())}, ranges};
        }
        if (cur_.at(Op::Reshape)) cur_.take(Op::Reshape, "reshape of the logits");
        if (cur_.at(Op::Softmax)) cur_.take(Op::Softmax, "softmax");
        if (!cur_.done()) fail("unexpected operators after the classifier (at " + std::to_string(cur_.position()) + ")");
        return out;
    }

private:
    const tflite::Tensor &tensor(int i) const { return m_.tensors.at(size_t(i)); }

    // Config from the graph: input size, depthwise count, activations, channel widths.
    void detect(ImportedModel &out) {
        if (m_.inputs.size() != 1 || m_.outputs.size() != 1) fail("expected one input and one output");
        const tflite::Tensor &in = tensor(m_.inputs[0]);
        if (in.shape.size() != 4 || in.shape[0] != 1 || in.shape[3] != 3 || in.shape[1] != in.shape[2])
            fail("input is not 1xNxNx3");
        int dw = 0, hswish = 0;
        std::vector<int> dw_channels;
        for (const tflite::Operator &op : m_.operators) {
            if (op.op == Op::DepthwiseConv2D) {
                dw++;
                dw_channels.push_back(tensor(op.inputs[1]).shape.back());
            }
            if (op.op == Op::HardSwish) hswish++;
            if (op.op == Op::Other) fail("unsupported operator " + op.op_name);
        }
        ModelConfig c;
        if (dw == 11) c.arch = Arch::Small;
        else if (dw == 15) c.arch = Arch::Large;
        else fail(std::to_string(dw) + " depthwise convolutions: neither MobileNetV3-Small (11) nor -Large (15)");
        c.minimalistic = hswish == 0;
        c.resolution = in.shape[1];
        c.padding = Padding::Same;
        c.ranges = true;
        const tflite::Tensor &outt = tensor(m_.outputs[0]);
        c.classes = int(tflite::num_elements(outt));
        bool matched = false;
        for (float w : {1.0f, 0.75f, 0.5f, 0.35f, 1.25f}) {
            c.width = w;
            try {
                c.validate();
            } catch (const std::exception &e) {
                fail(e.what());
            }
            std::vector<int> want;
            for (const LayerSpec &l : build_layers(c))
                if (l.kind == LayerKind::Bneck) want.push_back(l.exp_c);
            if (want == dw_channels) { matched = true; break; }
        }
        if (!matched) fail("depthwise channel counts match no MobileNetV3 " + std::string(c.arch == Arch::Large ? "Large" : "Small") + " width");
        out.weights.config = c;
        out.weights.bn_eps = 1e-3f;
        out.background_class = c.classes == 1001;
        if (in.type != tflite::kUInt8 || in.quant.scale.size() != 1) fail("input is not a per-tensor uint8 tensor");
        out.input.scale = in.quant.scale[0];
        out.input.zero = float(in.quant.zero_point.at(0));
    }

    // Dequantized weights of a conv, in PyTorch order [out][in][ky][kx] (depthwise: [c][1][ky][kx]).
    void conv_weights(const tflite::Operator &op, bool depthwise, const std::string &name,
                      std::vector<int> want, Weights &w, bool linear = false) {
        if (op.inputs.size() < 3 || op.inputs[2] < 0) fail(name + ": convolution without bias");
        const tflite::Tensor &wt = tensor(op.inputs[1]), &bt = tensor(op.inputs[2]);
        const std::vector<uint8_t> q = tflite::tensor_u8(m_, op.inputs[1]);
        const std::vector<int32_t> bq = tflite::tensor_i32(m_, op.inputs[2]);
        if (wt.shape.size() != 4) fail(name + ": weight is not 4-D");
        // TFLite: conv [O][kh][kw][I], depthwise [1][kh][kw][C].
        const int O = depthwise ? wt.shape[3] : wt.shape[0], kh = wt.shape[1], kw = wt.shape[2],
                  I = depthwise ? 1 : wt.shape[3];
        std::vector<int> got = {O, I, kh, kw};
        if (got != want)
            fail(name + ": weight shape " + shape_string(got) + ", the model needs " + shape_string(want));
        const auto &sc = wt.quant.scale;
        const auto &zp = wt.quant.zero_point;
        if (sc.empty() || zp.size() != sc.size() || (sc.size() != 1 && int(sc.size()) != O))
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
        if (int(bq.size()) != O) fail(name + ": bias has " + std::to_string(bq.size()) + " values, expected " + std::to_string(O));
        const auto &bs = bt.quant.scale;
        if (bs.empty() || (bs.size() != 1 && int(bs.size()) != O)) fail(name + ": bias is not quantized");
        Tensor b{{O}, std::vector<float>(O)};
        for (int o = 0; o < O; o++) b.data[o] = float(double(bs[bs.size() == 1 ? 0 : o]) * bq[o]);
        if (linear) t.shape = {want[0], want[1]};
        w.tensors[name + ".weight"] = std::move(t);
        w.tensors[name + ".bias"] = std::move(b);
    }

    void expect_input(const tflite::Operator &op, int x, const std::string &what) {
        if (op.inputs.empty() || op.inputs[0] != x) fail(what + " does not read the previous layer's output");
    }
    void push_range(std::vector<float> &r, int t) {
        auto [lo, hi] = tensor_range(tensor(t));
        r.push_back(lo);
        r.push_back(hi);
    }
    void push_none(std::vector<float> &r) {
        r.push_back(-kInf);
        r.push_back(kInf);
    }
    // Optional HARD_SWISH after a conv (the activation of h-swish layers); ReLU layers carry
    // theirs in the conv output's range. Returns the activation's output tensor.
    int activation(const LayerSpec &l, Act act, int conv_out, std::vector<float> &r, const std::string &what) {
        push_range(r, conv_out);
        // A ReLU layer must show it in its range; h-swish layers must not have a clipped one.
        if (act == Act::ReLU && tensor_range(tensor(conv_out)).first < -1e-6f)
            fail(what + ": output range goes below 0, so this is not the ReLU layer the model needs");
        if (act == Act::HSwish) {
            const tflite::Operator &hs = cur_.take(Op::HardSwish, what + " h-swish");
            expect_input(hs, conv_out, what + " h-swish");
            push_range(r, hs.outputs[0]);
            return hs.outputs[0];
        }
        (void)l;
        push_range(r, conv_out);
        return conv_out;
    }
    void check_conv(const tflite::Operator &op, const LayerSpec &l, int stride, const std::string &what) {
        if (op.stride_w != stride || op.stride_h != stride) fail(what + ": stride " + std::to_string(op.stride_w) + ", the model needs " + std::to_string(stride));
        if (op.dilation_w != l.dilation || op.dilation_h != l.dilation) fail(what + ": unexpected dilation");
        if (op.activation != tflite::Activation::None && op.activation != tflite::Activation::Relu &&
            op.activation != tflite::Activation::Relu6)
            fail(what + ": unsupported fused activation");
        if (op.padding != tflite::Padding::Same && l.kernel > 1) fail(what + ": VALID padding is not supported");
    }

    int stem(const LayerSpec &l, int x, const std::string &feat, std::vector<float> &r, Weights &w) {
        const tflite::Operator &c = cur_.take(Op::Conv2D, "the stem convolution");
        expect_input(c, x, "the stem");
        check_conv(c, l, l.stride, "stem");
        conv_weights(c, false, feat + ".0", {l.out_c, l.in_c, l.kernel, l.kernel}, w);
        return activation(l, l.act, c.outputs[0], r, "stem");
    }

    int bneck(const LayerSpec &l, int index, int x, const std::string &feat, std::vector<float> &r, Weights &w) {
        const std::string where = "bneck " + std::to_string(index);
        int j = 0;
        auto sub = [&] { return feat + ".block." + std::to_string(j++); };
        int t = x;
        if (l.has_expand()) {
            const tflite::Operator &e = cur_.take(Op::Conv2D, where + " expand 1x1");
            expect_input(e, t, where + " expand");
            check_conv(e, l, 1, where + " expand");
            conv_weights(e, false, sub() + ".0", {l.exp_c, l.in_c, 1, 1}, w);
            t = activation(l, l.act, e.outputs[0], r, where + " expand");
        } else {
            push_none(r);
            push_none(r);
        }
        const tflite::Operator &d = cur_.take(Op::DepthwiseConv2D, where + " depthwise");
        expect_input(d, t, where + " depthwise");
        check_conv(d, l, l.stride, where + " depthwise");
        conv_weights(d, true, sub() + ".0", {l.exp_c, 1, l.kernel, l.kernel}, w);
        t = activation(l, l.act, d.outputs[0], r, where + " depthwise");
        if (l.se_c) {
            const std::string se = sub();
            const tflite::Operator &pool = cur_.take(Op::AveragePool2D, where + " squeeze-excite pooling");
            expect_input(pool, t, where + " squeeze-excite pooling");
            const tflite::Operator &f1 = cur_.take(Op::Conv2D, where + " squeeze-excite reduce");
            conv_weights(f1, false, se + ".fc1", {l.se_c, l.exp_c, 1, 1}, w);
            const tflite::Operator &f2 = cur_.take(Op::Conv2D, where + " squeeze-excite expand");
            conv_weights(f2, false, se + ".fc2", {l.exp_c, l.se_c, 1, 1}, w);
            push_range(r, f1.outputs[0]);
            push_range(r, f2.outputs[0]);
            // The hard sigmoid: relu6(x + 3) / 6 as ADD, MUL (ranges give the relu6); then the
            // MUL that scales the depthwise output by the gate.
            int guard = 0;
            while (!(cur_.at(Op::Mul) && reads(t))) {
                if (!(cur_.at(Op::Add) || cur_.at(Op::Mul) || cur_.at(Op::HardSwish)) || ++guard > 4)
                    fail(where + ": squeeze-excite gate is not relu6(x + 3) / 6");
                cur_.take(cur_.at(Op::Add) ? Op::Add : cur_.at(Op::Mul) ? Op::Mul : Op::HardSwish, "gate");
            }
            const tflite::Operator &scale = cur_.take(Op::Mul, where + " squeeze-excite scale");
            push_range(r, scale.outputs[0]);
            t = scale.outputs[0];
        } else {
            push_none(r);
            push_none(r);
            push_none(r);
        }
        const tflite::Operator &p = cur_.take(Op::Conv2D, where + " project 1x1");
        expect_input(p, t, where + " project");
        check_conv(p, l, 1, where + " project");
        conv_weights(p, false, sub() + ".0", {l.out_c, l.exp_c, 1, 1}, w);
        push_range(r, p.outputs[0]);
        t = p.outputs[0];
        if (l.residual()) {
            const tflite::Operator &a = cur_.take(Op::Add, where + " residual add");
            if (a.inputs.size() != 2 || !((a.inputs[0] == t && a.inputs[1] == x) || (a.inputs[1] == t && a.inputs[0] == x)))
                fail(where + ": residual add does not add the block input");
            push_range(r, a.outputs[0]);
            t = a.outputs[0];
        } else {
            push_none(r);
        }
        return t;
    }

    bool reads(int t) const {
        // The op at the cursor reads tensor t (the squeeze-excite scale reads the block's map).
        size_t k = cur_.position();
        for (int i : m_.operators[k].inputs)
            if (i == t) return true;
        return false;
    }

    int last(const LayerSpec &l, int x, const std::string &feat, std::vector<float> &r, Weights &w) {
        const tflite::Operator &c = cur_.take(Op::Conv2D, "the last 1x1 convolution");
        expect_input(c, x, "the last 1x1 convolution");
        conv_weights(c, false, feat + ".0", {l.exp_c, l.in_c, 1, 1}, w);
        int t = activation(l, l.act, c.outputs[0], r, "last conv");
        const tflite::Operator &pool = cur_.take(Op::AveragePool2D, "the global average pool");
        expect_input(pool, t, "the global average pool");
        const tflite::Operator &h = cur_.take(Op::Conv2D, "the head 1x1 convolution");
        expect_input(h, pool.outputs[0], "the head");
        conv_weights(h, false, "classifier.0", {l.head_c, l.exp_c, 1, 1}, w, true);
        t = activation(l, l.head_act, h.outputs[0], r, "head");
        // TF-slim's "Logits/AvgPool": a 1x1 pool of a 1x1 map, the identity.
        if (cur_.at(Op::AveragePool2D)) {
            const tflite::Operator &id = cur_.take(Op::AveragePool2D, "the logits pool");
            expect_input(id, t, "the logits pool");
            if (id.filter_w != 1 || id.filter_h != 1) fail("the pool before the classifier is not 1x1");
            t = id.outputs[0];
        }
        const tflite::Operator &fc = cur_.take(Op::Conv2D, "the classifier 1x1 convolution");
        expect_input(fc, t, "the classifier");
        conv_weights(fc, false, "classifier.3", {l.classes, l.head_c, 1, 1}, w, true);
        push_range(r, fc.outputs[0]);
        return fc.outputs[0];
    }

    const tflite::Model &m_;
    Cursor cur_;
};

}  // namespace

ImportedModel import_tflite(const tflite::Model &model) { return Importer(model).run(); }

ImportedModel import_tflite_file(const std::string &path) {
    tflite::Model m = tflite::read_file(path);
    try {
        return import_tflite(m);
    } catch (const Error &e) {
        throw Error(path + ": " + e.what());
    }
}

}  // namespace mnv3

// Helpers shared by the MobileNetV3 layer generators.
//
// Data layout at every pipeline boundary (see docs/design.md):
//   activations  (c, p): channels innermost, p = x + y * width (NHWC of one image, flattened)
//   1x1 weights  (co, ci): output channel innermost, so a vector of outputs is one load
//   depthwise    (c, kx, ky); stem (co, ci, kx, ky); biases (c)
// The pointwise (1x1) convolutions work on the flattened pixel index so that a register
// block of pixels can span row ends: a 7x7 map has 49 pixels, not 7 rows of 7.
#pragma once
#include "Halide.h"
#include "mnv3/contract.h"

#include <algorithm>
#include <functional>
#include <map>
#include <string>

namespace mnv3gen {

using namespace Halide;

// The contract's enums (mnv3/contract.h), and the activations as Halide expressions.
using mnv3::Act;
using mnv3::Padding;
using mnv3::conv_out_size;
using mnv3::conv_pad_before;

inline Expr relu6(Expr v) { return clamp(v, 0.0f, 6.0f); }
inline Expr hsigmoid(Expr v) { return relu6(v + 3.0f) * (1.0f / 6.0f); }
inline Expr activate(Expr v, Act a) {
    switch (a) {
    case Act::ReLU: return max(v, 0.0f);
    case Act::ReLU6: return relu6(v);
    default: return v * hsigmoid(v);
    }
}

// A GeneratorParam declared from a contract list (MNV3_<KIND>_PARAMS / _KNOBS): the enum
// types get their name maps, so `act=hswish` parses as the runtime prints it.
template <typename T>
class ContractParam : public GeneratorParam<T> {
public:
    ContractParam(const char *name, T def) : GeneratorParam<T>(name, def) {}
};
template <>
class ContractParam<Act> : public GeneratorParam<Act> {
public:
    ContractParam(const char *name, Act def) : GeneratorParam<Act>(name, def, mnv3::act_names()) {}
};
template <>
class ContractParam<Padding> : public GeneratorParam<Padding> {
public:
    ContractParam(const char *name, Padding def) : GeneratorParam<Padding>(name, def, mnv3::padding_names()) {}
};
#define MNV3_GENERATOR_PARAM(type, name, def, doc) ContractParam<type> name{#name, def};
#define MNV3_GENERATOR_KNOB(type, name, def, lo, hi, doc) ContractParam<type> name{#name, def};
// Copies the GeneratorParams into the contract struct (plain values for the algorithm).
#define MNV3_COPY_PARAM(type, name, def, doc) s.name = name;
#define MNV3_COPY_KNOB(type, name, def, lo, hi, doc) s.name = name;

// Fixes a buffer's shape to dense extents (innermost first), so that generated code is
// specialised to the layer and needs no stride arithmetic at run time.
template<typename B>
void constrain_dense(B &b, const std::vector<int> &extents) {
    int stride = 1;
    for (size_t i = 0; i < extents.size(); i++) {
        b.dim(i).set_bounds(0, extents[i]).set_stride(stride);
        stride *= extents[i];
    }
}

// The vector width actually used for `channels`: the knob (0 = the target's natural
// width), never wider than the channel count (SE squeeze can be 8 wide).
inline int pick_vec(int knob, int channels, const Target &t) {
    int v = knob > 0 ? knob : t.natural_vector_size<float>();
    while (v > 4 && v > channels) v /= 2;
    return v;
}

// Output ranges of a float import of a quantized model (TFLite): there, activations are
// carried by each tensor's quantization range, so every stage output is clamped to the range
// its quantized tensor could hold. The ranges are a runtime input (pairs lo, hi), like the
// weights; the variant without clamps (torchvision weights) has no clamp code at all.
struct Ranges {
    bool enabled = false;
    Func lohi;
    Expr operator()(int i, Expr v) const {
        return enabled ? clamp(v, lohi(2 * i), lohi(2 * i + 1)) : v;
    }
};

// Schedules a per-channel reduction f(c) (pure init, then an update over `r`) at root,
// vectorised over c. The update's tail is guarded rather than rounded up, so the weights
// are never read past their last channel.
inline void vectorize_channels(Func f, const std::vector<RVar> &r, int vec) {
    Var c("c"), co("co"), ci("ci");
    f.compute_root().vectorize(c, vec, TailStrategy::ShiftInwards);
    std::vector<VarOrRVar> order = {ci};
    for (const RVar &v : r) order.push_back(v);
    order.push_back(co);
    f.update().split(c, co, ci, vec, TailStrategy::GuardWithIf).reorder(order).vectorize(ci);
}

// A 1x1 convolution on flattened pixels:
//   conv(c, p) = bias(c) + sum_r w(c, r) * in(r, p);  out(c, p) = act(conv(c, p))
// Every Func in these generators names its dimensions c and p (or c, x, y), so Vars made
// here and in the generators refer to the same loops.
struct Pointwise {
    Func conv, out;
    RDom r;
    int channels = 0;

    // `finish` turns the sum into the stage's output (activation, range clamps).
    Pointwise(const std::string &name, Func in, Func w, Func bias, int in_c, int out_c,
              const std::function<Expr(Expr)> &finish)
        : conv(name + "_conv"), out(name), r(0, in_c, name + "_r"), channels(out_c) {
        Var c("c"), p("p");
        conv(c, p) = bias(c);
        conv(c, p) += w(c, r) * in(r, p);
        out(c, p) = finish(conv(c, p));
    }

    // Register blocking: `cvecs` vectors of output channels by `px` pixels of accumulators
    // stay in registers while the reduction runs over the input channels. `f` is the Func
    // whose loops are blocked: out itself, or a consumer into which out is inlined.
    // `min_pixels` is the smallest pixel extent f is ever computed over (a block never
    // exceeds it, so shifted tail blocks stay inside the region). Returns the pixel-block Var.
    Var block(Func f, int vec, int cvecs, int px, int min_pixels, VarOrRVar p = Var("p")) {
        Var c("c"), cb("cb"), ci("ci"), pb("pb"), pi("pi");
        vec = std::min(vec, channels);
        cvecs = std::max(1, std::min(cvecs, channels / vec));
        px = std::max(1, std::min(px, min_pixels));
        f.split(p, pb, pi, px).split(c, cb, ci, vec * cvecs).reorder(ci, pi, cb, pb)
            .vectorize(ci, vec).unroll(ci).unroll(pi);
        Var cc("c"), pp("p");
        conv.compute_at(f, cb).vectorize(cc, vec).unroll(cc).unroll(pp);
        conv.update().reorder(cc, pp, r.x).vectorize(cc, vec).unroll(cc).unroll(pp);
        return pb;
    }
};

}  // namespace mnv3gen

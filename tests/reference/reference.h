// mnv3ref: an independent, plain C++ reference for the MobileNetV3 operators.
//
// Written from the spec (/work/shared/docs/mobilenetv3.md), not from the Halide generators:
// straightforward loops, every sum accumulated in double, results stored as float. It is
// slow on purpose and has no dependency on Halide or on the runtime. The tests compare the
// AOT-compiled generators against it, and the autotuner uses it to reject schedule
// candidates that compute something else.
//
// Conventions
//   * Activations are single images in NHWC order: Tensor3 {h, w, c}, element (y, x, ch) at
//     v[(y * w + x) * c + ch].
//   * Weights are in PyTorch order: Tensor4 {o, i, kh, kw}, element [o][i][ky][kx] at
//     v[((o * i + i) * kh + ky) * kw + kx]. A depthwise kernel is {c, 1, k, k}; a 1x1 conv
//     or a fully connected layer is {out, in, 1, 1} (the memory order of nn.Linear's
//     [out][in] weight).
//   * Biases are std::vector<float> of the output width; an empty vector means no bias.
//   * Padding is zero padding. The reference computes its own output sizes and leading
//     pads for both conventions (conv_geometry), independently of the model zoo.
//
// The second half of this header converts reference tensors to the dense layouts the
// Halide generators take at their boundaries (generators/common.h), keyed by the
// generators' input names, so a caller can feed the same weights to both.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace mnv3ref {

// ---------------------------------------------------------------------------------------
// Tensors
// ---------------------------------------------------------------------------------------

// One image, NHWC (batch of one): element (y, x, ch) at v[(y * w + x) * c + ch].
struct Tensor3 {
    int h = 0, w = 0, c = 0;
    std::vector<float> v;

    Tensor3() = default;
    Tensor3(int h_, int w_, int c_, float fill = 0.0f)
        : h(h_), w(w_), c(c_), v(size_t(h_) * w_ * c_, fill) {}
    size_t size() const { return v.size(); }
    size_t index(int y, int x, int ch) const { return (size_t(y) * w + x) * c + ch; }
    float &at(int y, int x, int ch) { return v[index(y, x, ch)]; }
    float at(int y, int x, int ch) const { return v[index(y, x, ch)]; }
};

// Weights in PyTorch order [o][i][ky][kx].
struct Tensor4 {
    int o = 0, i = 0, kh = 0, kw = 0;
    std::vector<float> v;

    Tensor4() = default;
    Tensor4(int o_, int i_, int kh_, int kw_, float fill = 0.0f)
        : o(o_), i(i_), kh(kh_), kw(kw_), v(size_t(o_) * i_ * kh_ * kw_, fill) {}
    size_t size() const { return v.size(); }
    size_t index(int oo, int ii, int ky, int kx) const {
        return ((size_t(oo) * i + ii) * kh + ky) * kw + kx;
    }
    float &at(int oo, int ii, int ky, int kx) { return v[index(oo, ii, ky, kx)]; }
    float at(int oo, int ii, int ky, int kx) const { return v[index(oo, ii, ky, kx)]; }
};

// ---------------------------------------------------------------------------------------
// Activations and padding
// ---------------------------------------------------------------------------------------

enum class Act { None, ReLU, HSwish, HSigmoid };
enum class Padding { Symmetric, Same };

double relu(double x);      // max(x, 0)
double relu6(double x);     // min(max(x, 0), 6)
double hsigmoid(double x);  // relu6(x + 3) / 6
double hswish(double x);    // x * relu6(x + 3) / 6
double activate(double x, Act a);

// Parses "relu" / "hswish" / "hsigmoid" / "none" and "sym" / "symmetric" / "same".
// Throw std::invalid_argument on anything else.
Act parse_act(const std::string &s);
Padding parse_padding(const std::string &s);

// Output size and padding of a kxk window along one axis.
//   Symmetric (torchvision): pad = (k-1)/2*d on both sides,
//       out = floor((in + 2*pad - d*(k-1) - 1) / s) + 1.
//   Same (TF "SAME"): out = ceil(in / s),
//       pad_total = max((out-1)*s + d*(k-1) + 1 - in, 0), before = pad_total / 2,
//       after = pad_total - before (the odd one goes to the bottom / right).
// `after` is informative: the window positions follow from `before`, stride and `out`.
struct ConvGeometry {
    int out = 0, pad_before = 0, pad_after = 0;
};
ConvGeometry conv_geometry(int in, int kernel, int stride, int dilation, Padding pad);

// ---------------------------------------------------------------------------------------
// Operators
// ---------------------------------------------------------------------------------------

// General 2-D convolution with zero padding, optional bias and activation:
//   out(y, x, oc) = act(b[oc] + sum_{ic, ky, kx} w[oc][ic][ky][kx] *
//                         in(y*stride + ky*dilation - pad_top,
//                            x*stride + kx*dilation - pad_left, g*ipg + ic))
// where ipg = in.c / groups is w.i, g = oc / (w.o / groups). groups = 1 is a dense conv,
// groups = in.c with w = {c, 1, k, k} is depthwise. The output size is explicit so that any
// padding convention can be expressed (see conv_geometry). Throws std::invalid_argument on
// inconsistent shapes.
Tensor3 conv2d(const Tensor3 &in, const Tensor4 &w, const std::vector<float> &bias, int stride,
               int dilation, int groups, int pad_top, int pad_left, int out_h, int out_w,
               Act act = Act::None);

// Element-wise activation.
Tensor3 activate(const Tensor3 &t, Act a);
void activate_inplace(Tensor3 &t, Act a);

// 1x1 convolution: w is {out, in, 1, 1}.
Tensor3 pointwise(const Tensor3 &in, const Tensor4 &w, const std::vector<float> &bias,
                  Act act = Act::None);

// Mean over all pixels, per channel.
std::vector<float> global_avg_pool(const Tensor3 &in);

// Fully connected: out[o] = act(b[o] + sum_i w[o][i] * x[i]); w is {out, in, 1, 1}.
std::vector<float> linear(const std::vector<float> &x, const Tensor4 &w,
                          const std::vector<float> &bias, Act act = Act::None);

// Squeeze-excite (spec): s = global_avg_pool(x); z = relu(w1 s + b1);
// g = hsigmoid(w2 z + b2); out(y, x, c) = x(y, x, c) * g[c].
// w1 is {se_c, c, 1, 1}, w2 is {c, se_c, 1, 1}.
Tensor3 squeeze_excite(const Tensor3 &x, const Tensor4 &w1, const std::vector<float> &b1,
                       const Tensor4 &w2, const std::vector<float> &b2);

// Element-wise a + b (same shape).
Tensor3 add(const Tensor3 &a, const Tensor3 &b);

// Output ranges of a float import of a quantized model: pairs (lo, hi), clamp point i is
// lohi[2i], lohi[2i+1]. Empty: no clamping (torchvision weights).
struct Ranges {
    std::vector<float> lohi;
    bool enabled() const { return !lohi.empty(); }
    double apply(int i, double v) const;
    Tensor3 apply(int i, Tensor3 t) const;
    std::vector<float> apply(int i, std::vector<float> v) const;
};

// ---------------------------------------------------------------------------------------
// Layers: the same parameters as the Halide generators (stem, bneck, last), batch norm
// already folded into the weights and biases.
// ---------------------------------------------------------------------------------------

// First conv: kxk, stride, bias, activation. Input image {height, width, in_c}.
struct StemParams {
    int in_c = 3, out_c = 16, kernel = 3, stride = 2;
    int height = 224, width = 224;
    Act act = Act::HSwish;
    Padding padding = Padding::Symmetric;
    Ranges ranges;  // 2 points: conv, activation
    int out_height() const;
    int out_width() const;
};
struct StemWeights {
    Tensor4 w;             // {out_c, in_c, k, k}
    std::vector<float> b;  // out_c
};
Tensor3 stem(const StemParams &p, const StemWeights &wt, const Tensor3 &image);

// Inverted residual block (spec "bneck"):
//   [1x1 expand + act, when exp_c != in_c] -> kxk depthwise (stride, dilation) + act
//   -> [squeeze-excite, when se_c > 0] -> 1x1 project (linear)
//   -> [+ input, when stride == 1 and in_c == out_c].
struct BneckParams {
    int in_c = 16, exp_c = 64, out_c = 24, se_c = 0;
    int kernel = 3, stride = 1, dilation = 1;
    int height = 56, width = 56;
    Act act = Act::ReLU;
    Padding padding = Padding::Symmetric;
    // 9 points: expand conv, expand act, dw conv, dw act, SE reduce (after ReLU), SE expand
    // (before h-sigmoid), SE output, project, residual sum.
    Ranges ranges;
    bool has_expand() const { return exp_c != in_c; }
    bool has_se() const { return se_c > 0; }
    bool residual() const { return stride == 1 && in_c == out_c; }
    int out_height() const;
    int out_width() const;
};
struct BneckWeights {
    Tensor4 expand_w;  // {exp_c, in_c, 1, 1}     (empty without expand)
    std::vector<float> expand_b;
    Tensor4 dw_w;      // {exp_c, 1, k, k}
    std::vector<float> dw_b;
    Tensor4 se1_w;     // {se_c, exp_c, 1, 1}     (empty without SE)
    std::vector<float> se1_b;
    Tensor4 se2_w;     // {exp_c, se_c, 1, 1}
    std::vector<float> se2_b;
    Tensor4 proj_w;    // {out_c, exp_c, 1, 1}
    std::vector<float> proj_b;
};
Tensor3 bneck(const BneckParams &p, const BneckWeights &wt, const Tensor3 &in);

// Network tail: 1x1 conv + act -> global average pool -> fully connected + head_act
// -> fully connected to logits (no activation). Returns the `classes` logits.
struct LastParams {
    int in_c = 160, exp_c = 960, head_c = 1280, classes = 1000;
    int height = 7, width = 7;
    Act act = Act::HSwish, head_act = Act::HSwish;
    Ranges ranges;  // 5 points: conv, conv act, head, head act, logits
};
struct LastWeights {
    Tensor4 conv_w;  // {exp_c, in_c, 1, 1}
    std::vector<float> conv_b;
    Tensor4 head_w;  // {head_c, exp_c, 1, 1}
    std::vector<float> head_b;
    Tensor4 fc_w;    // {classes, head_c, 1, 1}
    std::vector<float> fc_b;
};
std::vector<float> last_stage(const LastParams &p, const LastWeights &wt, const Tensor3 &in);

// ---------------------------------------------------------------------------------------
// Deterministic random data (same numbers on every platform and standard library).
// ---------------------------------------------------------------------------------------

// SplitMix64-based generator.
class Rng {
public:
    explicit Rng(uint64_t seed) : s_(seed) {}
    uint64_t next_u64();
    double uniform(double lo, double hi);  // [lo, hi)
private:
    uint64_t s_;
};

void fill_uniform(std::vector<float> &v, Rng &rng, double lo, double hi);
Tensor3 random_tensor(int h, int w, int c, Rng &rng, double lo = -1.0, double hi = 1.0);

// Random weights shaped for the layer. Each weight is uniform in +-gain*sqrt(3/fan_in), so
// a pre-activation's standard deviation is about `gain` times the RMS of its inputs (plus a
// bias uniform in [-1, 1]): with inputs in [-1, 1] and the default gain the pre-activations
// straddle 0 and the h-swish knees at -3 and 3.
StemWeights random_stem_weights(const StemParams &p, Rng &rng, double gain = 3.0);
BneckWeights random_bneck_weights(const BneckParams &p, Rng &rng, double gain = 3.0);
LastWeights random_last_weights(const LastParams &p, Rng &rng, double gain = 3.0);

// ---------------------------------------------------------------------------------------
// Comparison
// ---------------------------------------------------------------------------------------

// Element i passes when |got[i] - want[i]| <= tol * (1 + |want[i]|) (and got[i] is not
// NaN). Default tolerance: see kDefaultTolerance.
struct Comparison {
    size_t n = 0, failures = 0;
    size_t worst = 0;           // index with the largest err / allowed ratio
    double max_abs_err = 0.0;   // max |got - want|
    double max_ratio = 0.0;     // max |got - want| / (tol * (1 + |want|)); <= 1 passes
    double max_abs_want = 0.0;  // max |want|, for context
    bool ok() const { return failures == 0; }
    std::string summary() const;
};
// For fp32 pipelines against this double-accumulating reference on data scaled like
// random_*_weights: reductions of up to ~1000 terms (3136 for a 56x56 pool) give errors of
// ~1e-5 absolute on outputs of magnitude up to ~40, i.e. at most ~0.2 of this tolerance in
// test_generators (which states the derivation). A schedule that reads a wrong tap,
// channel or pixel is off by O(0.1) or more.
constexpr double kDefaultTolerance = 1e-4;
Comparison compare(const float *got, const float *want, size_t n, double tol = kDefaultTolerance);
Comparison compare(const std::vector<float> &got, const std::vector<float> &want,
                   double tol = kDefaultTolerance);

// ---------------------------------------------------------------------------------------
// Generator layouts (generators/common.h): dense buffers, extents listed innermost first.
// ---------------------------------------------------------------------------------------

struct Packed {
    std::vector<int> extents;  // innermost first, dense strides
    std::vector<float> v;
};

// Activations (c, p), p = x + y * width: {c, h*w}. Same memory order as NHWC.
Packed pack_activations(const Tensor3 &t);
// Stem input image (c, x, y): {c, w, h}. Same memory order as NHWC.
Packed pack_image(const Tensor3 &t);
// 1x1 weights {out, in, 1, 1} -> (co, ci), output channel innermost: {out, in}.
Packed pack_pointwise(const Tensor4 &w);
// Depthwise {c, 1, k, k} -> (c, kx, ky): {c, k, k}.
Packed pack_depthwise(const Tensor4 &w);
// Stem {out, in, k, k} -> (co, ci, kx, ky): {out, in, k, k}.
Packed pack_stem(const Tensor4 &w);
Packed pack_vector(const std::vector<float> &b);
// Placeholder for an absent optional input: `dims` dimensions of extent 1, value 0.
Packed placeholder(int dims);
// The ranges input: the (lo, hi) pairs, or a placeholder when clamping is off.
Packed pack_ranges(const Ranges &r);

// Every input of a generator, by the generator's input name, in the generator's layout;
// absent optional inputs (expand when exp_c == in_c, SE when se_c == 0) get placeholders.
using NamedPacked = std::vector<std::pair<std::string, Packed>>;
NamedPacked pack_stem_inputs(const StemParams &p, const StemWeights &wt, const Tensor3 &image);
NamedPacked pack_bneck_inputs(const BneckParams &p, const BneckWeights &wt, const Tensor3 &in);
NamedPacked pack_last_inputs(const LastParams &p, const LastWeights &wt, const Tensor3 &in);

}  // namespace mnv3ref

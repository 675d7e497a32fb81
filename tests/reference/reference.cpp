// Plain C++ reference operators for MobileNetV3 (see reference.h). Written from the spec;
// deliberately simple loops with double accumulation.
#include "reference.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <stdexcept>

namespace mnv3ref {

namespace {

void require(bool cond, const char *what) {
    if (!cond) throw std::invalid_argument(std::string("mnv3ref: ") + what);
}

double bias_at(const std::vector<float> &b, int i) { return b.empty() ? 0.0 : double(b[i]); }

}  // namespace

// ---- activations and padding -----------------------------------------------------------

double relu(double x) { return x > 0.0 ? x : 0.0; }
double relu6(double x) { return std::min(std::max(x, 0.0), 6.0); }
double hsigmoid(double x) { return relu6(x + 3.0) / 6.0; }
double hswish(double x) { return x * relu6(x + 3.0) / 6.0; }

double activate(double x, Act a) {
    switch (a) {
    case Act::ReLU: return relu(x);
    case Act::HSwish: return hswish(x);
    case Act::HSigmoid: return hsigmoid(x);
    case Act::None: break;
    }
    return x;
}

Act parse_act(const std::string &s) {
    if (s == "relu") return Act::ReLU;
    if (s == "hswish") return Act::HSwish;
    if (s == "hsigmoid") return Act::HSigmoid;
    if (s == "none") return Act::None;
    throw std::invalid_argument("mnv3ref: unknown activation '" + s + "'");
}

Padding parse_padding(const std::string &s) {
    if (s == "sym" || s == "symmetric") return Padding::Symmetric;
    if (s == "same") return Padding::Same;
    throw std::invalid_argument("mnv3ref: unknown padding '" + s + "'");
}

ConvGeometry conv_geometry(int in, int k, int s, int d, Padding pad) {
    require(in > 0 && k > 0 && s > 0 && d > 0, "conv_geometry: sizes must be positive");
    ConvGeometry g;
    const int span = d * (k - 1) + 1;  // extent of the dilated window
    if (pad == Padding::Same) {
        g.out = (in + s - 1) / s;  // ceil(in / s)
        const int total = std::max((g.out - 1) * s + span - in, 0);
        g.pad_before = total / 2;
        g.pad_after = total - g.pad_before;
    } else {
        const int p = (k - 1) / 2 * d;
        g.out = (in + 2 * p - span) / s + 1;  // numerator >= 0 for odd k, so this floors
        g.pad_before = p;
        // Rows of padding the last window actually reaches below the input.
        g.pad_after = std::max((g.out - 1) * s + span - in - p, 0);
    }
    require(g.out > 0, "conv_geometry: empty output");
    return g;
}

// ---- operators -------------------------------------------------------------------------

Tensor3 conv2d(const Tensor3 &in, const Tensor4 &w, const std::vector<float> &bias, int stride,
               int dilation, int groups, int pad_top, int pad_left, int out_h, int out_w,
               Act act) {
    require(groups > 0 && in.c % groups == 0 && w.o % groups == 0, "conv2d: bad groups");
    require(w.i == in.c / groups, "conv2d: weight input width != in.c / groups");
    require(bias.empty() || int(bias.size()) == w.o, "conv2d: bias size != output channels");
    require(in.v.size() == size_t(in.h) * in.w * in.c, "conv2d: input tensor size");
    require(w.v.size() == size_t(w.o) * w.i * w.kh * w.kw, "conv2d: weight tensor size");
    require(stride > 0 && dilation > 0 && out_h > 0 && out_w > 0, "conv2d: bad geometry");
    const int ipg = w.i, opg = w.o / groups;
    Tensor3 out(out_h, out_w, w.o);
    for (int y = 0; y < out_h; y++)
        for (int x = 0; x < out_w; x++)
            for (int oc = 0; oc < w.o; oc++) {
                const int g = oc / opg;
                double sum = bias_at(bias, oc);
                for (int ky = 0; ky < w.kh; ky++) {
                    const int iy = y * stride + ky * dilation - pad_top;
                    if (iy < 0 || iy >= in.h) continue;  // zero padding
                    for (int kx = 0; kx < w.kw; kx++) {
                        const int ix = x * stride + kx * dilation - pad_left;
                        if (ix < 0 || ix >= in.w) continue;
                        for (int ic = 0; ic < ipg; ic++)
                            sum += double(w.at(oc, ic, ky, kx)) * in.at(iy, ix, g * ipg + ic);
                    }
                }
                out.at(y, x, oc) = float(activate(sum, act));
            }
    return out;
}

void activate_inplace(Tensor3 &t, Act a) {
    for (float &f : t.v) f = float(activate(f, a));
}

Tensor3 activate(const Tensor3 &t, Act a) {
    Tensor3 r = t;
    activate_inplace(r, a);
    return r;
}

Tensor3 pointwise(const Tensor3 &in, const Tensor4 &w, const std::vector<float> &bias, Act act) {
    require(w.kh == 1 && w.kw == 1, "pointwise: weight must be {out, in, 1, 1}");
    return conv2d(in, w, bias, 1, 1, 1, 0, 0, in.h, in.w, act);
}

std::vector<float> global_avg_pool(const Tensor3 &in) {
    require(in.h > 0 && in.w > 0, "global_avg_pool: empty input");
    std::vector<float> r(in.c);
    for (int ch = 0; ch < in.c; ch++) {
        double sum = 0.0;
        for (int y = 0; y < in.h; y++)
            for (int x = 0; x < in.w; x++) sum += in.at(y, x, ch);
        r[ch] = float(sum / (double(in.h) * in.w));
    }
    return r;
}

std::vector<float> linear(const std::vector<float> &x, const Tensor4 &w,
                          const std::vector<float> &bias, Act act) {
    require(w.kh == 1 && w.kw == 1 && w.i == int(x.size()), "linear: weight must be {out, in, 1, 1}");
    require(bias.empty() || int(bias.size()) == w.o, "linear: bias size != outputs");
    std::vector<float> r(w.o);
    for (int o = 0; o < w.o; o++) {
        double sum = bias_at(bias, o);
        for (int i = 0; i < w.i; i++) sum += double(w.at(o, i, 0, 0)) * x[i];
        r[o] = float(activate(sum, act));
    }
    return r;
}

Tensor3 squeeze_excite(const Tensor3 &x, const Tensor4 &w1, const std::vector<float> &b1,
                       const Tensor4 &w2, const std::vector<float> &b2) {
    require(w1.i == x.c && w2.o == x.c && w2.i == w1.o, "squeeze_excite: weight shapes");
    const std::vector<float> squeezed = linear(global_avg_pool(x), w1, b1, Act::ReLU);
    const std::vector<float> gate = linear(squeezed, w2, b2, Act::HSigmoid);
    Tensor3 r = x;
    for (int y = 0; y < x.h; y++)
        for (int xx = 0; xx < x.w; xx++)
            for (int ch = 0; ch < x.c; ch++)
                r.at(y, xx, ch) = float(double(x.at(y, xx, ch)) * gate[ch]);
    return r;
}

Tensor3 add(const Tensor3 &a, const Tensor3 &b) {
    require(a.h == b.h && a.w == b.w && a.c == b.c, "add: shapes differ");
    Tensor3 r = a;
    for (size_t i = 0; i < r.v.size(); i++) r.v[i] = float(double(a.v[i]) + b.v[i]);
    return r;
}

// ---- layers ----------------------------------------------------------------------------

int StemParams::out_height() const { return conv_geometry(height, kernel, stride, 1, padding).out; }
int StemParams::out_width() const { return conv_geometry(width, kernel, stride, 1, padding).out; }
int BneckParams::out_height() const {
    return conv_geometry(height, kernel, stride, dilation, padding).out;
}
int BneckParams::out_width() const {
    return conv_geometry(width, kernel, stride, dilation, padding).out;
}

double Ranges::apply(int i, double v) const {
    if (!enabled()) return v;
    require(size_t(2 * i + 1) < lohi.size(), "ranges: too few values");
    return std::min(std::max(v, double(lohi[2 * i])), double(lohi[2 * i + 1]));
}
Tensor3 Ranges::apply(int i, Tensor3 t) const {
    for (float &f : t.v) f = float(apply(i, double(f)));
    return t;
}
std::vector<float> Ranges::apply(int i, std::vector<float> v) const {
    for (float &f : v) f = float(apply(i, double(f)));
    return v;
}

Tensor3 stem(const StemParams &p, const StemWeights &wt, const Tensor3 &image) {
    require(image.h == p.height && image.w == p.width && image.c == p.in_c, "stem: input shape");
    require(wt.w.o == p.out_c && wt.w.i == p.in_c && wt.w.kh == p.kernel && wt.w.kw == p.kernel,
            "stem: weight shape");
    const ConvGeometry gy = conv_geometry(p.height, p.kernel, p.stride, 1, p.padding);
    const ConvGeometry gx = conv_geometry(p.width, p.kernel, p.stride, 1, p.padding);
    const Ranges &r = p.ranges;
    return r.apply(1, activate(r.apply(0, conv2d(image, wt.w, wt.b, p.stride, 1, 1, gy.pad_before,
                                                 gx.pad_before, gy.out, gx.out)),
                               p.act));
}

Tensor3 bneck(const BneckParams &p, const BneckWeights &wt, const Tensor3 &in) {
    require(in.h == p.height && in.w == p.width && in.c == p.in_c, "bneck: input shape");
    require(wt.dw_w.o == p.exp_c && wt.dw_w.i == 1 && wt.dw_w.kh == p.kernel &&
                wt.dw_w.kw == p.kernel, "bneck: depthwise weight shape");
    require(wt.proj_w.o == p.out_c && wt.proj_w.i == p.exp_c, "bneck: project weight shape");
    const Ranges &r = p.ranges;
    const Tensor3 expanded =
        p.has_expand() ? r.apply(1, activate(r.apply(0, pointwise(in, wt.expand_w, wt.expand_b)), p.act)) : in;
    const ConvGeometry gy = conv_geometry(p.height, p.kernel, p.stride, p.dilation, p.padding);
    const ConvGeometry gx = conv_geometry(p.width, p.kernel, p.stride, p.dilation, p.padding);
    Tensor3 dw = r.apply(3, activate(r.apply(2, conv2d(expanded, wt.dw_w, wt.dw_b, p.stride, p.dilation,
                                                       p.exp_c, gy.pad_before, gx.pad_before, gy.out,
                                                       gx.out)),
                                     p.act));
    if (p.has_se()) {
        require(wt.se1_w.o == p.se_c && wt.se1_w.i == p.exp_c, "bneck: se1 weight shape");
        if (!r.enabled()) {
            dw = squeeze_excite(dw, wt.se1_w, wt.se1_b, wt.se2_w, wt.se2_b);
        } else {
            // The same steps as squeeze_excite, with the clamp points between them.
            std::vector<float> z = r.apply(4, linear(global_avg_pool(dw), wt.se1_w, wt.se1_b, Act::ReLU));
            std::vector<float> g = r.apply(5, linear(z, wt.se2_w, wt.se2_b));
            for (int y = 0; y < dw.h; y++)
                for (int x = 0; x < dw.w; x++)
                    for (int c = 0; c < dw.c; c++)
                        dw.at(y, x, c) = float(r.apply(6, double(dw.at(y, x, c)) * hsigmoid(g[c])));
        }
    }
    Tensor3 out = r.apply(7, pointwise(dw, wt.proj_w, wt.proj_b, Act::None));
    return p.residual() ? r.apply(8, add(out, in)) : out;
}

std::vector<float> last_stage(const LastParams &p, const LastWeights &wt, const Tensor3 &in) {
    require(in.h == p.height && in.w == p.width && in.c == p.in_c, "last_stage: input shape");
    require(wt.conv_w.o == p.exp_c && wt.head_w.o == p.head_c && wt.fc_w.o == p.classes,
            "last_stage: weight shapes");
    const Ranges &r = p.ranges;
    const Tensor3 conv = r.apply(1, activate(r.apply(0, pointwise(in, wt.conv_w, wt.conv_b)), p.act));
    std::vector<float> head = r.apply(2, linear(global_avg_pool(conv), wt.head_w, wt.head_b));
    for (float &h : head) h = float(r.apply(3, activate(double(h), p.head_act)));
    return r.apply(4, linear(head, wt.fc_w, wt.fc_b, Act::None));
}

// ---- random data -----------------------------------------------------------------------

uint64_t Rng::next_u64() {
    uint64_t z = (s_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

double Rng::uniform(double lo, double hi) {
    return lo + (hi - lo) * (double(next_u64() >> 11) * (1.0 / 9007199254740992.0));
}

void fill_uniform(std::vector<float> &v, Rng &rng, double lo, double hi) {
    for (float &f : v) f = float(rng.uniform(lo, hi));
}

Tensor3 random_tensor(int h, int w, int c, Rng &rng, double lo, double hi) {
    Tensor3 t(h, w, c);
    fill_uniform(t.v, rng, lo, hi);
    return t;
}

namespace {

Tensor4 random_weight(int o, int i, int k, Rng &rng, double gain) {
    Tensor4 w(o, i, k, k);
    const double a = gain * std::sqrt(3.0 / (double(i) * k * k));
    fill_uniform(w.v, rng, -a, a);
    return w;
}

std::vector<float> random_bias(int n, Rng &rng) {
    std::vector<float> b(n);
    fill_uniform(b, rng, -1.0, 1.0);
    return b;
}

}  // namespace

StemWeights random_stem_weights(const StemParams &p, Rng &rng, double gain) {
    StemWeights w;
    w.w = random_weight(p.out_c, p.in_c, p.kernel, rng, gain);
    w.b = random_bias(p.out_c, rng);
    return w;
}

BneckWeights random_bneck_weights(const BneckParams &p, Rng &rng, double gain) {
    BneckWeights w;
    if (p.has_expand()) {
        w.expand_w = random_weight(p.exp_c, p.in_c, 1, rng, gain);
        w.expand_b = random_bias(p.exp_c, rng);
    }
    w.dw_w = random_weight(p.exp_c, 1, p.kernel, rng, gain);
    w.dw_b = random_bias(p.exp_c, rng);
    if (p.has_se()) {
        w.se1_w = random_weight(p.se_c, p.exp_c, 1, rng, gain);
        w.se1_b = random_bias(p.se_c, rng);
        w.se2_w = random_weight(p.exp_c, p.se_c, 1, rng, gain);
        w.se2_b = random_bias(p.exp_c, rng);
    }
    w.proj_w = random_weight(p.out_c, p.exp_c, 1, rng, gain);
    w.proj_b = random_bias(p.out_c, rng);
    return w;
}

LastWeights random_last_weights(const LastParams &p, Rng &rng, double gain) {
    LastWeights w;
    w.conv_w = random_weight(p.exp_c, p.in_c, 1, rng, gain);
    w.conv_b = random_bias(p.exp_c, rng);
    w.head_w = random_weight(p.head_c, p.exp_c, 1, rng, gain);
    w.head_b = random_bias(p.head_c, rng);
    w.fc_w = random_weight(p.classes, p.head_c, 1, rng, gain);
    w.fc_b = random_bias(p.classes, rng);
    return w;
}

// ---- comparison ------------------------------------------------------------------------

Comparison compare(const float *got, const float *want, size_t n, double tol) {
    Comparison c;
    c.n = n;
    for (size_t i = 0; i < n; i++) {
        const double g = got[i], w = want[i];
        const double err = std::fabs(g - w);
        const double allowed = tol * (1.0 + std::fabs(w));
        const double ratio = std::isnan(err) ? INFINITY : err / allowed;
        c.max_abs_want = std::max(c.max_abs_want, std::fabs(w));
        if (!std::isnan(err)) c.max_abs_err = std::max(c.max_abs_err, err);
        if (!(err <= allowed)) c.failures++;  // also counts NaN
        if (ratio > c.max_ratio) {
            c.max_ratio = ratio;
            c.worst = i;
        }
    }
    return c;
}

Comparison compare(const std::vector<float> &got, const std::vector<float> &want, double tol) {
    require(got.size() == want.size(), "compare: sizes differ");
    return compare(got.data(), want.data(), got.size(), tol);
}

std::string Comparison::summary() const {
    char buf[256];
    std::snprintf(buf, sizeof buf,
                  "%zu/%zu elements out of tolerance; max |err| %.3g, worst err/allowed %.3g at "
                  "index %zu, max |ref| %.3g",
                  failures, n, max_abs_err, max_ratio, worst, max_abs_want);
    return buf;
}

// ---- generator layouts -----------------------------------------------------------------

Packed pack_activations(const Tensor3 &t) { return {{t.c, t.h * t.w}, t.v}; }

Packed pack_image(const Tensor3 &t) { return {{t.c, t.w, t.h}, t.v}; }

Packed pack_pointwise(const Tensor4 &w) {
    require(w.kh == 1 && w.kw == 1, "pack_pointwise: weight must be {out, in, 1, 1}");
    Packed p{{w.o, w.i}, std::vector<float>(w.size())};
    for (int co = 0; co < w.o; co++)
        for (int ci = 0; ci < w.i; ci++) p.v[size_t(ci) * w.o + co] = w.at(co, ci, 0, 0);
    return p;
}

Packed pack_depthwise(const Tensor4 &w) {
    require(w.i == 1 && w.kh == w.kw, "pack_depthwise: weight must be {c, 1, k, k}");
    const int k = w.kh;
    Packed p{{w.o, k, k}, std::vector<float>(w.size())};
    for (int c = 0; c < w.o; c++)
        for (int ky = 0; ky < k; ky++)
            for (int kx = 0; kx < k; kx++)
                p.v[(size_t(ky) * k + kx) * w.o + c] = w.at(c, 0, ky, kx);
    return p;
}

Packed pack_stem(const Tensor4 &w) {
    require(w.kh == w.kw, "pack_stem: square kernels only");
    const int k = w.kh;
    Packed p{{w.o, w.i, k, k}, std::vector<float>(w.size())};
    for (int co = 0; co < w.o; co++)
        for (int ci = 0; ci < w.i; ci++)
            for (int ky = 0; ky < k; ky++)
                for (int kx = 0; kx < k; kx++)
                    p.v[((size_t(ky) * k + kx) * w.i + ci) * w.o + co] = w.at(co, ci, ky, kx);
    return p;
}

Packed pack_vector(const std::vector<float> &b) { return {{int(b.size())}, b}; }

Packed placeholder(int dims) { return {std::vector<int>(dims, 1), {0.0f}}; }

Packed pack_ranges(const Ranges &r) { return r.enabled() ? pack_vector(r.lohi) : placeholder(1); }

NamedPacked pack_stem_inputs(const StemParams &p, const StemWeights &wt, const Tensor3 &image) {
    require(image.h == p.height && image.w == p.width && image.c == p.in_c, "stem: input shape");
    return {{"input", pack_image(image)}, {"weight", pack_stem(wt.w)}, {"bias", pack_vector(wt.b)},
            {"ranges", pack_ranges(p.ranges)}};
}

NamedPacked pack_bneck_inputs(const BneckParams &p, const BneckWeights &wt, const Tensor3 &in) {
    require(in.h == p.height && in.w == p.width && in.c == p.in_c, "bneck: input shape");
    NamedPacked r;
    r.emplace_back("input", pack_activations(in));
    r.emplace_back("expand_w", p.has_expand() ? pack_pointwise(wt.expand_w) : placeholder(2));
    r.emplace_back("expand_b", p.has_expand() ? pack_vector(wt.expand_b) : placeholder(1));
    r.emplace_back("dw_w", pack_depthwise(wt.dw_w));
    r.emplace_back("dw_b", pack_vector(wt.dw_b));
    r.emplace_back("se1_w", p.has_se() ? pack_pointwise(wt.se1_w) : placeholder(2));
    r.emplace_back("se1_b", p.has_se() ? pack_vector(wt.se1_b) : placeholder(1));
    r.emplace_back("se2_w", p.has_se() ? pack_pointwise(wt.se2_w) : placeholder(2));
    r.emplace_back("se2_b", p.has_se() ? pack_vector(wt.se2_b) : placeholder(1));
    r.emplace_back("proj_w", pack_pointwise(wt.proj_w));
    r.emplace_back("proj_b", pack_vector(wt.proj_b));
    r.emplace_back("ranges", pack_ranges(p.ranges));
    return r;
}

NamedPacked pack_last_inputs(const LastParams &p, const LastWeights &wt, const Tensor3 &in) {
    require(in.h == p.height && in.w == p.width && in.c == p.in_c, "last_stage: input shape");
    return {{"input", pack_activations(in)},       {"conv_w", pack_pointwise(wt.conv_w)},
            {"conv_b", pack_vector(wt.conv_b)},    {"head_w", pack_pointwise(wt.head_w)},
            {"head_b", pack_vector(wt.head_b)},    {"fc_w", pack_pointwise(wt.fc_w)},
            {"fc_b", pack_vector(wt.fc_b)},       {"ranges", pack_ranges(p.ranges)}};
}

}  // namespace mnv3ref

// The reference operator for ssd_extra (an SSDLite extra block, torchvision
// detection/ssdlite.py _extra_block, batch norm folded) and its generator-test case
// (tests/reference/kind_case.h). Written from the spec with the plain reference primitives:
//   y1 = act(pointwise(x, w1, b1)); y2 = act(depthwise kxk stride s (y1)); out = act(pointwise(y2, w3, b3))
#include "kind_case.h"

#include <cmath>

namespace mnv3ref {

namespace {

struct SsdExtraParams {
    int in_c = 0, mid_c = 0, out_c = 0, kernel = 3, stride = 2, height = 0, width = 0;
    std::string act = "relu6";
    Padding padding = Padding::Symmetric;
};
struct SsdExtraWeights {
    Tensor4 w1, w2, w3;  // {mid, in, 1, 1}, {mid, 1, k, k}, {out, mid, 1, 1}
    std::vector<float> b1, b2, b3;
};

// relu6 is SSDLite's activation; the other names are the reference's own.
void act_inplace(Tensor3 &t, const std::string &act) {
    if (act == "relu6") {
        for (float &v : t.v) v = float(relu6(v));
    } else {
        activate_inplace(t, parse_act(act));
    }
}

Tensor3 ssd_extra(const SsdExtraParams &p, const SsdExtraWeights &w, const Tensor3 &x) {
    Tensor3 y1 = pointwise(x, w.w1, w.b1);
    act_inplace(y1, p.act);
    const ConvGeometry gy = conv_geometry(p.height, p.kernel, p.stride, 1, p.padding);
    const ConvGeometry gx = conv_geometry(p.width, p.kernel, p.stride, 1, p.padding);
    Tensor3 y2 = conv2d(y1, w.w2, w.b2, p.stride, 1, p.mid_c, gy.pad_before, gx.pad_before, gy.out, gx.out);
    act_inplace(y2, p.act);
    Tensor3 out = pointwise(y2, w.w3, w.b3);
    act_inplace(out, p.act);
    return out;
}

// Uniform in +-gain*sqrt(3/fan_in), as the reference's random_*_weights, with gain 1: three
// ReLU6 stages in a row saturate at gain 3 (every output 0 or 6), and then a changed weight
// changes nothing.
Tensor4 random_weight(int o, int i, int k, Rng &rng) {
    Tensor4 w(o, i, k, k);
    const double a = 1.0 * std::sqrt(3.0 / (double(i) * k * k));
    fill_uniform(w.v, rng, -a, a);
    return w;
}
std::vector<float> random_bias(int n, Rng &rng) {
    std::vector<float> b(static_cast<size_t>(n));
    fill_uniform(b, rng, -1.0, 1.0);
    return b;
}

Prepared prepare(const CaseParams &params, Rng &rng) {
    SsdExtraParams p;
    p.in_c = params.i("in_c"), p.mid_c = params.i("mid_c"), p.out_c = params.i("out_c");
    p.kernel = params.i("kernel"), p.stride = params.i("stride");
    p.height = params.i("height"), p.width = params.i("width");
    p.act = params.str("act");
    p.padding = parse_padding(params.str("padding"));
    const Tensor3 in = random_tensor(p.height, p.width, p.in_c, rng);
    SsdExtraWeights w;
    w.w1 = random_weight(p.mid_c, p.in_c, 1, rng);
    w.b1 = random_bias(p.mid_c, rng);
    w.w2 = random_weight(p.mid_c, 1, p.kernel, rng);
    w.b2 = random_bias(p.mid_c, rng);
    w.w3 = random_weight(p.out_c, p.mid_c, 1, rng);
    w.b3 = random_bias(p.out_c, rng);
    Prepared r;
    r.packed = {{"input", pack_activations(in)},       {"expand_w", pack_pointwise(w.w1)},
                {"expand_b", pack_vector(w.b1)},       {"dw_w", pack_depthwise(w.w2)},
                {"dw_b", pack_vector(w.b2)},           {"proj_w", pack_pointwise(w.w3)},
                {"proj_b", pack_vector(w.b3)}};
    const Tensor3 out = ssd_extra(p, w, in);
    r.out_extents = {p.out_c, out.h * out.w};
    r.ref = out.v;
    // One depthwise centre tap changed: on maps of 2x2 or 3x3 pixels a ReLU6 can leave a
    // channel dead everywhere, so take the first channel whose change shows in the
    // reference's own output (chosen by the reference alone, not by the code under test).
    for (int c = 0; c < p.mid_c; c++) {
        SsdExtraWeights bad = w;
        bad.w2.at(c, 0, p.kernel / 2, p.kernel / 2) += kDelta;
        r.perturbed = ssd_extra(p, bad, in).v;
        if (!compare(r.perturbed, r.ref).ok()) break;
    }
    return r;
}

}  // namespace

const KindCase &mnv3ref_case_ssd_extra() {
    static const KindCase c{"ssd_extra", "proj_w", prepare};
    return c;
}

}  // namespace mnv3ref

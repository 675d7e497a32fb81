// The generator tests' case for bneck (tests/reference/kind_case.h).
#include "kind_case.h"

namespace mnv3ref {

namespace {

Prepared prepare(const CaseParams &params, Rng &rng) {
    BneckParams p;
    p.in_c = params.i("in_c"), p.exp_c = params.i("exp_c"), p.out_c = params.i("out_c"), p.se_c = params.i("se_c");
    p.kernel = params.i("kernel"), p.stride = params.i("stride"), p.dilation = params.i("dilation");
    p.height = params.i("height"), p.width = params.i("width");
    p.act = parse_act(params.str("act"));
    p.padding = parse_padding(params.str("padding"));
    p.ranges = random_ranges(params, 9, rng);
    const Tensor3 in = random_tensor(p.height, p.width, p.in_c, rng);
    BneckWeights w = random_bneck_weights(p, rng);
    Prepared r;
    r.packed = pack_bneck_inputs(p, w, in);
    r.out_extents = {p.out_c, p.out_height() * p.out_width()};
    r.ref = bneck(p, w, in).v;
    w.dw_w.at(0, 0, p.kernel / 2, p.kernel / 2) += kDelta;
    r.perturbed = bneck(p, w, in).v;
    return r;
}

}  // namespace

const KindCase &mnv3ref_case_bneck() {
    static const KindCase c{"bneck", "proj_w", prepare};
    return c;
}

}  // namespace mnv3ref

// The generator tests' case for last (tests/reference/kind_case.h).
#include "kind_case.h"

namespace mnv3ref {

namespace {

Prepared prepare(const CaseParams &params, Rng &rng) {
    LastParams p;
    p.in_c = params.i("in_c"), p.exp_c = params.i("exp_c"), p.head_c = params.i("head_c");
    p.classes = params.i("classes"), p.height = params.i("height"), p.width = params.i("width");
    p.act = parse_act(params.str("act"));
    p.head_act = parse_act(params.str("head_act"));
    p.ranges = random_ranges(params, 5, rng);
    const Tensor3 in = random_tensor(p.height, p.width, p.in_c, rng);
    LastWeights w = random_last_weights(p, rng);
    Prepared r;
    r.packed = pack_last_inputs(p, w, in);
    r.out_extents = {p.classes};
    r.ref = last_stage(p, w, in);
    w.conv_w.at(0, 0, 0, 0) += kDelta;
    r.perturbed = last_stage(p, w, in);
    return r;
}

}  // namespace

const KindCase &mnv3ref_case_last() {
    static const KindCase c{"last", "conv_w", prepare};
    return c;
}

}  // namespace mnv3ref

// The generator tests' case for stem (tests/reference/kind_case.h).
#include "kind_case.h"

namespace mnv3ref {

namespace {

Prepared prepare(const CaseParams &params, Rng &rng) {
    StemParams p;
    p.in_c = params.i("in_c"), p.out_c = params.i("out_c"), p.kernel = params.i("kernel");
    p.stride = params.i("stride"), p.height = params.i("height"), p.width = params.i("width");
    p.act = parse_act(params.str("act"));
    p.padding = parse_padding(params.str("padding"));
    p.ranges = random_ranges(params, 2, rng);
    const Tensor3 image = random_tensor(p.height, p.width, p.in_c, rng);
    StemWeights w = random_stem_weights(p, rng);
    Prepared r;
    r.packed = pack_stem_inputs(p, w, image);
    r.out_extents = {p.out_c, p.out_height() * p.out_width()};
    r.ref = stem(p, w, image).v;
    w.w.at(0, 0, p.kernel / 2, p.kernel / 2) += kDelta;
    r.perturbed = stem(p, w, image).v;
    return r;
}

}  // namespace

const KindCase &mnv3ref_case_stem() {
    static const KindCase c{"stem", "weight", prepare};
    return c;
}

}  // namespace mnv3ref

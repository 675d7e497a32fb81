// stem: the first 3x3 stride-2 convolution with bias (batch norm folded) and activation.
// Reads the image as (c, x, y) with 3 channels; writes flattened pixels (c, p).
#include "common.h"
#include "stem.h"

namespace mnv3gen {

class Stem : public Generator<Stem> {
public:
    MNV3_STEM_PARAMS(MNV3_GENERATOR_PARAM)
    MNV3_STEM_KNOBS(MNV3_GENERATOR_KNOB)

    Input<Buffer<float>> input{mnv3::arg::input, 3};      // (in_c, width, height)
    Input<Buffer<float>> weight{mnv3::stem_arg::weight, 4}; // (out_c, in_c, kx, ky)
    Input<Buffer<float>> bias{mnv3::stem_arg::bias, 1};
    Input<Buffer<float>> ranges{mnv3::arg::ranges, 1};    // StemClamp pairs; 1 element if unused
    Output<Buffer<float>> output{mnv3::arg::output, 2};   // (out_c, out_h * out_w)

    void generate() {
        mnv3::StemParams s;
        MNV3_STEM_PARAMS(MNV3_COPY_PARAM)
        const int Ci = s.in_c, O = s.out_c, H = s.height, W = s.width, K = s.kernel, S = s.stride;
        const Padding P = s.padding;
        const int Ho = mnv3::stem_out_height(s), Wo = mnv3::stem_out_width(s);
        const int pt = conv_pad_before(H, K, S, 1, P), pl = conv_pad_before(W, K, S, 1, P);
        Var c("c"), p("p"), x("x"), y("y");

        Func padded = BoundaryConditions::constant_exterior(input, 0.0f);
        Expr sum = bias(c);
        for (int ky = 0; ky < K; ky++)
            for (int kx = 0; kx < K; kx++)
                for (int ci = 0; ci < Ci; ci++)
                    sum += weight(c, ci, kx, ky) * padded(ci, x * S + kx - pl, y * S + ky - pt);
        Func conv("conv");
        const Ranges rg{clamps, ranges};
        conv(c, x, y) = rg(int(mnv3::StemClamp::Act), activate(rg(int(mnv3::StemClamp::Conv), sum), s.act));
        output(c, p) = conv(c, p % Wo, p / Wo);

        constrain_dense(input, {Ci, W, H});
        constrain_dense(weight, {O, Ci, K, K});
        constrain_dense(bias, {O});
        constrain_dense(output, {O, Ho * Wo});
        constrain_dense(ranges, {clamps ? 2 * mnv3::clamp_count<mnv3::StemClamp>() : 1});

        // Rows of the output; within a row, blocks of `px` pixels by all output channels.
        const int v = pick_vec(vec, O, get_target());
        const int block = std::max(1, std::min<int>(px, Wo));
        Var row("row"), col("col"), cb("cb"), ci("ci"), xo("xo"), xi("xi");
        output.split(p, row, col, Wo).split(col, xo, xi, block, TailStrategy::ShiftInwards)
            .split(c, cb, ci, v).reorder(ci, xi, cb, xo, row).vectorize(ci).unroll(xi);
        if (parallel) output.parallel(row, 8);
    }
};

}  // namespace mnv3gen

HALIDE_REGISTER_GENERATOR(mnv3gen::Stem, stem)

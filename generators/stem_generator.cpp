// stem: the first 3x3 stride-2 convolution with bias (batch norm folded) and activation.
// Reads the image as (c, x, y) with 3 channels; writes flattened pixels (c, p).
#include "common.h"

namespace mnv3gen {

class Stem : public Generator<Stem> {
public:
    GeneratorParam<int> in_c{"in_c", 3}, out_c{"out_c", 16};
    GeneratorParam<int> kernel{"kernel", 3}, stride{"stride", 2};
    GeneratorParam<int> height{"height", 224}, width{"width", 224};
    GeneratorParam<Act> act{"act", Act::HSwish, kActs};
    GeneratorParam<Pad> padding{"padding", Pad::Symmetric, kPads};
    GeneratorParam<bool> clamps{"clamps", false};  // see bneck

    // Schedule knobs (schedules/README.md).
    GeneratorParam<int> vec{"vec", 0};
    GeneratorParam<int> px{"px", 4};          // output pixels computed together
    GeneratorParam<bool> par{"parallel", true};

    Input<Buffer<float>> input{"input", 3};   // (in_c, width, height)
    Input<Buffer<float>> weight{"weight", 4}; // (out_c, in_c, kx, ky)
    Input<Buffer<float>> bias{"bias", 1};
    Input<Buffer<float>> ranges{"ranges", 1};  // (lo, hi): conv, act; 1 element if unused
    Output<Buffer<float>> output{"output", 2};// (out_c, out_h * out_w)

    void generate() {
        const int Ci = in_c, O = out_c, H = height, W = width, K = kernel, S = stride;
        const Pad P = padding;
        const int Ho = conv_out_size(H, K, S, 1, P), Wo = conv_out_size(W, K, S, 1, P);
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
        conv(c, x, y) = rg(1, activate(rg(0, sum), act));
        output(c, p) = conv(c, p % Wo, p / Wo);

        constrain_dense(input, {Ci, W, H});
        constrain_dense(weight, {O, Ci, K, K});
        constrain_dense(bias, {O});
        constrain_dense(output, {O, Ho * Wo});
        constrain_dense(ranges, {clamps ? 4 : 1});

        // Rows of the output; within a row, blocks of `px` pixels by all output channels.
        const int v = pick_vec(vec, O, get_target());
        const int block = std::max(1, std::min<int>(px, Wo));
        Var row("row"), col("col"), cb("cb"), ci("ci"), xo("xo"), xi("xi");
        output.split(p, row, col, Wo).split(col, xo, xi, block, TailStrategy::ShiftInwards)
            .split(c, cb, ci, v).reorder(ci, xi, cb, xo, row).vectorize(ci).unroll(xi);
        if (par) output.parallel(row, 8);
    }
};

}  // namespace mnv3gen

HALIDE_REGISTER_GENERATOR(mnv3gen::Stem, stem)

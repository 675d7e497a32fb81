// last: the network's tail as one pipeline.
//   1x1 conv + BN + act -> global average pool -> 1x1 conv (no BN) + act -> 1x1 to logits
// Writes the logits (classes), not probabilities.
#include "common.h"

namespace mnv3gen {

class Last : public Generator<Last> {
public:
    GeneratorParam<int> in_c{"in_c", 160}, exp_c{"exp_c", 960}, head_c{"head_c", 1280};
    GeneratorParam<int> classes{"classes", 1000};
    GeneratorParam<int> height{"height", 7}, width{"width", 7};
    GeneratorParam<Act> act{"act", Act::HSwish, kActs};
    GeneratorParam<Act> head_act{"head_act", Act::HSwish, kActs};
    GeneratorParam<bool> clamps{"clamps", false};  // see bneck

    // Schedule knobs (schedules/README.md).
    GeneratorParam<int> vec{"vec", 0};
    GeneratorParam<int> e_vecs{"e_vecs", 2}, e_px{"e_px", 7};  // 1x1 conv register block
    GeneratorParam<int> fc_vecs{"fc_vecs", 4};                 // outputs per matvec block
    GeneratorParam<bool> par{"parallel", true};

    Input<Buffer<float>> input{"input", 2};       // (in_c, height * width)
    Input<Buffer<float>> conv_w{"conv_w", 2}, conv_b{"conv_b", 1};  // (exp_c, in_c)
    Input<Buffer<float>> head_w{"head_w", 2}, head_b{"head_b", 1};  // (head_c, exp_c)
    Input<Buffer<float>> fc_w{"fc_w", 2}, fc_b{"fc_b", 1};          // (classes, head_c)
    // (lo, hi): conv, conv act, head, head act, logits; 1 element if unused.
    Input<Buffer<float>> ranges{"ranges", 1};
    Output<Buffer<float>> output{"output", 1};    // (classes)

    void generate() {
        const int Ci = in_c, E = exp_c, F = head_c, NC = classes, HW = int(height) * int(width);
        Var c("c"), p("p");

        const Ranges rg{clamps, ranges};
        const Act A = act, HA = head_act;
        Pointwise conv("lastconv", input, conv_w, conv_b, Ci, E,
                       [&](Expr v) { return rg(1, activate(rg(0, v), A)); });
        RDom rp(0, HW, "rp"), re(0, E, "re"), rf(0, F, "rf");
        Func pooled("pooled"), head("head"), head_act_f("head_act"), logits("logits");
        pooled(c) = 0.0f;
        pooled(c) += conv.out(c, rp);
        head(c) = head_b(c);
        head(c) += head_w(c, re) * (pooled(re) * (1.0f / HW));
        head_act_f(c) = rg(3, activate(rg(2, head(c)), HA));
        logits(c) = fc_b(c);
        logits(c) += fc_w(c, rf) * head_act_f(rf);
        output(c) = rg(4, logits(c));

        constrain_dense(input, {Ci, HW});
        constrain_dense(conv_w, {E, Ci});
        constrain_dense(conv_b, {E});
        constrain_dense(head_w, {F, E});
        constrain_dense(head_b, {F});
        constrain_dense(fc_w, {NC, F});
        constrain_dense(fc_b, {NC});
        constrain_dense(output, {NC});
        constrain_dense(ranges, {clamps ? 10 : 1});

        const int v = pick_vec(vec, E, get_target());
        conv.out.compute_root();
        Var pb = conv.block(conv.out, v, e_vecs, e_px, HW);
        if (par) conv.out.parallel(pb);
        pooled.compute_root().vectorize(c, v);
        pooled.update().reorder(c, rp).vectorize(c, v);
        // Matrix-vector products: bound by reading the weights once; split the outputs
        // into blocks across threads, each streaming its rows of the weight matrix.
        auto matvec = [&](Func f, RDom r, int n) {
            const int vv = pick_vec(vec, n, get_target());
            const int blk = vv * std::max(1, std::min<int>(fc_vecs, n / vv));
            Var co("co"), cv("cv");
            f.compute_root().split(c, co, cv, blk, TailStrategy::ShiftInwards).vectorize(cv, vv);
            // The whole block is one vector (blk lanes: fc_vecs native vectors), so its
            // accumulators stay in registers and the last, partial block is one predicated
            // vector. Halide 14 loses the guard when a guarded split is split again
            // (vectorize(cv, vv), with or without unroll): the last block then read past the
            // weights and wrote past the end of the logits (a stack overflow on ARM).
            f.update().split(c, co, cv, blk, TailStrategy::GuardWithIf).reorder(cv, r.x, co)
                .vectorize(cv);
            if (par) f.update().parallel(co);
        };
        matvec(head, re, F);
        head_act_f.compute_root().vectorize(c, v);
        matvec(logits, rf, NC);
    }
};

}  // namespace mnv3gen

HALIDE_REGISTER_GENERATOR(mnv3gen::Last, last)

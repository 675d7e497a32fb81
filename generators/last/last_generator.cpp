// last: the network's tail as one pipeline.
//   1x1 conv + BN + act -> global average pool -> 1x1 conv (no BN) + act -> 1x1 to logits
// Writes the logits (classes), not probabilities.
#include "common.h"
#include "last.h"

namespace mnv3gen {

namespace A = mnv3::last_arg;
using mnv3::LastClamp;

class Last : public Generator<Last> {
public:
    MNV3_LAST_PARAMS(MNV3_GENERATOR_PARAM)
    MNV3_LAST_KNOBS(MNV3_GENERATOR_KNOB)

    Input<Buffer<float>> input{mnv3::arg::input, 2};  // (in_c, height * width)
    Input<Buffer<float>> conv_w{A::conv_w, 2}, conv_b{A::conv_b, 1};  // (exp_c, in_c)
    Input<Buffer<float>> head_w{A::head_w, 2}, head_b{A::head_b, 1};  // (head_c, exp_c)
    Input<Buffer<float>> fc_w{A::fc_w, 2}, fc_b{A::fc_b, 1};          // (classes, head_c)
    Input<Buffer<float>> ranges{mnv3::arg::ranges, 1};  // LastClamp pairs; 1 element if unused
    Output<Buffer<float>> output{mnv3::arg::output, 1};  // (classes)

    void generate() {
        mnv3::LastParams s;
        MNV3_LAST_PARAMS(MNV3_COPY_PARAM)
        const int Ci = s.in_c, E = s.exp_c, F = s.head_c, NC = s.classes, HW = s.height * s.width;
        Var c("c"), p("p");

        const Ranges rg{s.clamps, ranges};
        const Act act_ = s.act, head_act_ = s.head_act;
        auto slot = [](LastClamp c) { return int(c); };
        Pointwise conv("lastconv", input, conv_w, conv_b, Ci, E,
                       [&](Expr v) { return rg(slot(LastClamp::Act), activate(rg(slot(LastClamp::Conv), v), act_)); });
        RDom rp(0, HW, "rp"), re(0, E, "re"), rf(0, F, "rf");
        Func pooled("pooled"), head("head"), head_act_f("head_act"), logits("logits");
        pooled(c) = 0.0f;
        pooled(c) += conv.out(c, rp);
        head(c) = head_b(c);
        head(c) += head_w(c, re) * (pooled(re) * (1.0f / HW));
        head_act_f(c) = rg(slot(LastClamp::HeadAct), activate(rg(slot(LastClamp::Head), head(c)), head_act_));
        logits(c) = fc_b(c);
        logits(c) += fc_w(c, rf) * head_act_f(rf);
        output(c) = rg(slot(LastClamp::Logits), logits(c));

        constrain_dense(input, {Ci, HW});
        constrain_dense(conv_w, {E, Ci});
        constrain_dense(conv_b, {E});
        constrain_dense(head_w, {F, E});
        constrain_dense(head_b, {F});
        constrain_dense(fc_w, {NC, F});
        constrain_dense(fc_b, {NC});
        constrain_dense(output, {NC});
        constrain_dense(ranges, {s.clamps ? 2 * mnv3::clamp_count<LastClamp>() : 1});

        const int v = pick_vec(vec, E, get_target());
        conv.out.compute_root();
        Var pb = conv.block(conv.out, v, e_vecs, e_px, HW);
        if (parallel) conv.out.parallel(pb);
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
            if (parallel) f.update().parallel(co);
        };
        matvec(head, re, F);
        head_act_f.compute_root().vectorize(c, v);
        matvec(logits, rf, NC);
    }
};

}  // namespace mnv3gen

HALIDE_REGISTER_GENERATOR(mnv3gen::Last, last)

// ssd_extra: an SSDLite extra feature block as one Halide pipeline (contract: ssd_extra.h).
//   1x1 expand + act -> kxk depthwise stride s + act -> 1x1 project + act
#include "common.h"
#include "ssd_extra.h"

namespace mnv3gen {

namespace A = mnv3::ssd_extra_arg;

class SsdExtra : public Generator<SsdExtra> {
public:
    MNV3_SSD_EXTRA_PARAMS(MNV3_GENERATOR_PARAM)
    MNV3_SSD_EXTRA_KNOBS(MNV3_GENERATOR_KNOB)

    Input<Buffer<float>> input{mnv3::arg::input, 2};  // (in_c, height * width)
    Input<Buffer<float>> expand_w{A::expand_w, 2}, expand_b{A::expand_b, 1};  // (mid_c, in_c)
    Input<Buffer<float>> dw_w{A::dw_w, 3}, dw_b{A::dw_b, 1};                  // (mid_c, kx, ky)
    Input<Buffer<float>> proj_w{A::proj_w, 2}, proj_b{A::proj_b, 1};          // (out_c, mid_c)
    Output<Buffer<float>> output{mnv3::arg::output, 2};  // (out_c, out_h * out_w)

    void generate() {
        mnv3::SsdExtraParams s;
        MNV3_SSD_EXTRA_PARAMS(MNV3_COPY_PARAM)
        const int Ci = s.in_c, M = s.mid_c, O = s.out_c, H = s.height, W = s.width, K = s.kernel, S = s.stride;
        const int Ho = mnv3::ssd_extra_out_height(s), Wo = mnv3::ssd_extra_out_width(s);
        const int pt = conv_pad_before(H, K, S, 1, s.padding), pl = conv_pad_before(W, K, S, 1, s.padding);
        const Act a = s.act;
        Var c("c"), p("p"), x("x"), y("y");

        // Algorithm.
        Pointwise ex("expand", input, expand_w, expand_b, Ci, M, [=](Expr e) { return activate(e, a); });
        Func padded("padded"), dw("dw"), flat("flat");
        Expr inside = x >= 0 && x < W && y >= 0 && y < H;
        padded(c, x, y) = select(inside, ex.out(c, clamp(x, 0, W - 1) + clamp(y, 0, H - 1) * W), 0.0f);
        Expr sum = dw_b(c);
        for (int ky = 0; ky < K; ky++)
            for (int kx = 0; kx < K; kx++) sum += dw_w(c, kx, ky) * padded(c, x * S + kx - pl, y * S + ky - pt);
        dw(c, x, y) = activate(sum, a);
        flat(c, p) = dw(c, p % Wo, p / Wo);
        Pointwise pr("project", flat, proj_w, proj_b, M, O, [=](Expr e) { return activate(e, a); });
        output(c, p) = pr.out(c, p);

        constrain_dense(input, {Ci, H * W});
        constrain_dense(expand_w, {M, Ci});
        constrain_dense(expand_b, {M});
        constrain_dense(dw_w, {M, K, K});
        constrain_dense(dw_b, {M});
        constrain_dense(proj_w, {O, M});
        constrain_dense(proj_b, {O});
        constrain_dense(output, {O, Ho * Wo});

        // Schedule: the depthwise in blocks of d_px pixels by one vector of channels; the
        // 1x1s register-blocked. Fused: row tiles of the output compute their depthwise rows
        // and the expanded rows they need; else every stage whole.
        const int v = pick_vec(vec, std::min(M, O), get_target());
        const int dpx = std::max(1, std::min<int>(d_px, Wo));
        Var xo("xo"), xi("xi"), cb("cb"), ci("ci");
        if (fuse) {
            const int tile_px = std::max(1, std::min<int>(rows, Ho)) * Wo;
            Var t("t"), pin("pin");
            output.split(p, t, pin, tile_px, TailStrategy::ShiftInwards);
            if (parallel) output.parallel(t);
            pr.block(output, v, p_vecs, p_px, tile_px, pin);
            dw.compute_at(output, t);
            ex.out.compute_at(output, t);
            ex.block(ex.out, v, e_vecs, e_px, W);
        } else {
            ex.out.compute_root();
            Var pb = ex.block(ex.out, v, e_vecs, e_px, H * W);
            if (parallel) ex.out.parallel(pb);
            dw.compute_root();
            if (parallel) dw.parallel(y);
            Var qb = pr.block(output, v, p_vecs, p_px, Ho * Wo);
            if (parallel) output.parallel(qb);
        }
        dw.split(x, xo, xi, dpx, TailStrategy::ShiftInwards)
            .split(c, cb, ci, v, TailStrategy::ShiftInwards)
            .reorder(ci, xi, cb, xo).vectorize(ci).unroll(xi);
    }
};

}  // namespace mnv3gen

HALIDE_REGISTER_GENERATOR(mnv3gen::SsdExtra, ssd_extra)

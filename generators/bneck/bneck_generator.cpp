// bneck: the whole MobileNetV3 inverted-residual block as one Halide pipeline.
//   [1x1 expand + act] -> kxk depthwise (stride, dilation) + act -> [squeeze-excite]
//   -> 1x1 linear project -> [+ input when stride 1 and in_c == out_c]
// One pipeline, so the schedule can compute the expansion a few rows at a time in cache
// instead of writing the whole expanded tensor to memory (knob `fuse`). With `tap`, the
// expansion is also an output (SSDLite's first feature map).
// Parameters, knobs, argument names and clamp slots: bneck.h (the contract).
#include "bneck.h"
#include "common.h"

#include <stdexcept>

namespace mnv3gen {

using mnv3::BneckClamp;
namespace A = mnv3::bneck_arg;

class Bneck : public Generator<Bneck> {
public:
    MNV3_BNECK_PARAMS(MNV3_GENERATOR_PARAM)
    MNV3_BNECK_KNOBS(MNV3_GENERATOR_KNOB)

    Input<Buffer<float>> input{mnv3::arg::input, 2};  // (in_c, height * width)
    Input<Buffer<float>> expand_w{A::expand_w, 2}, expand_b{A::expand_b, 1};
    Input<Buffer<float>> dw_w{A::dw_w, 3}, dw_b{A::dw_b, 1};
    Input<Buffer<float>> se1_w{A::se1_w, 2}, se1_b{A::se1_b, 1};
    Input<Buffer<float>> se2_w{A::se2_w, 2}, se2_b{A::se2_b, 1};
    Input<Buffer<float>> proj_w{A::proj_w, 2}, proj_b{A::proj_b, 1};
    // (lo, hi) pairs in BneckClamp order; one placeholder element when clamps is false.
    Input<Buffer<float>> ranges{mnv3::arg::ranges, 1};
    Output<Buffer<float>> output{mnv3::arg::output, 2};  // (out_c, out_h * out_w)
    // The expansion (exp_c, height * width), declared only when tap is set.
    Output<Buffer<float>> *expansion = nullptr;

    void configure() {
        if (tap) expansion = add_output<Buffer<float>>(A::expansion, 2);
    }

    void generate() {
        copy_params();
        define_algorithm();
        constrain_shapes();
        if (!k.fuse) schedule_op_by_op();
        else if (s.se_c == 0) schedule_fused();
        else schedule_fused_se();
        if (s.se_c > 0) schedule_squeeze_excite();
    }

private:
    mnv3::BneckParams s;   // plain values of the parameters
    mnv3::BneckKnobs k;    // and of the knobs
    int Ho = 0, Wo = 0, v = 0;
    bool has_expand = false, residual = false;
    Var c{"c"}, p{"p"}, x{"x"}, y{"y"};
    std::unique_ptr<Pointwise> ex, pr;
    Func expanded{"expanded"}, padded{"padded"}, dw{"dw"};
    Func pooled{"pooled"}, squeeze{"squeeze"}, excite{"excite"}, gate{"gate"}, flat{"flat"};
    RDom rp, r1, r2;

    void copy_params() {
        {
            mnv3::BneckParams &s = this->s;
            MNV3_BNECK_PARAMS(MNV3_COPY_PARAM)
        }
        {
            mnv3::BneckKnobs &s = k;
            MNV3_BNECK_KNOBS(MNV3_COPY_KNOB)
        }
        Ho = mnv3::bneck_out_height(s);
        Wo = mnv3::bneck_out_width(s);
        has_expand = mnv3::bneck_has_expand(s);
        residual = mnv3::bneck_residual(s);
        if (s.tap && !has_expand) throw std::invalid_argument("bneck: tap needs an expand stage");
    }

    void define_algorithm() {
        const int Ci = s.in_c, E = s.exp_c, O = s.out_c, SE = s.se_c;
        const int H = s.height, W = s.width, K = s.kernel, S = s.stride, D = s.dilation;
        const int pt = conv_pad_before(H, K, S, D, s.padding), pl = conv_pad_before(W, K, S, D, s.padding);
        const Act act = s.act;
        const Ranges rg{s.clamps, ranges};
        auto slot = [](BneckClamp c) { return int(c); };

        if (has_expand) {
            ex.reset(new Pointwise("expand", input, expand_w, expand_b, Ci, E, [=](Expr e) {
                return rg(slot(BneckClamp::ExpandAct), activate(rg(slot(BneckClamp::ExpandConv), e), act));
            }));
            expanded = ex->out;
            if (s.tap) {
                // The tap is a pipeline output; the depthwise reads it back from there.
                (*expansion)(c, p) = ex->out(c, p);
                expanded = Func(*expansion);
            }
        } else {
            expanded(c, p) = input(c, p);
        }
        // Zero padding around the expanded map; coordinates are clamped so that the expand
        // stage is never asked for pixels outside the image.
        Expr inside = x >= 0 && x < W && y >= 0 && y < H;
        padded(c, x, y) = select(inside, expanded(c, clamp(x, 0, W - 1) + clamp(y, 0, H - 1) * W), 0.0f);

        Expr sum = dw_b(c);
        for (int ky = 0; ky < K; ky++)
            for (int kx = 0; kx < K; kx++)
                sum += dw_w(c, kx, ky) * padded(c, x * S + kx * D - pl, y * S + ky * D - pt);
        dw(c, x, y) = rg(slot(BneckClamp::DwAct), activate(rg(slot(BneckClamp::DwConv), sum), act));

        rp = RDom(0, Wo, 0, Ho, "rp");
        r1 = RDom(0, E, "r1");
        r2 = RDom(0, std::max(SE, 1), "r2");
        if (SE > 0) {
            pooled(c) = 0.0f;
            pooled(c) += dw(c, rp.x, rp.y);
            squeeze(c) = se1_b(c);
            squeeze(c) += se1_w(c, r1) * (pooled(r1) * (1.0f / (Ho * Wo)));
            excite(c) = se2_b(c);
            excite(c) += se2_w(c, r2) * rg(slot(BneckClamp::SeReduce), max(squeeze(r2), 0.0f));
            gate(c) = hsigmoid(rg(slot(BneckClamp::SeExpand), excite(c)));
        }
        // The depthwise result on flattened pixels, SE gate applied, as the project reads it.
        Expr d = dw(c, p % Wo, p / Wo);
        flat(c, p) = SE > 0 ? rg(slot(BneckClamp::SeOut), d * gate(c)) : d;

        pr.reset(new Pointwise("project", flat, proj_w, proj_b, E, O,
                               [=](Expr e) { return rg(slot(BneckClamp::Project), e); }));
        output(c, p) = residual ? rg(slot(BneckClamp::Residual), pr->out(c, p) + input(c, p)) : pr->out(c, p);
    }

    // Dense buffers of the instance's fixed shapes; absent optional inputs are 1-element.
    void constrain_shapes() {
        const int Ci = s.in_c, E = s.exp_c, O = s.out_c, SE = s.se_c, K = s.kernel;
        const bool se = SE > 0;
        constrain_dense(input, {Ci, s.height * s.width});
        constrain_dense(expand_w, {has_expand ? E : 1, has_expand ? Ci : 1});
        constrain_dense(expand_b, {has_expand ? E : 1});
        constrain_dense(dw_w, {E, K, K});
        constrain_dense(dw_b, {E});
        constrain_dense(se1_w, {se ? SE : 1, se ? E : 1});
        constrain_dense(se1_b, {se ? SE : 1});
        constrain_dense(se2_w, {se ? E : 1, se ? SE : 1});
        constrain_dense(se2_b, {se ? E : 1});
        constrain_dense(proj_w, {O, E});
        constrain_dense(proj_b, {O});
        constrain_dense(output, {O, Ho * Wo});
        constrain_dense(ranges, {s.clamps ? 2 * mnv3::clamp_count<BneckClamp>() : 1});
        if (s.tap) constrain_dense(*expansion, {E, s.height * s.width});
        v = pick_vec(k.vec, std::min(E, O), get_target());
    }

    // The depthwise in blocks of d_px pixels of a row by one vector of channels, so each
    // tap's weight vector is loaded once for the whole block.
    void block_depthwise(Func f) {
        const int dpx = std::max(1, std::min<int>(k.d_px, Wo));
        Var xo("xo"), xi("xi"), cb("cb"), ci("ci");
        f.split(x, xo, xi, dpx, TailStrategy::ShiftInwards)
            .split(c, cb, ci, v, TailStrategy::ShiftInwards)
            .reorder(ci, xi, cb, xo).vectorize(ci).unroll(xi);
    }

    // The expansion when it is an output: materialised whole (an output is computed at
    // root), so the depthwise reads it back as the op-by-op schedule does.
    void schedule_tapped_expansion() {
        Func e(*expansion);
        Var pb = ex->block(e, v, k.e_vecs, k.e_px, s.height * s.width);
        if (k.parallel) e.parallel(pb);
    }

    int tile_rows() const { return std::max(1, std::min<int>(k.rows, Ho)); }
    int tasks_for(int n_tiles) const { return std::max(1, std::min<int>(k.tasks, n_tiles)); }

    // Op by op: every stage materialised whole, as a layer-at-a-time engine would.
    void schedule_op_by_op() {
        if (s.tap) {
            schedule_tapped_expansion();
        } else if (has_expand) {
            ex->out.compute_root();
            Var pb = ex->block(ex->out, v, k.e_vecs, k.e_px, s.height * s.width);
            if (k.parallel) ex->out.parallel(pb);
        }
        dw.compute_root();
        block_depthwise(dw);
        if (k.parallel) dw.parallel(y);
        Var pb = pr->block(output, v, k.p_vecs, k.p_px, Ho * Wo);
        if (k.parallel) output.parallel(pb);
    }

    // Row tiles of the output, in `tasks` chunks of consecutive tiles, one chunk per thread.
    // Each tile computes the depthwise rows it needs into a small buffer; the expanded rows
    // live in a per-chunk buffer and slide: a tile computes only the rows its predecessor in
    // the chunk has not, so the halo is never recomputed except at chunk starts.
    void schedule_fused() {
        const int tile_px = tile_rows() * Wo;
        const int n_tiles = (Ho + tile_rows() - 1) / tile_rows();
        const int per_task = (n_tiles + tasks_for(n_tiles) - 1) / tasks_for(n_tiles);
        Var t("t"), pin("pin"), task("task"), ts("ts");
        output.split(p, t, pin, tile_px, TailStrategy::ShiftInwards)
            .split(t, task, ts, per_task, TailStrategy::ShiftInwards);
        if (k.parallel) output.parallel(task);
        pr->block(output, v, k.p_vecs, k.p_px, tile_px, pin);
        dw.compute_at(output, ts);
        block_depthwise(dw);
        if (s.tap) {
            schedule_tapped_expansion();
        } else if (has_expand) {
            ex->out.store_at(output, task).compute_at(output, ts);
            ex->block(ex->out, v, k.e_vecs, k.e_px, s.width);
        }
    }

    // Squeeze-excite needs the whole depthwise map before the project can start: the
    // depthwise is materialised in row tiles (chunks of them per thread), the expanded rows
    // sliding along within a chunk as above.
    void schedule_fused_se() {
        const int n_tiles = (Ho + tile_rows() - 1) / tile_rows();
        const int per_task = (n_tiles + tasks_for(n_tiles) - 1) / tasks_for(n_tiles);
        Var yo("yo"), yi("yi"), task("task"), ys("ys");
        dw.compute_root()
            .split(y, yo, yi, tile_rows(), TailStrategy::ShiftInwards)
            .split(yo, task, ys, per_task, TailStrategy::ShiftInwards);
        block_depthwise(dw);
        if (k.parallel) dw.parallel(task);
        if (s.tap) {
            schedule_tapped_expansion();
        } else if (has_expand) {
            ex->out.store_at(dw, task).compute_at(dw, ys);
            ex->block(ex->out, v, k.e_vecs, k.e_px, s.width);
        }
        Var pb = pr->block(output, v, k.p_vecs, k.p_px, Ho * Wo);
        if (k.parallel) output.parallel(pb);
    }

    void schedule_squeeze_excite() {
        const int vs = pick_vec(k.vec, s.se_c, get_target());
        vectorize_channels(pooled, {rp.x, rp.y}, v);
        vectorize_channels(squeeze, {r1}, vs);
        vectorize_channels(excite, {r2}, v);
        gate.compute_root().vectorize(c, v);
        // The gated map, flattened, in one vectorised pass: the project's reduction loop
        // then reads contiguous channels with no multiply of its own.
        Var pb("pb");
        flat.compute_root().split(p, pb, p, 8, TailStrategy::ShiftInwards).vectorize(c, v);
        if (k.parallel) flat.parallel(pb);
    }
};

}  // namespace mnv3gen

HALIDE_REGISTER_GENERATOR(mnv3gen::Bneck, bneck)

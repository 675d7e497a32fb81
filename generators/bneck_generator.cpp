// bneck: the whole MobileNetV3 inverted-residual block as one Halide pipeline.
//   [1x1 expand + act] -> kxk depthwise (stride, dilation) + act -> [squeeze-excite]
//   -> 1x1 linear project -> [+ input when stride 1 and in_c == out_c]
// One pipeline, so the schedule can compute the expansion a few rows at a time in cache
// instead of writing the whole expanded tensor to memory (knob `fuse`).
#include "common.h"

namespace mnv3gen {

class Bneck : public Generator<Bneck> {
public:
    // Shape of the layer instance (fixed at compile time; see runtime/model_zoo).
    GeneratorParam<int> in_c{"in_c", 16}, exp_c{"exp_c", 64}, out_c{"out_c", 24};
    GeneratorParam<int> se_c{"se_c", 0};  // 0: no squeeze-excite
    GeneratorParam<int> kernel{"kernel", 3}, stride{"stride", 1}, dilation{"dilation", 1};
    GeneratorParam<int> height{"height", 56}, width{"width", 56};
    GeneratorParam<Act> act{"act", Act::ReLU, kActs};
    GeneratorParam<Pad> padding{"padding", Pad::Symmetric, kPads};
    // Clamp stage outputs to the runtime input `ranges` (float import of a quantized model).
    GeneratorParam<bool> clamps{"clamps", false};

    // Schedule knobs (schedules/*.sched; documented in schedules/README.md).
    GeneratorParam<int> vec{"vec", 0};          // vector lanes, 0 = target's natural width
    GeneratorParam<bool> fuse{"fuse", true};    // expand/depthwise per row tile, in cache
    GeneratorParam<int> rows{"rows", 2};        // output rows per tile when fused
    GeneratorParam<int> e_vecs{"e_vecs", 2}, e_px{"e_px", 6};  // expand register block
    GeneratorParam<int> p_vecs{"p_vecs", 2}, p_px{"p_px", 6};  // project register block
    GeneratorParam<bool> par{"parallel", true}; // split row tiles across threads
    GeneratorParam<int> tasks{"tasks", 2};      // chunks of row tiles (one per thread)
    GeneratorParam<int> d_px{"d_px", 4};        // depthwise: output pixels sharing weight loads

    Input<Buffer<float>> input{"input", 2};     // (in_c, height * width)
    Input<Buffer<float>> expand_w{"expand_w", 2}, expand_b{"expand_b", 1};
    Input<Buffer<float>> dw_w{"dw_w", 3}, dw_b{"dw_b", 1};
    Input<Buffer<float>> se1_w{"se1_w", 2}, se1_b{"se1_b", 1};
    Input<Buffer<float>> se2_w{"se2_w", 2}, se2_b{"se2_b", 1};
    Input<Buffer<float>> proj_w{"proj_w", 2}, proj_b{"proj_b", 1};
    // (lo, hi) pairs: expand conv, expand act, dw conv, dw act, SE reduce, SE expand,
    // SE output, project, residual sum. One placeholder element when clamps is false.
    Input<Buffer<float>> ranges{"ranges", 1};
    Output<Buffer<float>> output{"output", 2};  // (out_c, out_h * out_w)

    void generate() {
        // Plain ints: GeneratorParams do not mix well with Halide's Expr operators.
        const int Ci = in_c, E = exp_c, O = out_c, SE = se_c;
        const int H = height, W = width, K = kernel, S = stride, D = dilation;
        const Act A = act;
        const Pad P = padding;
        const int Ho = conv_out_size(H, K, S, D, P), Wo = conv_out_size(W, K, S, D, P);
        const int pt = conv_pad_before(H, K, S, D, P), pl = conv_pad_before(W, K, S, D, P);
        const bool has_expand = E != Ci, has_se = SE > 0;
        const bool residual = S == 1 && Ci == O;
        const Ranges rg{clamps, ranges};
        Var c("c"), p("p"), x("x"), y("y");

        // Algorithm.
        Func expanded("expanded");
        std::unique_ptr<Pointwise> ex;
        if (has_expand) {
            ex.reset(new Pointwise("expand", input, expand_w, expand_b, Ci, E,
                                   [&](Expr v) { return rg(1, activate(rg(0, v), A)); }));
            expanded = ex->out;
        } else {
            expanded(c, p) = input(c, p);
        }
        // Zero padding around the expanded map; coordinates are clamped so that the expand
        // stage is never asked for pixels outside the image.
        Func padded("padded");
        Expr inside = x >= 0 && x < W && y >= 0 && y < H;
        padded(c, x, y) = select(inside, expanded(c, clamp(x, 0, W - 1) + clamp(y, 0, H - 1) * W), 0.0f);

        Func dw("dw");
        Expr sum = dw_b(c);
        for (int ky = 0; ky < K; ky++)
            for (int kx = 0; kx < K; kx++)
                sum += dw_w(c, kx, ky) * padded(c, x * S + kx * D - pl, y * S + ky * D - pt);
        dw(c, x, y) = rg(3, activate(rg(2, sum), A));

        Func gate("gate"), pooled("pooled"), squeeze("squeeze"), excite("excite");
        RDom rp(0, Wo, 0, Ho, "rp"), r1(0, E, "r1"), r2(0, std::max(SE, 1), "r2");
        if (has_se) {
            pooled(c) = 0.0f;
            pooled(c) += dw(c, rp.x, rp.y);
            squeeze(c) = se1_b(c);
            squeeze(c) += se1_w(c, r1) * (pooled(r1) * (1.0f / (Ho * Wo)));
            excite(c) = se2_b(c);
            excite(c) += se2_w(c, r2) * rg(4, max(squeeze(r2), 0.0f));
            gate(c) = hsigmoid(rg(5, excite(c)));
        }
        // The depthwise result on flattened pixels, SE gate applied, as the project reads it.
        Func flat("flat");
        Expr d = dw(c, p % Wo, p / Wo);
        flat(c, p) = has_se ? rg(6, d * gate(c)) : d;

        Pointwise pr("project", flat, proj_w, proj_b, E, O, [&](Expr v) { return rg(7, v); });
        output(c, p) = residual ? rg(8, pr.out(c, p) + input(c, p)) : pr.out(c, p);

        // Shapes: dense, fixed by the layer instance.
        constrain_dense(input, {Ci, H * W});
        constrain_dense(expand_w, {has_expand ? E : 1, has_expand ? Ci : 1});
        constrain_dense(expand_b, {has_expand ? E : 1});
        constrain_dense(dw_w, {E, K, K});
        constrain_dense(dw_b, {E});
        constrain_dense(se1_w, {has_se ? SE : 1, has_se ? E : 1});
        constrain_dense(se1_b, {has_se ? SE : 1});
        constrain_dense(se2_w, {has_se ? E : 1, has_se ? SE : 1});
        constrain_dense(se2_b, {has_se ? E : 1});
        constrain_dense(proj_w, {O, E});
        constrain_dense(proj_b, {O});
        constrain_dense(output, {O, Ho * Wo});
        constrain_dense(ranges, {clamps ? 18 : 1});

        // Schedule.
        const int v = pick_vec(vec, std::min(E, O), get_target());
        // The depthwise in blocks of d_px pixels of a row by one vector of channels, so each
        // tap's weight vector is loaded once for the whole block.
        const int dpx = std::max(1, std::min<int>(d_px, Wo));
        auto block_dw = [&](Func f) {
            Var xo("xo"), xi("xi"), cb("cb"), ci("ci");
            f.split(x, xo, xi, dpx, TailStrategy::ShiftInwards)
                .split(c, cb, ci, v, TailStrategy::ShiftInwards)
                .reorder(ci, xi, cb, xo).vectorize(ci).unroll(xi);
        };
        const int tile_rows = std::max(1, std::min<int>(rows, Ho));
        if (!fuse) {
            // Op by op: every stage materialised whole, as a layer-at-a-time engine would.
            if (has_expand) {
                ex->out.compute_root();
                Var pb = ex->block(ex->out, v, e_vecs, e_px, H * W);
                if (par) ex->out.parallel(pb);
            }
            dw.compute_root();
            block_dw(dw);
            if (par) dw.parallel(y);
            Var pb = pr.block(output, v, p_vecs, p_px, Ho * Wo);
            if (par) output.parallel(pb);
        } else if (!has_se) {
            // Row tiles of the output, in `tasks` chunks of consecutive tiles, one chunk per
            // thread. Each tile computes the depthwise rows it needs into a small buffer; the
            // expanded rows live in a per-chunk buffer and slide: a tile computes only the
            // rows its predecessor in the chunk has not, so the halo is never recomputed
            // except at chunk starts.
            const int tile_px = tile_rows * Wo;
            const int n_tiles = (Ho + tile_rows - 1) / tile_rows;
            const int n_tasks = std::max(1, std::min<int>(tasks, n_tiles));
            const int per_task = (n_tiles + n_tasks - 1) / n_tasks;
            Var t("t"), pin("pin"), task("task"), ts("ts");
            output.split(p, t, pin, tile_px, TailStrategy::ShiftInwards)
                .split(t, task, ts, per_task, TailStrategy::ShiftInwards);
            if (par) output.parallel(task);
            pr.block(output, v, p_vecs, p_px, tile_px, pin);
            dw.compute_at(output, ts);
            block_dw(dw);
            if (has_expand) {
                ex->out.store_at(output, task).compute_at(output, ts);
                ex->block(ex->out, v, e_vecs, e_px, W);
            }
        } else {
            // Squeeze-excite needs the whole depthwise map before the project can start:
            // the depthwise is materialised in row tiles (chunks of them per thread), the
            // expanded rows sliding along within a chunk as above.
            const int n_tiles = (Ho + tile_rows - 1) / tile_rows;
            const int n_tasks = std::max(1, std::min<int>(tasks, n_tiles));
            const int per_task = (n_tiles + n_tasks - 1) / n_tasks;
            Var yo("yo"), yi("yi"), task("task"), ys("ys");
            dw.compute_root()
                .split(y, yo, yi, tile_rows, TailStrategy::ShiftInwards)
                .split(yo, task, ys, per_task, TailStrategy::ShiftInwards);
            block_dw(dw);
            if (par) dw.parallel(task);
            if (has_expand) {
                ex->out.store_at(dw, task).compute_at(dw, ys);
                ex->block(ex->out, v, e_vecs, e_px, W);
            }
            Var pb = pr.block(output, v, p_vecs, p_px, Ho * Wo);
            if (par) output.parallel(pb);
        }
        if (has_se) {
            const int vs = pick_vec(vec, SE, get_target());
            vectorize_channels(pooled, {rp.x, rp.y}, v);
            vectorize_channels(squeeze, {r1}, vs);
            vectorize_channels(excite, {r2}, v);
            gate.compute_root().vectorize(c, v);
            // The gated map, flattened, in one vectorised pass: the project's reduction
            // loop then reads contiguous channels with no multiply of its own.
            Var pb("pb");
            flat.compute_root().split(p, pb, p, 8, TailStrategy::ShiftInwards).vectorize(c, v);
            if (par) flat.parallel(pb);
        }
    }
};

}  // namespace mnv3gen

HALIDE_REGISTER_GENERATOR(mnv3gen::Bneck, bneck)

#include "pack.h"

#include "mnv3/error.h"

#include <cmath>

namespace mnv3 {

namespace {

// A convolution's weight and bias after batch-norm folding, still in PyTorch order
// [out][in][ky][kx].
struct Folded {
    std::vector<int> shape;
    std::vector<double> w, b;
};

class Source {
public:
    explicit Source(const Weights &w) : w_(w) {}

    const Tensor &get(const std::string &name, const std::vector<int> &shape) const {
        auto it = w_.tensors.find(name);
        if (it == w_.tensors.end())
            throw Error("weights for " + w_.config.name() + ": missing tensor " + name);
        if (it->second.shape != shape)
            throw Error("weights for " + w_.config.name() + ": tensor " + name + " has shape " +
                        shape_string(it->second.shape) + ", expected " + shape_string(shape) +
                        " (a weight file of another model?)");
        return it->second;
    }
    bool has(const std::string &name) const { return w_.tensors.count(name) != 0; }

    // Conv `prefix.0.weight` followed by BN `prefix.1.*`, or with its own `prefix.0.bias`.
    Folded conv_bn(const std::string &prefix, std::vector<int> shape) const {
        const Tensor &wt = get(prefix + ".0.weight", shape);
        const int out = shape[0];
        const size_t per = wt.size() / size_t(out);
        Folded f{shape, std::vector<double>(wt.data.begin(), wt.data.end()), std::vector<double>(out, 0.0)};
        if (has(prefix + ".0.bias")) {
            const Tensor &b = get(prefix + ".0.bias", {out});
            for (int o = 0; o < out; o++) f.b[o] = b.data[o];
        }
        if (has(prefix + ".1.weight") || !has(prefix + ".0.bias")) {
            const Tensor &g = get(prefix + ".1.weight", {out}), &beta = get(prefix + ".1.bias", {out});
            const Tensor &mean = get(prefix + ".1.running_mean", {out}), &var = get(prefix + ".1.running_var", {out});
            for (int o = 0; o < out; o++) {
                if (!(var.data[o] >= 0)) throw Error("weights: negative running variance in " + prefix);
                double s = g.data[o] / std::sqrt(double(var.data[o]) + w_.bn_eps);
                for (size_t i = 0; i < per; i++) f.w[o * per + i] *= s;
                f.b[o] = (f.b[o] - mean.data[o]) * s + beta.data[o];
            }
        }
        return f;
    }
    // A plain layer with weight and bias (SE convs, Linear).
    Folded plain(const std::string &prefix, std::vector<int> shape) const {
        const Tensor &wt = get(prefix + ".weight", shape);
        const Tensor &b = get(prefix + ".bias", {shape[0]});
        return {shape, std::vector<double>(wt.data.begin(), wt.data.end()),
                std::vector<double>(b.data.begin(), b.data.end())};
    }

private:
    const Weights &w_;
};

// [out][in] (PyTorch, any trailing 1x1) -> Halide (co, ci), co innermost.
PackedArg pack_matrix(const Folded &f) {
    const int out = f.shape[0], in = f.shape[1];
    PackedArg a{{out, in}, std::vector<float>(size_t(out) * in)};
    for (int o = 0; o < out; o++)
        for (int i = 0; i < in; i++) a.data[o + size_t(out) * i] = float(f.w[size_t(o) * in + i]);
    return a;
}
PackedArg pack_bias(const Folded &f) {
    return {{int(f.b.size())}, std::vector<float>(f.b.begin(), f.b.end())};
}
// Depthwise [c][1][ky][kx] -> (c, kx, ky).
PackedArg pack_depthwise(const Folded &f) {
    const int c = f.shape[0], k = f.shape[2];
    PackedArg a{{c, k, k}, std::vector<float>(size_t(c) * k * k)};
    for (int ch = 0; ch < c; ch++)
        for (int ky = 0; ky < k; ky++)
            for (int kx = 0; kx < k; kx++)
                a.data[ch + size_t(c) * (kx + k * ky)] = float(f.w[(size_t(ch) * k + ky) * k + kx]);
    return a;
}
// Stem [co][ci][ky][kx] -> (co, ci, kx, ky).
PackedArg pack_stem(const Folded &f) {
    const int co = f.shape[0], ci = f.shape[1], k = f.shape[2];
    PackedArg a{{co, ci, k, k}, std::vector<float>(size_t(co) * ci * k * k)};
    for (int o = 0; o < co; o++)
        for (int i = 0; i < ci; i++)
            for (int ky = 0; ky < k; ky++)
                for (int kx = 0; kx < k; kx++)
                    a.data[o + size_t(co) * (i + size_t(ci) * (kx + size_t(k) * ky))] =
                        float(f.w[((size_t(o) * ci + i) * k + ky) * k + kx]);
    return a;
}
// Generators declare every optional input; an absent one gets a 1-element placeholder.
PackedArg placeholder(int dims) { return {std::vector<int>(dims, 1), {0.0f}}; }

}  // namespace

std::vector<PackedLayer> pack_torchvision(const std::vector<LayerSpec> &layers, const Weights &w) {
    Source src(w);
    std::vector<PackedLayer> packed;
    for (size_t i = 0; i < layers.size(); i++) {
        const LayerSpec &l = layers[i];
        const std::string feat = "features." + std::to_string(i);
        PackedLayer p;
        if (l.kind == LayerKind::Stem) {
            Folded f = src.conv_bn(feat, {l.out_c, l.in_c, l.kernel, l.kernel});
            p["weight"] = pack_stem(f);
            p["bias"] = pack_bias(f);
        } else if (l.kind == LayerKind::Bneck) {
            int j = 0;
            auto sub = [&] { return feat + ".block." + std::to_string(j++); };
            if (l.has_expand()) {
                Folded f = src.conv_bn(sub(), {l.exp_c, l.in_c, 1, 1});
                p["expand_w"] = pack_matrix(f);
                p["expand_b"] = pack_bias(f);
            } else {
                p["expand_w"] = placeholder(2);
                p["expand_b"] = placeholder(1);
            }
            Folded dw = src.conv_bn(sub(), {l.exp_c, 1, l.kernel, l.kernel});
            p["dw_w"] = pack_depthwise(dw);
            p["dw_b"] = pack_bias(dw);
            if (l.se_c) {
                const std::string se = sub();
                Folded f1 = src.plain(se + ".fc1", {l.se_c, l.exp_c, 1, 1});
                Folded f2 = src.plain(se + ".fc2", {l.exp_c, l.se_c, 1, 1});
                p["se1_w"] = pack_matrix(f1);
                p["se1_b"] = pack_bias(f1);
                p["se2_w"] = pack_matrix(f2);
                p["se2_b"] = pack_bias(f2);
            } else {
                for (const char *n : {"se1_w", "se2_w"}) p[n] = placeholder(2);
                for (const char *n : {"se1_b", "se2_b"}) p[n] = placeholder(1);
            }
            Folded pr = src.conv_bn(sub(), {l.out_c, l.exp_c, 1, 1});
            p["proj_w"] = pack_matrix(pr);
            p["proj_b"] = pack_bias(pr);
        } else {
            Folded c = src.conv_bn(feat, {l.exp_c, l.in_c, 1, 1});
            Folded h = src.plain("classifier.0", {l.head_c, l.exp_c});
            Folded fc = src.plain("classifier.3", {l.classes, l.head_c});
            p["conv_w"] = pack_matrix(c);
            p["conv_b"] = pack_bias(c);
            p["head_w"] = pack_matrix(h);
            p["head_b"] = pack_bias(h);
            p["fc_w"] = pack_matrix(fc);
            p["fc_b"] = pack_bias(fc);
        }
        // Clamp ranges (float import of a quantized model), or the unused placeholder.
        if (l.clamps) {
            const Tensor &r = src.get("ranges." + std::to_string(i), {2 * l.clamp_points()});
            p["ranges"] = {{2 * l.clamp_points()}, r.data};
        } else {
            p["ranges"] = placeholder(1);
        }
        packed.push_back(std::move(p));
    }
    return packed;
}

}  // namespace mnv3

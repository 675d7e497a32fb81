#include "mnv3/packing.h"

#include "mnv3/error.h"

#include <cmath>
#include <cstdio>

namespace mnv3 {

size_t Tensor::size() const {
    size_t n = 1;
    for (int d : shape) n *= size_t(d);
    return n;
}

std::string shape_string(const std::vector<int> &shape) {
    std::string s = "[";
    for (size_t i = 0; i < shape.size(); i++) s += (i ? "," : "") + std::to_string(shape[i]);
    return s + "]";
}

std::string tensor_value_error(const std::string &name, const float *v, size_t n) {
    const bool ranges = name.rfind("ranges.", 0) == 0;  // clamp ranges: unused points are +-inf
    const bool var = name.size() >= 12 && name.compare(name.size() - 12, 12, ".running_var") == 0;
    for (size_t i = 0; i < n; i++) {
        const float x = v[i];
        const bool ok = ranges ? !std::isnan(x) && (std::isinf(x) || std::fabs(x) <= kMaxWeight)
                               : std::fabs(x) <= kMaxWeight && (!var || x >= 0);  // false for NaN
        if (!ok) {
            char buf[160];
            std::snprintf(buf, sizeof buf, "element %zu is %g (%s)", i, double(x),
                          std::isnan(x) || (std::isinf(x) && !ranges) ? "not finite"
                          : var && x < 0                               ? "a negative running variance"
                                                                       : "beyond +-1e6");
            return "tensor " + name + " " + buf;
        }
    }
    return "";
}

PackedArg PackedArg::f32(std::vector<int> dims) {
    PackedArg a;
    a.dims = std::move(dims);
    a.bytes.assign(a.elements() * sizeof(float), 0);
    return a;
}

size_t PackedArg::elements() const {
    size_t n = 1;
    for (int d : dims) n *= size_t(d);
    return n;
}

const Tensor &WeightSource::get(const std::string &name, const std::vector<int> &shape) const {
    auto it = t_.find(name);
    if (it == t_.end()) throw Error("weights for " + model_ + ": missing tensor " + name);
    const Tensor &t = it->second;
    if (t.shape != shape)
        throw Error("weights for " + model_ + ": tensor " + name + " has shape " + shape_string(t.shape) +
                    ", expected " + shape_string(shape) + " (a weight file of another model?)");
    if (t.data.size() != t.size())
        throw Error("weights for " + model_ + ": tensor " + name + " holds " + std::to_string(t.data.size()) +
                    " values for shape " + shape_string(t.shape));
    // Whatever the source (a file, an importer, the caller's memory): no NaN, Inf or absurd
    // magnitudes, which would run and print confident garbage.
    const std::string bad = tensor_value_error(name, t.data.data(), t.data.size());
    if (!bad.empty()) throw Error("weights for " + model_ + ": " + bad);
    return t;
}

Folded WeightSource::conv_bn(const std::string &prefix, const std::vector<int> &shape) const {
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
            double s = g.data[o] / std::sqrt(double(var.data[o]) + eps_);
            if (!std::isfinite(s) || std::fabs(s) > 1e12)
                throw Error("weights for " + model_ + ": batch norm " + prefix + " scales channel " + std::to_string(o) +
                            " by " + std::to_string(s));
            for (size_t i = 0; i < per; i++) f.w[o * per + i] *= s;
            f.b[o] = (f.b[o] - mean.data[o]) * s + beta.data[o];
        }
    }
    return f;
}

Folded WeightSource::plain(const std::string &prefix, const std::vector<int> &shape) const {
    const Tensor &wt = get(prefix + ".weight", shape);
    const Tensor &b = get(prefix + ".bias", {shape[0]});
    return {shape, std::vector<double>(wt.data.begin(), wt.data.end()), std::vector<double>(b.data.begin(), b.data.end())};
}

PackedArg pack_matrix(const Folded &f) {
    const int out = f.shape[0], in = f.shape[1];
    PackedArg a = PackedArg::f32({out, in});
    float *d = a.f32_data();
    for (int o = 0; o < out; o++)
        for (int i = 0; i < in; i++) d[o + size_t(out) * i] = float(f.w[size_t(o) * in + i]);
    return a;
}

PackedArg pack_bias(const Folded &f) {
    PackedArg a = PackedArg::f32({int(f.b.size())});
    for (size_t i = 0; i < f.b.size(); i++) a.f32_data()[i] = float(f.b[i]);
    return a;
}

PackedArg pack_depthwise(const Folded &f) {
    const int c = f.shape[0], k = f.shape[2];
    PackedArg a = PackedArg::f32({c, k, k});
    float *d = a.f32_data();
    for (int ch = 0; ch < c; ch++)
        for (int ky = 0; ky < k; ky++)
            for (int kx = 0; kx < k; kx++) d[ch + size_t(c) * (kx + k * ky)] = float(f.w[(size_t(ch) * k + ky) * k + kx]);
    return a;
}

PackedArg pack_conv(const Folded &f) {
    const int co = f.shape[0], ci = f.shape[1], k = f.shape[2];
    PackedArg a = PackedArg::f32({co, ci, k, k});
    float *d = a.f32_data();
    for (int o = 0; o < co; o++)
        for (int i = 0; i < ci; i++)
            for (int ky = 0; ky < k; ky++)
                for (int kx = 0; kx < k; kx++)
                    d[o + size_t(co) * (i + size_t(ci) * (kx + size_t(k) * ky))] =
                        float(f.w[((size_t(o) * ci + i) * k + ky) * k + kx]);
    return a;
}

PackedArg placeholder(int dims) { return PackedArg::f32(std::vector<int>(dims, 1)); }

}  // namespace mnv3

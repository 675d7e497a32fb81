// Turning named trained tensors into the buffers a generated layer reads: batch norm folded
// into weights and biases, weights transposed into the layouts of generators/common.h.
// Each kind's descriptor packs its own arguments with these helpers; it runs once, at load.
#pragma once
#include "mnv3/contract.h"
#include "mnv3/tensor.h"

#include <map>
#include <string>
#include <vector>

namespace mnv3 {

// One generated-function argument's contents, typed.
struct PackedArg {
    std::vector<int> dims;  // Halide order: innermost first
    DType dtype = DType::F32;
    std::vector<unsigned char> bytes;

    // A zero-filled float32 argument of the given extents.
    static PackedArg f32(std::vector<int> dims);
    size_t elements() const;
    float *f32_data() { return reinterpret_cast<float *>(bytes.data()); }
    const float *f32_data() const { return reinterpret_cast<const float *>(bytes.data()); }
};
// A layer's weight arguments by the names its generator declares.
using PackedLayer = std::map<std::string, PackedArg>;

// A convolution's weight and bias after batch-norm folding, still in PyTorch order
// [out][in][ky][kx], in double.
struct Folded {
    std::vector<int> shape;
    std::vector<double> w, b;
};

// Largest |value| a trained tensor may hold (weights, biases, batch-norm statistics):
// trained MobileNetV3 values are within +-1e3; anything near float's range is corruption.
constexpr float kMaxWeight = 1e6f;

// The value rule every source of trained tensors follows (weight files, importers, memory):
// every element finite and within +-kMaxWeight; tensors "ranges.*" (clamp ranges) may hold
// +-inf but never NaN; "*.running_var" must be >= 0. Returns "" when `v` follows it, else
// "tensor NAME element I is X (why)".
std::string tensor_value_error(const std::string &name, const float *v, size_t n);

// Trained tensors by torchvision name, checked as they are taken: present, of the expected
// shape, their values following tensor_value_error's rule.
class WeightSource {
public:
    // `model` names the model in messages.
    WeightSource(const std::map<std::string, Tensor> &tensors, float bn_eps, std::string model)
        : t_(tensors), eps_(bn_eps), model_(std::move(model)) {}

    // Throws mnv3::Error when the tensor is missing or has another shape.
    const Tensor &get(const std::string &name, const std::vector<int> &shape) const;
    bool has(const std::string &name) const { return t_.count(name) != 0; }
    // Conv `prefix.0.weight` followed by BN `prefix.1.*`, or with its own `prefix.0.bias`.
    Folded conv_bn(const std::string &prefix, const std::vector<int> &shape) const;
    // A plain layer with weight and bias (SE convs, Linear).
    Folded plain(const std::string &prefix, const std::vector<int> &shape) const;

private:
    const std::map<std::string, Tensor> &t_;
    float eps_;
    std::string model_;
};

// [out][in] (any trailing 1x1) -> (co, ci), co innermost.
PackedArg pack_matrix(const Folded &f);
PackedArg pack_bias(const Folded &f);
// Depthwise [c][1][ky][kx] -> (c, kx, ky).
PackedArg pack_depthwise(const Folded &f);
// Dense conv [co][ci][ky][kx] -> (co, ci, kx, ky).
PackedArg pack_conv(const Folded &f);
// Generators declare every optional input; an absent one gets a 1-element placeholder.
PackedArg placeholder(int dims);

}  // namespace mnv3

// Turns named trained tensors into the per-layer buffers the generated code reads:
// batch norm folded into weights and biases, weights transposed into the layouts of
// generators/common.h. Runs once, at load.
#pragma once
#include "mnv3/model_zoo.h"
#include "mnv3/weights.h"

#include <map>
#include <string>
#include <vector>

namespace mnv3 {

// One generated-function argument: its name (as the generator declares it) and contents.
struct PackedArg {
    std::vector<int> dims;  // Halide order: innermost first
    std::vector<float> data;
};
using PackedLayer = std::map<std::string, PackedArg>;

// Packs every layer of `layers` from torchvision-named tensors. Throws mnv3::Error when a
// tensor is missing or has the wrong shape for the model the file claims to be.
std::vector<PackedLayer> pack_torchvision(const std::vector<LayerSpec> &layers, const Weights &w);

}  // namespace mnv3

// The model zoo: the one place that says what MobileNetV3 networks look like.
// A model configuration expands into an ordered list of layer instances (a layer kind with
// every parameter fixed; the kinds are in generators/<kind>/, their descriptors answer every
// question about an instance), and into a graph of those instances over named tensors
// (mnv3/graph.h). The build compiles one Halide pipeline per distinct instance; the runtime
// runs the graph. Nothing here knows about Halide or files.
#pragma once
#include "mnv3/contract.h"
#include "mnv3/layer_kind.h"

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace mnv3 {

enum class Arch { Large, Small };

struct ModelConfig {
    Arch arch = Arch::Large;
    float width = 1.0f;         // width multiplier alpha
    bool minimalistic = false;  // no SE, ReLU everywhere, 3x3 depthwise only
    int resolution = 224;       // multiple of 32 in [96, 320]
    Padding padding = Padding::Symmetric;
    int classes = 1000;
    // Clamp every stage output to a range given with the weights: the float form of a
    // quantized model, whose activations live in its tensors' quantization ranges (TFLite).
    bool ranges = false;
    // Layers (features index) whose expansion is also a model output, named
    // "features.<i>.expansion" (SSDLite's first feature map is features.13's).
    std::vector<int> taps;

    // e.g. "large_1.0_224_sym_c1000", "small-min_0.75_160_same_c1001_ranges", "..._t13".
    std::string name() const;
    // Parses the form name() prints, or the whitespace-separated line form of models.conf:
    // "large 1.0 224 sym 1000 [ranges] [tap=13]" (arch: large, small, large-min or
    // small-min). Throws std::invalid_argument with a message saying what is wrong.
    static ModelConfig parse(const std::string &text);
    // Throws std::invalid_argument when a field is out of the supported range.
    void validate() const;
};

// One layer instance: a kind and its parameters (the names its contract declares).
struct LayerSpec {
    const LayerKind *kind = nullptr;
    Params params;

    // A parameter's value (bools and enums as ints); throws std::out_of_range if absent.
    int get(const std::string &name) const;
    std::string signature() const { return kind->signature(params); }
    std::string shape_key() const { return kind->shape_key(params); }
    int64_t macs() const { return kind->macs(params); }
    const char *generator() const { return kind->name(); }
    std::vector<std::string> generator_params() const { return kind->generator_params(params); }
    std::vector<Port> inputs() const { return kind->inputs(params); }
    std::vector<Port> outputs() const { return kind->outputs(params); }
    int clamp_slots() const { return kind->clamp_slots(params); }
};

// A layer instance of the named kind from its contract struct (e.g. BneckParams).
template <typename P>
LayerSpec make_layer(const char *kind, const P &p) {
    const LayerKind *k = find_kind(kind);
    if (!k) throw std::invalid_argument(std::string("no layer kind '") + kind + "' in this build");
    return {k, encode_params(p)};
}

int make_divisible(double v, int divisor = 8);
// The layer instances of a configuration, in execution order (features.0 ... then last).
std::vector<LayerSpec> build_layers(const ModelConfig &cfg);

}  // namespace mnv3

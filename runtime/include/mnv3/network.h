// A MobileNetV3 ready to run: weights folded and packed once, activations allocated once,
// the AOT-compiled layers called in order. Not thread-safe: one inference at a time per
// Network (each inference itself uses the Halide thread pool).
#pragma once
#include "mnv3/model_zoo.h"
#include "mnv3/weights.h"

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace mnv3 {

class Network {
public:
    // Loads a weight file (docs/weights-format.md). Throws mnv3::Error. `variant` selects a
    // schedule variant compiled into the program (cmake/Mnv3Layers.cmake VARIANT; "" = the
    // build's own schedules).
    static std::unique_ptr<Network> load(const std::string &weights_path, const std::string &variant = "");
    // Builds from tensors already in memory (torchvision names). Throws mnv3::Error.
    explicit Network(const Weights &weights, const std::string &variant = "");
    ~Network();
    Network(const Network &) = delete;
    Network &operator=(const Network &) = delete;

    const ModelConfig &config() const;
    const std::vector<LayerSpec> &layers() const;
    int input_height() const;
    int input_width() const;
    int num_classes() const;

    // Runs one image: `nhwc` holds height*width*3 floats (already normalised, the model's
    // input convention). Returns the logits, valid until the next run. Throws mnv3::Error.
    const float *run(const float *nhwc, size_t count);
    // The same, and adds each layer's wall time (seconds) to layer_seconds (resized to fit).
    const float *run_timed(const float *nhwc, size_t count, std::vector<double> &layer_seconds);
    // The same, calling hook(layer, true) before and hook(layer, false) after each layer
    // (profilers, instruction counters, per-layer dumps).
    using LayerHook = std::function<void(size_t layer, bool before)>;
    const float *run_hooked(const float *nhwc, size_t count, const LayerHook &hook);
    // The output of layer i after the last run: (channels, pixels) activations, or the logits.
    const float *layer_output(size_t i) const;

    // Threads used by the generated code (process-wide: the Halide thread pool is shared).
    static void set_threads(int n);
    // Model configurations compiled into this build (models.conf).
    static std::vector<std::string> compiled_models();

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace mnv3

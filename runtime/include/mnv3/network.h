// A MobileNetV3 ready to run: a graph of layer instances (mnv3/graph.h), weights folded and
// packed once, every tensor placed in one arena planned at load, the AOT-compiled layers
// called in graph order. Not thread-safe: one inference at a time per Network (each
// inference itself uses the Halide thread pool).
#pragma once
#include "mnv3/graph.h"
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
    // Builds the zoo graph of the weights' configuration from tensors in memory
    // (torchvision names). Throws mnv3::Error.
    explicit Network(const Weights &weights, const std::string &variant = "");
    // Any graph whose nodes take their trained tensors from `weights` (under each node's
    // name), e.g. build_graph() of a configuration with taps. Throws mnv3::Error.
    Network(const Graph &graph, const Weights &weights, const std::string &variant = "");
    ~Network();
    Network(const Network &) = delete;
    Network &operator=(const Network &) = delete;

    const ModelConfig &config() const;
    const Graph &graph() const;
    // The layer instances in execution order (one per graph node).
    const std::vector<LayerSpec> &layers() const;
    // The first graph input (the image): its rows and columns.
    int input_height() const;
    int input_width() const;
    // Elements of the first graph output (the logits).
    int num_classes() const;

    // Runs one image: `nhwc` holds height*width*3 floats (already normalised, the model's
    // input convention). Returns the first output (the logits), valid until the next run.
    // Throws mnv3::Error.
    const float *run(const float *nhwc, size_t count);
    // The same, and adds each layer's wall time (seconds) to layer_seconds (resized to fit).
    const float *run_timed(const float *nhwc, size_t count, std::vector<double> &layer_seconds);
    // The same, calling hook(layer, true) before and hook(layer, false) after each layer
    // (profilers, instruction counters, per-layer dumps).
    using LayerHook = std::function<void(size_t layer, bool before)>;
    const float *run_hooked(const float *nhwc, size_t count, const LayerHook &hook);
    // The first output of layer i after the last run: (channels, pixels) activations, or the
    // logits. Valid until the next run.
    const float *layer_output(size_t i) const;

    // Named graph outputs after the last run ("logits", "features.13.expansion", ...): the
    // data in the tensor's layout ((c, p) for activations), and its element count. Throws
    // mnv3::Error for a name that is not an output.
    std::vector<std::string> output_names() const;
    const float *output(const std::string &name) const;
    size_t output_size(const std::string &name) const;

    // Bytes of the activation arena (every graph tensor, planned from their lifetimes).
    size_t arena_bytes() const;

    // Threads used by the generated code (process-wide: the Halide thread pool is shared).
    static void set_threads(int n);
    // Model configurations compiled into this build (model/models.conf).
    static std::vector<std::string> compiled_models();

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace mnv3

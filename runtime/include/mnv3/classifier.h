// An ImageNet classifier over a Network: the model, how 8-bit RGB becomes its float input,
// and what its outputs mean (softmax probabilities, top-k with the background class of
// 1001-class models accounted for). Library mnv3_classifier (links mnv3_runtime and
// mnv3_tflite_import); it does no image decoding or resizing: give it pixels already at the
// network's input size (mnv3/image.h crop_resize makes them). Errors are mnv3::Error.
// Like Network, not thread-safe: one call at a time per Classifier.
//
//   mnv3::Classifier c("v3-small_224_1.0_uint8.tflite");
//   std::vector<float> x;
//   c.normalise(px.rgb.data(), px.rgb.size(), x);  // px: the network's input size
//   std::vector<float> prob = c.softmax(c.run(x));
//   for (const mnv3::Prediction &p : c.top_k(prob, 5))
//       ... p.label (a line of the labels file, -1: background), p.probability
#pragma once
#include "mnv3/error.h"
#include "mnv3/network.h"
#include "mnv3/tflite_import.h"
#include "mnv3/weights.h"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace mnv3 {

// How 8-bit RGB pixels (interleaved, p in [0, 255]) become the network's float input.
struct PixelNormalisation {
    enum Kind {
        Affine,    // x = (p - affine.zero) * affine.scale on every channel (a TFLite model's
                   // input quantization)
        ImageNet,  // x = (p / 255 - mean[c]) / std[c], torchvision's ImageNet statistics:
                   // mean = {0.485, 0.456, 0.406}, std = {0.229, 0.224, 0.225} (.mnv3w models)
    };
    Kind kind = Affine;
    InputConvention affine;  // Affine only

    PixelNormalisation() = default;
    PixelNormalisation(const InputConvention &a) : affine(a) {}  // Affine (implicit)
    static PixelNormalisation imagenet() { PixelNormalisation n; n.kind = ImageNet; return n; }
};

// One entry of a top-k list.
struct Prediction {
    int index = 0;            // network output (logit), 0 .. num_classes - 1
    int label = 0;            // line of the labels file (0-based): index, or index - 1 with
                              // a background class, whose own output 0 has label -1
    float probability = 0;    // softmax probability
};

// `path` ends in `ext` ("model.TFLITE" has ".tflite"), ASCII case-insensitively: how the
// Classifier and classify recognise model files.
bool has_extension(const std::string &path, const std::string &ext);

class Classifier {
public:
    // Loads a model file, chosen by its extension:
    //   .tflite  a quantized TF-slim MobileNetV3 (mnv3::import_tflite_file): Affine input
    //            convention from its input tensor's quantization;
    //   .mnv3w   a weight file with torchvision conventions (Network::load): ImageNet.
    // Anything else: mnv3::Error "model '<path>': expected a .tflite or .mnv3w file".
    explicit Classifier(const std::string &model_path);
    // Builds the network from tensors in memory (torchvision names) with the given input
    // convention; an InputConvention (e.g. ImportedModel::input) converts to Affine.
    Classifier(const Weights &weights, const PixelNormalisation &input);

    // The network (sizes, class count, config; Network::run for a hand-made input).
    Network &network() { return *net_; }
    const Network &network() const { return *net_; }
    const PixelNormalisation &input() const { return input_; }
    // 1001-class models (TF-slim): output 0 is "background" and output i is label i - 1.
    bool background_class() const;
    // The lines a labels file needs: network().num_classes(), less one with a background class.
    int num_labels() const;

    // network().input_height() x input_width() 8-bit RGB pixels (`size` bytes, 3 a pixel,
    // rows packed) to the network's input, in `x` (resized to fit: reuse it across calls).
    // Throws mnv3::Error when size does not match.
    void normalise(const uint8_t *rgb, size_t size, std::vector<float> &x) const;
    // Runs the network on a normalised input; returns its network().num_classes() logits,
    // valid until the next run. Throws mnv3::Error.
    const float *run(const std::vector<float> &x);
    // Softmax of network().num_classes() logits: the maximum subtracted, exp in float, the
    // sum in double.
    std::vector<float> softmax(const float *logits) const;
    // The min(k, num_classes) most probable outputs, most probable first (ties: lower index
    // first), the background output included. Throws mnv3::Error when prob does not hold
    // network().num_classes() values or k < 1.
    std::vector<Prediction> top_k(const std::vector<float> &prob, int k) const;

private:
    std::unique_ptr<Network> net_;
    PixelNormalisation input_;
};

}  // namespace mnv3

// Imports a quantized MobileNetV3 .tflite file (TF-slim release: uint8, per-tensor) as a
// float model this project runs: recognises Small or Large, minimalistic, width, resolution,
// class count and padding from the graph, dequantizes weights (w = scale * (q - zero_point))
// and biases, and records every stage's quantization range, which is where these files keep
// their activations (ModelConfig::ranges). A graph that is not such a MobileNetV3 gets an
// mnv3::Error saying what did not match.
#pragma once
#include "mnv3/tflite.h"
#include "mnv3/weights.h"

#include <string>

namespace mnv3 {

// How 8-bit RGB pixels become the network's float input: x = (pixel - zero) * scale.
struct InputConvention {
    float zero = 0.0f, scale = 1.0f;
};

struct ImportedModel {
    Weights weights;          // torchvision-style names, batch norm already folded
    InputConvention input;    // from the input tensor's quantization
    bool background_class = false;  // class 0 is "background" (1001 outputs)
};

ImportedModel import_tflite(const tflite::Model &model);
ImportedModel import_tflite_file(const std::string &path);

}  // namespace mnv3

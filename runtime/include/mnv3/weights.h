// Trained parameters of one network, by torchvision state_dict name, and the reader of the
// project's weight file format (docs/weights-format.md).
#pragma once
#include "mnv3/model_zoo.h"
#include "mnv3/tensor.h"

#include <map>
#include <string>
#include <vector>

namespace mnv3 {

struct Weights {
    ModelConfig config;
    float bn_eps = 1e-3f;
    std::map<std::string, Tensor> tensors;
};

// Reads a .mnv3w file. Every field is checked against the file's size before it is used;
// a missing, truncated, corrupted or malformed file throws mnv3::Error saying what is wrong.
Weights read_weights(const std::string &path);
// Writes a .mnv3w file (used by tests and importers).
void write_weights(const std::string &path, const Weights &w);

}  // namespace mnv3

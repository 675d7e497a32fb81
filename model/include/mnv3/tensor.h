// A named trained tensor as weight files and importers hold it (PyTorch order, float32).
#pragma once
#include <cstddef>
#include <string>
#include <vector>

namespace mnv3 {

struct Tensor {
    std::vector<int> shape;  // outermost first (PyTorch order)
    std::vector<float> data;
    size_t size() const;
};

std::string shape_string(const std::vector<int> &shape);

}  // namespace mnv3

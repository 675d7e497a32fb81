// Trained parameters of one network, by torchvision state_dict name, and the reader of the
// project's weight file format (docs/weights-format.md, version 2).
#pragma once
#include "mnv3/model_zoo.h"
#include "mnv3/tensor.h"

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace mnv3 {

struct Weights {
    ModelConfig config;
    float bn_eps = 1e-3f;
    std::map<std::string, Tensor> tensors;
};

// Limits of the format (docs/weights-format.md).
constexpr uint64_t kMaxWeightFileBytes = 1ull << 30;  // a whole .mnv3w file: 1 GiB
constexpr size_t kMaxWeightHeaderBytes = 1 << 20;     // magic + header lines through "end": 1 MiB

// Reads a .mnv3w file through mnv3::InputFile (a regular file of at most 1 GiB; the header is
// read with a bounded reader before anything else) and parses it with parse_weights.
// A missing, non-regular, too large, truncated, corrupted or malformed file, or one of format
// version 1, throws mnv3::Error with a one-line message saying what is wrong.
Weights read_weights(const std::string &path);

// Parses a whole .mnv3w file held in memory. `where` names it in messages (e.g. "weight file
// 'x.mnv3w'"). Every field is checked before it is used: strict header syntax, the checksum
// over header and data, tensors inside the data section and not overlapping, every value
// following mnv3::tensor_value_error's rule (mnv3/packing.h: finite, within +-1e6; "ranges.*"
// may hold +-inf; "*.running_var" >= 0). What it returns has t.size() == t.data.size() for every tensor.
Weights parse_weights(const uint8_t *data, size_t size, const std::string &where);

// Writes a .mnv3w file (version 2; used by tests and importers). Throws mnv3::Error when a
// tensor does not follow the format (bad name or shape, data not matching the shape, a value
// the reader would refuse) or when any write fails (the message names the path and errno).
void write_weights(const std::string &path, const Weights &w);

}  // namespace mnv3

// stem's part of the generator-runtime contract (mnv3/contract.h): the first 3x3 stride-2
// convolution. Included by stem_generator.cpp, stem_kind.cpp and stem_tflite.cpp.
#pragma once
#include "mnv3/contract.h"

namespace mnv3 {

#define MNV3_STEM_PARAMS(X)                                                               \
    X(int, in_c, 3, "input channels")                                                     \
    X(int, out_c, 16, "output channels")                                                  \
    X(int, kernel, 3, "kernel size")                                                      \
    X(int, stride, 2, "stride")                                                           \
    X(int, height, 224, "input rows")                                                     \
    X(int, width, 224, "input columns")                                                   \
    X(Act, act, Act::HSwish, "activation")                                                \
    X(Padding, padding, Padding::Symmetric, "padding convention")                         \
    X(bool, clamps, false, "clamp every stage to the runtime input `ranges`")

#define MNV3_STEM_KNOBS(X)                                                                \
    X(int, vec, 0, 0, 64, "vector lanes in floats; 0: the target's natural width")        \
    X(int, px, 4, 1, 64, "output pixels computed together (all output channels at once)") \
    X(bool, parallel, true, 0, 1, "split the outermost loop across threads")

MNV3_PARAM_STRUCT(StemParams, MNV3_STEM_PARAMS)
MNV3_KNOB_STRUCT(StemKnobs, MNV3_STEM_KNOBS)

namespace stem_arg {
constexpr const char *weight = "weight", *bias = "bias";
}

enum class StemClamp { Conv, Act, Count };

inline int stem_out_height(const StemParams &s) { return conv_out_size(s.height, s.kernel, s.stride, 1, s.padding); }
inline int stem_out_width(const StemParams &s) { return conv_out_size(s.width, s.kernel, s.stride, 1, s.padding); }

}  // namespace mnv3

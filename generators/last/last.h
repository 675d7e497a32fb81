// last's part of the generator-runtime contract (mnv3/contract.h): the network's tail
// (1x1 conv, global pool, head, classifier). Included by last_generator.cpp, last_kind.cpp
// and last_tflite.cpp.
#pragma once
#include "mnv3/contract.h"

namespace mnv3 {

#define MNV3_LAST_PARAMS(X)                                                               \
    X(int, in_c, 160, "input channels")                                                   \
    X(int, exp_c, 960, "1x1 conv channels")                                               \
    X(int, head_c, 1280, "head (classifier hidden) width")                                \
    X(int, classes, 1000, "logits")                                                       \
    X(int, height, 7, "input rows")                                                       \
    X(int, width, 7, "input columns")                                                     \
    X(Act, act, Act::HSwish, "activation of the 1x1 conv")                                \
    X(Act, head_act, Act::HSwish, "activation of the head")                               \
    X(bool, clamps, false, "clamp every stage to the runtime input `ranges`")

#define MNV3_LAST_KNOBS(X)                                                                \
    X(int, vec, 0, 0, 64, "vector lanes in floats; 0: the target's natural width")        \
    X(int, e_vecs, 2, 1, 8, "register block of the final 1x1 conv: vectors of channels")  \
    X(int, e_px, 7, 1, 64, "register block of the final 1x1 conv: pixels")                \
    X(int, fc_vecs, 4, 1, 16, "vectors of outputs per block of the two matrix-vector products") \
    X(bool, parallel, true, 0, 1, "split the outermost loop across threads")

MNV3_PARAM_STRUCT(LastParams, MNV3_LAST_PARAMS)
MNV3_KNOB_STRUCT(LastKnobs, MNV3_LAST_KNOBS)

namespace last_arg {
constexpr const char *conv_w = "conv_w", *conv_b = "conv_b";
constexpr const char *head_w = "head_w", *head_b = "head_b";
constexpr const char *fc_w = "fc_w", *fc_b = "fc_b";
}  // namespace last_arg

enum class LastClamp { Conv, Act, Head, HeadAct, Logits, Count };

}  // namespace mnv3

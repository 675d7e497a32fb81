// ssd_extra's part of the generator-runtime contract (mnv3/contract.h): one of SSDLite's
// extra feature blocks (torchvision detection/ssdlite.py _extra_block):
//   1x1 conv to mid_c + BN + ReLU6 -> 3x3 depthwise stride 2 + BN + ReLU6
//   -> 1x1 conv to out_c + BN + ReLU6
// Included by ssd_extra_generator.cpp and ssd_extra_kind.cpp.
#pragma once
#include "mnv3/contract.h"

namespace mnv3 {

#define MNV3_SSD_EXTRA_PARAMS(X)                                                          \
    X(int, in_c, 480, "input channels")                                                   \
    X(int, mid_c, 256, "channels of the 1x1 expand and the depthwise (torchvision: out_c / 2)") \
    X(int, out_c, 512, "output channels")                                                 \
    X(int, kernel, 3, "depthwise kernel size")                                            \
    X(int, stride, 2, "depthwise stride")                                                 \
    X(int, height, 10, "input rows")                                                      \
    X(int, width, 10, "input columns")                                                    \
    X(Act, act, Act::ReLU6, "activation of all three stages")                             \
    X(Padding, padding, Padding::Symmetric, "depthwise padding convention")

#define MNV3_SSD_EXTRA_KNOBS(X)                                                           \
    X(int, vec, 0, 0, 64, "vector lanes in floats; 0: the target's natural width")        \
    X(bool, fuse, false, 0, 1, "`true`: the expand is computed in row tiles of the output, in " \
      "cache; `false`: each stage materialised whole (the maps are at most 10x10)")       \
    X(int, rows, 1, 1, 64, "output rows per fused tile")                                  \
    X(int, e_vecs, 2, 1, 8, "expand 1x1 register block: vectors of output channels")      \
    X(int, e_px, 7, 1, 64, "expand 1x1 register block: pixels")                           \
    X(int, p_vecs, 2, 1, 8, "project 1x1 register block: vectors of output channels")     \
    X(int, p_px, 7, 1, 64, "project 1x1 register block: pixels")                          \
    X(int, d_px, 4, 1, 16, "depthwise: output pixels of a row sharing each weight load")   \
    X(bool, parallel, true, 0, 1, "split the outermost loop across threads")

MNV3_PARAM_STRUCT(SsdExtraParams, MNV3_SSD_EXTRA_PARAMS)
MNV3_KNOB_STRUCT(SsdExtraKnobs, MNV3_SSD_EXTRA_KNOBS)

namespace ssd_extra_arg {
constexpr const char *expand_w = "expand_w", *expand_b = "expand_b";
constexpr const char *dw_w = "dw_w", *dw_b = "dw_b";
constexpr const char *proj_w = "proj_w", *proj_b = "proj_b";
}  // namespace ssd_extra_arg

inline int ssd_extra_out_height(const SsdExtraParams &s) {
    return conv_out_size(s.height, s.kernel, s.stride, 1, s.padding);
}
inline int ssd_extra_out_width(const SsdExtraParams &s) {
    return conv_out_size(s.width, s.kernel, s.stride, 1, s.padding);
}

}  // namespace mnv3

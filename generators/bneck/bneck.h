// bneck's part of the generator-runtime contract (mnv3/contract.h): the inverted-residual
// block's parameters, schedule knobs, argument names and clamp slots. Included by the
// generator (bneck_generator.cpp), the descriptor (bneck_kind.cpp) and the TFLite importer
// hook (bneck_tflite.cpp).
#pragma once
#include "mnv3/contract.h"

namespace mnv3 {

// Shape parameters: X(type, name, default, doc).
#define MNV3_BNECK_PARAMS(X)                                                              \
    X(int, in_c, 16, "input channels")                                                    \
    X(int, exp_c, 64, "expansion channels (== in_c: no expand 1x1)")                      \
    X(int, out_c, 24, "output channels")                                                  \
    X(int, se_c, 0, "squeeze-excite width, 0: no squeeze-excite")                         \
    X(int, kernel, 3, "depthwise kernel size")                                            \
    X(int, stride, 1, "depthwise stride")                                                 \
    X(int, dilation, 1, "depthwise dilation")                                             \
    X(int, height, 56, "input rows")                                                      \
    X(int, width, 56, "input columns")                                                    \
    X(Act, act, Act::ReLU, "activation of the expand and depthwise stages")               \
    X(Padding, padding, Padding::Symmetric, "depthwise padding convention")               \
    X(bool, clamps, false, "clamp every stage to the runtime input `ranges`")             \
    X(bool, tap, false, "also output the expansion (an SSDLite feature map)")

// Schedule knobs: X(type, name, default, min, max, doc).
#define MNV3_BNECK_KNOBS(X)                                                               \
    X(int, vec, 0, 0, 64, "vector lanes in floats; 0: the target's natural width")        \
    X(bool, fuse, true, 0, 1,                                                             \
      "`true`: expand and depthwise are computed a few rows at a time, into small "       \
      "per-tile buffers that stay in cache (for SE blocks, the expand is fused into row "  \
      "tiles of the depthwise, which must be whole before the pooling); `false`: every "  \
      "stage is materialised whole, like an op-by-op engine")                             \
    X(int, rows, 2, 1, 64, "output rows per fused tile (fewer rows: smaller per-tile "    \
      "buffers, more loop overhead)")                                                     \
    X(int, e_vecs, 2, 1, 8, "expand 1x1 register block: vectors of output channels")      \
    X(int, e_px, 6, 1, 64, "expand 1x1 register block: pixels")                           \
    X(int, p_vecs, 2, 1, 8, "project 1x1 register block: vectors of output channels")     \
    X(int, p_px, 6, 1, 64, "project 1x1 register block: pixels")                          \
    X(bool, parallel, true, 0, 1, "split the outermost loop across threads")              \
    X(int, tasks, 2, 1, 64, "chunks of consecutive row tiles, one per thread; within a "  \
      "chunk the expansion slides down (only chunk starts recompute the halo)")           \
    X(int, d_px, 4, 1, 16, "depthwise: output pixels of a row computed together, "        \
      "sharing each tap's weight vector")

MNV3_PARAM_STRUCT(BneckParams, MNV3_BNECK_PARAMS)
MNV3_KNOB_STRUCT(BneckKnobs, MNV3_BNECK_KNOBS)

namespace bneck_arg {
constexpr const char *expand_w = "expand_w", *expand_b = "expand_b";
constexpr const char *dw_w = "dw_w", *dw_b = "dw_b";
constexpr const char *se1_w = "se1_w", *se1_b = "se1_b", *se2_w = "se2_w", *se2_b = "se2_b";
constexpr const char *proj_w = "proj_w", *proj_b = "proj_b";
constexpr const char *expansion = "expansion";  // the tap output
}  // namespace bneck_arg

// The (lo, hi) pairs of `ranges`, in this order. Unused slots hold (-inf, inf).
enum class BneckClamp {
    ExpandConv, ExpandAct, DwConv, DwAct, SeReduce, SeExpand, SeOut, Project, Residual, Count
};

// Derived shapes, shared by the generator and the descriptor.
inline int bneck_out_height(const BneckParams &b) {
    return conv_out_size(b.height, b.kernel, b.stride, b.dilation, b.padding);
}
inline int bneck_out_width(const BneckParams &b) {
    return conv_out_size(b.width, b.kernel, b.stride, b.dilation, b.padding);
}
inline bool bneck_has_expand(const BneckParams &b) { return b.exp_c != b.in_c; }
inline bool bneck_residual(const BneckParams &b) { return b.stride == 1 && b.in_c == b.out_c; }

}  // namespace mnv3

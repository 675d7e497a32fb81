// What a layer kind's TFLite importer hook (generators/<kind>/<kind>_tflite.cpp) works with:
// the TFLite graph walked operator by operator, with checked helpers to take the operators
// the kind's layer is made of, dequantize their weights under torchvision names, and record
// each stage's quantization range in the kind's clamp slots.
#pragma once
#include "mnv3/model_zoo.h"
#include "mnv3/tflite.h"
#include "mnv3/weights.h"

#include <string>
#include <utility>
#include <vector>

namespace mnv3 {

class TfliteImport {
public:
    TfliteImport(const tflite::Model &m, Weights &w) : m_(m), w_(w) {}

    [[noreturn]] static void fail(const std::string &what);
    // The operator at the cursor is `op`; take() returns it and moves on, or fails saying
    // what was expected. It also fails on a fused activation the layers would not apply:
    // only one implied by the output's quantization range is accepted (check_fused_activation).
    bool at(tflite::Op op) const;
    const tflite::Operator &take(tflite::Op op, const std::string &what);
    size_t position() const { return k_; }
    bool done() const { return k_ >= m_.operators.size(); }
    // The operator at the cursor reads tensor t.
    bool reads(int t) const;
    const tflite::Tensor &tensor(int i) const { return m_.tensors.at(size_t(i)); }

    // Dequantized weights of a conv as torchvision tensors `name.weight` / `name.bias`, in
    // PyTorch order `want` ([out][in][ky][kx]; depthwise [c][1][ky][kx]); `linear` stores the
    // weight as 2-D [out][in].
    void conv_weights(const tflite::Operator &op, bool depthwise, const std::string &name, std::vector<int> want,
                      bool linear = false);
    void expect_input(const tflite::Operator &op, int x, const std::string &what) const;
    // Stride, dilation, padding (VALID only for 1x1 kernels) and, for a depthwise conv, the
    // depth multiplier (1) of a conv the layer needs.
    void check_conv(const tflite::Operator &op, int stride, int dilation, int kernel, const std::string &what) const;
    // An AVERAGE_POOL_2D that averages its whole input: the filter is the input's spatial
    // size and the output is 1x1 (so stride and padding cannot matter).
    void check_global_pool(const tflite::Operator &op, const std::string &what) const;

    // The range a quantized tensor can hold; unbounded for float tensors.
    std::pair<float, float> range(int t) const;
    // Clamp slots: 2 * count values, all (-inf, inf) until set.
    static std::vector<float> no_ranges(int count);
    void set_range(std::vector<float> &r, int slot, int t) const;
    // The activation after a conv: h-swish layers have a HARD_SWISH operator, ReLU layers
    // show theirs in the conv output's range. Sets the conv's and the activation's slots and
    // returns the activation's output tensor.
    int activation(Act act, int conv_out, std::vector<float> &r, int conv_slot, int act_slot, const std::string &what);

private:
    void check_fused_activation(const tflite::Operator &op, const std::string &what) const;

    const tflite::Model &m_;
    Weights &w_;
    size_t k_ = 0;
};

// A kind's hook: imports one layer instance starting at the cursor, reading tensor `x`;
// fills the layer's clamp slots and returns its output tensor.
struct TfliteHook {
    const char *kind;
    int (*import)(TfliteImport &in, const LayerSpec &layer, const std::string &prefix, int x,
                  std::vector<float> &ranges);
};

// Every hook compiled in (generated from generators/*/*_tflite.cpp).
const std::vector<const TfliteHook *> &tflite_hooks();

}  // namespace mnv3

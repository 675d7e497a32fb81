// The model zoo: the one place that says what MobileNetV3 networks look like.
// A model configuration expands into an ordered list of layer instances (layer type with
// every shape fixed). The build compiles one Halide pipeline per distinct instance; the
// runtime walks the same list to run a model. Nothing here knows about Halide or files.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace mnv3 {

enum class Arch { Large, Small };
enum class Act { ReLU, HSwish };
// Symmetric: (k-1)/2*d on every side (torchvision). Same: TF "SAME", stride-2 layers pad
// one more on the bottom/right when the total is odd (TF-slim releases, TFLite files).
enum class Padding { Symmetric, Same };

struct ModelConfig {
    Arch arch = Arch::Large;
    float width = 1.0f;         // width multiplier alpha
    bool minimalistic = false;  // no SE, ReLU everywhere, 3x3 depthwise only
    int resolution = 224;       // multiple of 32 in [96, 320]
    Padding padding = Padding::Symmetric;
    int classes = 1000;
    // Clamp every stage output to a range given with the weights: the float form of a
    // quantized model, whose activations live in its tensors' quantization ranges (TFLite).
    bool ranges = false;

    // e.g. "large_1.0_224_sym_c1000", "small-min_0.75_160_same_c1001_ranges".
    std::string name() const;
    // Parses the form name() prints, or the whitespace-separated line form of models.conf:
    // "large 1.0 224 sym 1000 [ranges]" (arch: large, small, large-min or small-min). Throws
    // std::invalid_argument with a message saying what is wrong.
    static ModelConfig parse(const std::string &text);
    // Throws std::invalid_argument when a field is out of the supported range.
    void validate() const;
};

enum class LayerKind { Stem, Bneck, Last };

// One layer instance. Spatial sizes are the layer's input; outputs follow from stride.
struct LayerSpec {
    LayerKind kind = LayerKind::Bneck;
    int in_c = 0, exp_c = 0, out_c = 0;  // stem: exp_c unused; last: exp_c = 1x1 conv width
    int se_c = 0;                        // squeeze width, 0 = no squeeze-excite
    int head_c = 0, classes = 0;         // last stage only: 1280/1024 head, logits
    int kernel = 1, stride = 1, dilation = 1;
    Act act = Act::ReLU;                 // stem/bneck activation; last: of the 1x1 conv
    Act head_act = Act::HSwish;          // last stage only: activation of the head conv
    int height = 0, width = 0;           // input spatial size
    Padding padding = Padding::Symmetric;
    bool clamps = false;                 // stage outputs clamped to ranges (ModelConfig::ranges)

    // Number of (lo, hi) clamp points the layer's generator takes when clamps is set.
    int clamp_points() const;
    bool residual() const { return kind == LayerKind::Bneck && stride == 1 && in_c == out_c; }
    bool has_expand() const { return kind == LayerKind::Bneck && exp_c != in_c; }
    int out_height() const;
    int out_width() const;
    // Padding before the first row / column (the rest follows from the output size).
    int pad_top() const;
    int pad_left() const;
    // Stable name used for object files, schedule entries, benchmark rows, autotune records.
    std::string signature() const;
    // Multiply-accumulates of one inference through this layer.
    int64_t macs() const;
    // "name=value" generator parameters describing the shapes (not the schedule).
    std::vector<std::string> generator_params() const;
    const char *generator() const;  // "stem", "bneck" or "last"
};

int make_divisible(double v, int divisor = 8);
std::vector<LayerSpec> build_layers(const ModelConfig &cfg);
const char *to_string(Act a);
const char *to_string(Padding p);

}  // namespace mnv3

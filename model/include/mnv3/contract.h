// The contract between the Halide generators and the runtime, in plain C++ (no Halide):
// included by every generator and by the runtime, so that an enum, a shape formula or an
// argument name exists once. Each layer kind adds its own part beside its generator
// (generators/<kind>/<kind>.h): its parameters, knobs, arguments and clamp slots, declared
// with the X-macros below so that the generator's GeneratorParams and the runtime's
// descriptor are expanded from the same list.
#pragma once
#include <algorithm>
#include <cstddef>
#include <map>
#include <string>

namespace mnv3 {

// Activations. ReLU6 is what SSDLite's extra blocks and heads use.
enum class Act { ReLU, HSwish, ReLU6 };
// Symmetric: (k-1)/2*d on every side (torchvision). Same: TF "SAME", stride-2 layers pad
// one more on the bottom/right when the total is odd (TF-slim releases, TFLite files).
enum class Padding { Symmetric, Same };
// Element types of tensors crossing a pipeline boundary (u8 / i8 for the integer path).
enum class DType { F32, U8, I8 };

inline const std::map<std::string, Act> &act_names() {
    static const std::map<std::string, Act> m = {
        {"relu", Act::ReLU}, {"hswish", Act::HSwish}, {"relu6", Act::ReLU6}};
    return m;
}
inline const std::map<std::string, Padding> &padding_names() {
    static const std::map<std::string, Padding> m = {{"sym", Padding::Symmetric}, {"same", Padding::Same}};
    return m;
}
inline const char *to_string(Act a) {
    return a == Act::ReLU ? "relu" : a == Act::HSwish ? "hswish" : "relu6";
}
// Short form used inside layer signatures.
inline const char *short_name(Act a) { return a == Act::ReLU ? "re" : a == Act::HSwish ? "hs" : "r6"; }
inline const char *to_string(Padding p) { return p == Padding::Same ? "same" : "sym"; }
inline const char *to_string(DType t) { return t == DType::F32 ? "f32" : t == DType::U8 ? "u8" : "i8"; }
inline size_t dtype_bytes(DType t) { return t == DType::F32 ? 4 : 1; }

// Output size and leading padding of a kxk window with stride s and dilation d.
inline int conv_out_size(int in, int k, int s, int d, Padding p) {
    if (p == Padding::Same) return (in + s - 1) / s;
    const int pad = (k - 1) / 2 * d;
    return (in + 2 * pad - d * (k - 1) - 1) / s + 1;
}
inline int conv_pad_before(int in, int k, int s, int d, Padding p) {
    if (p == Padding::Symmetric) return (k - 1) / 2 * d;
    const int out = conv_out_size(in, k, s, d, p);
    return std::max((out - 1) * s + d * (k - 1) + 1 - in, 0) / 2;
}

// Names of the activation arguments every generator shares. Weight arguments are named by
// each kind's contract; "ranges" holds the clamp slots' (lo, hi) pairs.
namespace arg {
constexpr const char *input = "input";
constexpr const char *output = "output";
constexpr const char *ranges = "ranges";
}  // namespace arg

// What a clamp slot list declares: the number of (lo, hi) pairs a kind's `ranges` holds.
// A kind's slots are an enum ending in a count, e.g. enum class BneckClamp { ..., Count }.
template <typename E>
constexpr int clamp_count() { return int(E::Count); }

}  // namespace mnv3

// X-macro conventions for a kind's contract (generators/<kind>/<kind>.h):
//   #define MNV3_<KIND>_PARAMS(X)  X(type, name, default, "doc")      shape parameters
//   #define MNV3_<KIND>_KNOBS(X)   X(type, name, default, min, max, "doc")   schedule knobs
// type is int, bool, Act or Padding. The generator expands them into GeneratorParams
// (generators/common.h), the descriptor into a parameter struct and knob declarations
// (mnv3/layer_kind.h), so neither list is kept twice.
#define MNV3_PARAM_FIELD(type, name, def, doc) type name = def;
#define MNV3_KNOB_FIELD(type, name, def, lo, hi, doc) type name = def;
#define MNV3_PARAM_VISIT(type, name, def, doc) f(#name, name, doc);
#define MNV3_KNOB_VISIT(type, name, def, lo, hi, doc) f(#name, name, lo, hi, doc);
// Declares a contract struct of fields from a list, with visit(f) over them.
#define MNV3_PARAM_STRUCT(Name, LIST)                               \
    struct Name {                                                   \
        LIST(MNV3_PARAM_FIELD)                                      \
        template <typename F> void visit(F &&f) { LIST(MNV3_PARAM_VISIT) } \
    };
#define MNV3_KNOB_STRUCT(Name, LIST)                                \
    struct Name {                                                   \
        LIST(MNV3_KNOB_FIELD)                                       \
        template <typename F> void visit(F &&f) { LIST(MNV3_KNOB_VISIT) } \
    };

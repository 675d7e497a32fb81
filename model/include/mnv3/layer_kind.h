// A layer kind's descriptor: everything the build and the runtime know about one kind of
// layer (stem, bneck, last, ...), in one object that lives beside the kind's generator
// (generators/<kind>/<kind>_kind.cpp). Nothing outside a descriptor switches on the kind:
// the zoo makes layer instances (a kind plus its parameters), and the build, the runtime,
// the importers and the tests ask the instance's descriptor.
//
// Every descriptor in generators/*/ is found by the build (cmake/Mnv3Kinds.cmake writes the
// table behind all_kinds()), so adding a kind adds files and edits none.
#pragma once
#include "mnv3/contract.h"
#include "mnv3/packing.h"

#include <cstdint>
#include <map>
#include <string>
#include <type_traits>
#include <vector>

namespace mnv3 {

// A layer instance's parameters by name (ints; bools and enums as their values).
using Params = std::map<std::string, int>;

// How a tensor's elements are laid out (innermost first, as Halide dims):
//   CP   (c, p) with p = x + y * w: one image, NHWC flattened (every activation)
//   CXY  (c, x, y): the network's input image
//   C    (c): a vector (logits)
enum class Layout { CP, CXY, C };

struct TensorShape {
    int c = 0, h = 1, w = 1;
    Layout layout = Layout::CP;
    DType dtype = DType::F32;
    size_t elements() const { return size_t(c) * size_t(h) * size_t(w); }
    size_t bytes() const { return elements() * dtype_bytes(dtype); }
    // Halide buffer extents, innermost first.
    std::vector<int> dims() const;
    bool operator==(const TensorShape &o) const {
        return c == o.c && h == o.h && w == o.w && layout == o.layout && dtype == o.dtype;
    }
    bool operator!=(const TensorShape &o) const { return !(*this == o); }
};
std::string to_string(const TensorShape &s);

// An activation argument of a generated layer: the generator's argument name and shape.
struct Port {
    std::string arg;
    TensorShape shape;
};

// A declared parameter or knob, as the kind's contract lists it.
struct ParamDecl {
    std::string name, type, doc;  // type: int, bool, Act, Padding
    int def = 0;
};
struct KnobDecl {
    std::string name, type, doc;
    int def = 0, lo = 0, hi = 0;  // value range, inclusive
};

class LayerKind {
public:
    virtual ~LayerKind() = default;
    // The generator's registered name, also the first word of signatures ("bneck").
    virtual const char *name() const = 0;
    virtual std::vector<ParamDecl> params() const = 0;
    virtual std::vector<KnobDecl> knobs() const = 0;

    // Stable name of an instance: object files, schedule keys, bench rows, tuner records.
    virtual std::string signature(const Params &p) const = 0;
    // The schedule key shared by instances that differ only in padding or clamping (the
    // torchvision and TFLite variants of a layer): the signature without those suffixes.
    virtual std::string shape_key(const Params &p) const = 0;
    virtual int64_t macs(const Params &p) const = 0;
    // Activation arguments, in the order a graph node lists its tensors.
    virtual std::vector<Port> inputs(const Params &p) const = 0;
    virtual std::vector<Port> outputs(const Params &p) const = 0;
    // (lo, hi) pairs in the generator's `ranges` when the instance clamps (0: never).
    virtual int clamp_slots(const Params &p) const = 0;
    // The instance's weight arguments from trained tensors named under `prefix` (torchvision
    // names, e.g. "features.3"), batch norm folded, in the generator's layouts.
    virtual PackedLayer pack(const Params &p, const WeightSource &w, const std::string &prefix) const = 0;
    // Rejects parameter values the generator cannot compile (std::invalid_argument).
    virtual void validate(const Params &p) const = 0;

    // "name=value" generator parameters of an instance (every declared parameter).
    std::vector<std::string> generator_params(const Params &p) const;
    // Checks knob names and values against the declarations (std::invalid_argument).
    void check_knobs(const std::map<std::string, std::string> &values) const;
};

// Every descriptor compiled into this program, and lookup by name (nullptr if absent).
const std::vector<const LayerKind *> &all_kinds();
const LayerKind *find_kind(const std::string &name);
// The knob table of schedules/README.md, from every kind's declarations.
std::string knobs_markdown();

// ---- helpers for descriptors: the contract's X-macro lists as structs ---------------------

// Parameter values from Params (declared default when absent) and back.
template <typename T>
T param_from_int(int v) {
    if constexpr (std::is_same_v<T, bool>) return v != 0;
    else return static_cast<T>(v);
}
template <typename T>
const char *type_name() {
    if constexpr (std::is_same_v<T, bool>) return "bool";
    else if constexpr (std::is_same_v<T, Act>) return "Act";
    else if constexpr (std::is_same_v<T, Padding>) return "Padding";
    else return "int";
}
std::string param_value_string(const std::string &type, int v);

// A contract struct P (with visit(f), see mnv3/contract.h) to Params and back; absent
// parameters keep P's declared defaults.
template <typename P>
Params encode_params(const P &s) {
    Params p;
    P c = s;
    c.visit([&](const char *n, auto &v, const char *) { p[n] = int(v); });
    return p;
}
template <typename P>
P decode_params(const Params &p) {
    P s;
    s.visit([&](const char *n, auto &v, const char *) {
        auto it = p.find(n);
        if (it != p.end()) v = param_from_int<std::remove_reference_t<decltype(v)>>(it->second);
    });
    return s;
}

// A descriptor written against its contract's parameter struct P (which has visit(f),
// calling f(name, field, doc) per parameter) and knob list K (visit(f) with f(name, field,
// lo, hi, doc)). Derived classes implement the typed hooks.
template <typename P, typename K>
class KindBase : public LayerKind {
public:
    static P decode(const Params &p) { return decode_params<P>(p); }
    std::vector<ParamDecl> params() const override {
        std::vector<ParamDecl> r;
        P s;
        s.visit([&](const char *n, auto &v, const char *doc) {
            r.push_back({n, type_name<std::remove_reference_t<decltype(v)>>(), doc, int(v)});
        });
        return r;
    }
    std::vector<KnobDecl> knobs() const override {
        std::vector<KnobDecl> r;
        K k;
        k.visit([&](const char *n, auto &v, int lo, int hi, const char *doc) {
            r.push_back({n, type_name<std::remove_reference_t<decltype(v)>>(), doc, int(v), lo, hi});
        });
        return r;
    }
    std::string signature(const Params &p) const override { return signature_of(decode(p)); }
    std::string shape_key(const Params &p) const override { return shape_key_of(decode(p)); }
    int64_t macs(const Params &p) const override { return macs_of(decode(p)); }
    std::vector<Port> inputs(const Params &p) const override { return inputs_of(decode(p)); }
    std::vector<Port> outputs(const Params &p) const override { return outputs_of(decode(p)); }
    int clamp_slots(const Params &p) const override { return clamp_slots_of(decode(p)); }
    PackedLayer pack(const Params &p, const WeightSource &w, const std::string &prefix) const override {
        return pack_of(decode(p), w, prefix);
    }
    void validate(const Params &p) const override { validate_of(decode(p)); }

protected:
    virtual std::string signature_of(const P &s) const = 0;
    virtual std::string shape_key_of(const P &s) const = 0;
    virtual int64_t macs_of(const P &s) const = 0;
    virtual std::vector<Port> inputs_of(const P &s) const = 0;
    virtual std::vector<Port> outputs_of(const P &s) const = 0;
    virtual int clamp_slots_of(const P &s) const = 0;
    virtual PackedLayer pack_of(const P &s, const WeightSource &w, const std::string &prefix) const = 0;
    virtual void validate_of(const P &s) const = 0;
};

}  // namespace mnv3

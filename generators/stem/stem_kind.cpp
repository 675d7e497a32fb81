// stem's descriptor (mnv3/layer_kind.h): signature, cost, shapes and weight packing of the
// first convolution. Plain C++: compiled into the model library, not the generator.
#include "mnv3/error.h"
#include "mnv3/layer_kind.h"
#include "stem.h"

#include <sstream>
#include <stdexcept>

namespace mnv3 {

namespace {

class StemKind : public KindBase<StemParams, StemKnobs> {
public:
    const char *name() const override { return "stem"; }

protected:
    std::string shape_key_of(const StemParams &s) const override {
        std::ostringstream o;
        o << "stem_k" << s.kernel << "_s" << s.stride << "_i" << s.in_c << "_o" << s.out_c << "_h" << s.height
          << "_w" << s.width << "_" << short_name(s.act);
        return o.str();
    }
    std::string signature_of(const StemParams &s) const override {
        return shape_key_of(s) + "_" + to_string(s.padding) + (s.clamps ? "_cl" : "");
    }
    int64_t macs_of(const StemParams &s) const override {
        return int64_t(stem_out_height(s)) * stem_out_width(s) * s.out_c * s.in_c * s.kernel * s.kernel;
    }
    std::vector<Port> inputs_of(const StemParams &s) const override {
        return {{arg::input, {s.in_c, s.height, s.width, Layout::CXY}}};
    }
    std::vector<Port> outputs_of(const StemParams &s) const override {
        return {{arg::output, {s.out_c, stem_out_height(s), stem_out_width(s), Layout::CP}}};
    }
    int clamp_slots_of(const StemParams &s) const override { return s.clamps ? clamp_count<StemClamp>() : 0; }
    PackedLayer pack_of(const StemParams &s, const WeightSource &w, const std::string &prefix) const override {
        const Folded f = w.conv_bn(prefix, {s.out_c, s.in_c, s.kernel, s.kernel});
        return {{stem_arg::weight, pack_conv(f)}, {stem_arg::bias, pack_bias(f)}};
    }
    void validate_of(const StemParams &s) const override {
        if (s.in_c < 1 || s.out_c < 1 || s.kernel < 1 || s.kernel % 2 == 0 || s.stride < 1 || s.height < 1 ||
            s.width < 1)
            throw std::invalid_argument("stem: channels, sizes and stride must be positive, the kernel odd");
    }
};

}  // namespace

const LayerKind &mnv3_kind_stem() {
    static const StemKind k;
    return k;
}

}  // namespace mnv3

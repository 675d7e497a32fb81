// ssd_extra's descriptor (mnv3/layer_kind.h): signature, cost, shapes and weight packing of
// an SSDLite extra block. Plain C++: compiled into the model library, not the generator.
#include "mnv3/layer_kind.h"
#include "ssd_extra.h"

#include <sstream>
#include <stdexcept>

namespace mnv3 {

namespace {

class SsdExtraKind : public KindBase<SsdExtraParams, SsdExtraKnobs> {
public:
    const char *name() const override { return "ssd_extra"; }

protected:
    std::string shape_key_of(const SsdExtraParams &s) const override {
        std::ostringstream o;
        o << "ssd_extra_k" << s.kernel << "_s" << s.stride << "_i" << s.in_c << "_m" << s.mid_c << "_o" << s.out_c
          << "_h" << s.height << "_w" << s.width << "_" << short_name(s.act);
        return o.str();
    }
    std::string signature_of(const SsdExtraParams &s) const override {
        return shape_key_of(s) + "_" + to_string(s.padding);
    }
    int64_t macs_of(const SsdExtraParams &s) const override {
        const int64_t out_px = int64_t(ssd_extra_out_height(s)) * ssd_extra_out_width(s);
        return int64_t(s.height) * s.width * s.in_c * s.mid_c + out_px * s.mid_c * s.kernel * s.kernel +
               out_px * s.mid_c * s.out_c;
    }
    std::vector<Port> inputs_of(const SsdExtraParams &s) const override {
        return {{arg::input, {s.in_c, s.height, s.width, Layout::CP}}};
    }
    std::vector<Port> outputs_of(const SsdExtraParams &s) const override {
        return {{arg::output, {s.out_c, ssd_extra_out_height(s), ssd_extra_out_width(s), Layout::CP}}};
    }
    int clamp_slots_of(const SsdExtraParams &) const override { return 0; }
    // torchvision: extra.<i> is a Sequential of three Conv2dNormActivation: <i>.0, <i>.1, <i>.2.
    PackedLayer pack_of(const SsdExtraParams &s, const WeightSource &w, const std::string &prefix) const override {
        namespace A = ssd_extra_arg;
        const Folded e = w.conv_bn(prefix + ".0", {s.mid_c, s.in_c, 1, 1});
        const Folded d = w.conv_bn(prefix + ".1", {s.mid_c, 1, s.kernel, s.kernel});
        const Folded p = w.conv_bn(prefix + ".2", {s.out_c, s.mid_c, 1, 1});
        return {{A::expand_w, pack_matrix(e)}, {A::expand_b, pack_bias(e)}, {A::dw_w, pack_depthwise(d)},
                {A::dw_b, pack_bias(d)},       {A::proj_w, pack_matrix(p)}, {A::proj_b, pack_bias(p)}};
    }
    void validate_of(const SsdExtraParams &s) const override {
        if (s.in_c < 1 || s.mid_c < 1 || s.out_c < 1 || s.height < 1 || s.width < 1 || s.stride < 1 ||
            s.kernel < 1 || s.kernel % 2 == 0)
            throw std::invalid_argument("ssd_extra: channels, sizes and stride must be positive, the kernel odd");
    }
};

}  // namespace

const LayerKind &mnv3_kind_ssd_extra() {
    static const SsdExtraKind k;
    return k;
}

}  // namespace mnv3

// bneck's descriptor (mnv3/layer_kind.h): signature, cost, shapes and weight packing of the
// inverted-residual block. Plain C++: compiled into the model library, not the generator.
#include "bneck.h"
#include "mnv3/error.h"
#include "mnv3/layer_kind.h"

#include <sstream>
#include <stdexcept>

namespace mnv3 {

namespace {

class BneckKind : public KindBase<BneckParams, BneckKnobs> {
public:
    const char *name() const override { return "bneck"; }

protected:
    std::string shape_key_of(const BneckParams &b) const override {
        std::ostringstream s;
        s << "bneck_k" << b.kernel << "_s" << b.stride;
        if (b.dilation != 1) s << "_d" << b.dilation;
        s << "_i" << b.in_c << "_e" << b.exp_c << "_o" << b.out_c << "_h" << b.height << "_w" << b.width;
        if (b.se_c) s << "_se" << b.se_c;
        if (b.tap) s << "_tx";
        s << "_" << short_name(b.act);
        return s.str();
    }
    std::string signature_of(const BneckParams &b) const override {
        return shape_key_of(b) + "_" + to_string(b.padding) + (b.clamps ? "_cl" : "");
    }
    int64_t macs_of(const BneckParams &b) const override {
        const int64_t hw = int64_t(bneck_out_height(b)) * bneck_out_width(b);
        int64_t m = bneck_has_expand(b) ? int64_t(b.height) * b.width * b.in_c * b.exp_c : 0;
        m += hw * b.exp_c * b.kernel * b.kernel + hw * b.exp_c * b.out_c;
        if (b.se_c) m += 2 * int64_t(b.exp_c) * b.se_c;
        return m;
    }
    std::vector<Port> inputs_of(const BneckParams &b) const override {
        return {{arg::input, {b.in_c, b.height, b.width, Layout::CP}}};
    }
    std::vector<Port> outputs_of(const BneckParams &b) const override {
        std::vector<Port> r = {{arg::output, {b.out_c, bneck_out_height(b), bneck_out_width(b), Layout::CP}}};
        if (b.tap) r.push_back({bneck_arg::expansion, {b.exp_c, b.height, b.width, Layout::CP}});
        return r;
    }
    int clamp_slots_of(const BneckParams &b) const override { return b.clamps ? clamp_count<BneckClamp>() : 0; }

    // torchvision's InvertedResidual: block.J counts the sub-layers present (expand only
    // when exp != in, SE only when se_c > 0).
    PackedLayer pack_of(const BneckParams &b, const WeightSource &w, const std::string &prefix) const override {
        namespace A = bneck_arg;
        PackedLayer p;
        int j = 0;
        auto sub = [&] { return prefix + ".block." + std::to_string(j++); };
        if (bneck_has_expand(b)) {
            const Folded f = w.conv_bn(sub(), {b.exp_c, b.in_c, 1, 1});
            p[A::expand_w] = pack_matrix(f);
            p[A::expand_b] = pack_bias(f);
        } else {
            p[A::expand_w] = placeholder(2);
            p[A::expand_b] = placeholder(1);
        }
        const Folded dw = w.conv_bn(sub(), {b.exp_c, 1, b.kernel, b.kernel});
        p[A::dw_w] = pack_depthwise(dw);
        p[A::dw_b] = pack_bias(dw);
        if (b.se_c) {
            const std::string se = sub();
            const Folded f1 = w.plain(se + ".fc1", {b.se_c, b.exp_c, 1, 1});
            const Folded f2 = w.plain(se + ".fc2", {b.exp_c, b.se_c, 1, 1});
            p[A::se1_w] = pack_matrix(f1);
            p[A::se1_b] = pack_bias(f1);
            p[A::se2_w] = pack_matrix(f2);
            p[A::se2_b] = pack_bias(f2);
        } else {
            for (const char *n : {A::se1_w, A::se2_w}) p[n] = placeholder(2);
            for (const char *n : {A::se1_b, A::se2_b}) p[n] = placeholder(1);
        }
        const Folded pr = w.conv_bn(sub(), {b.out_c, b.exp_c, 1, 1});
        p[A::proj_w] = pack_matrix(pr);
        p[A::proj_b] = pack_bias(pr);
        return p;
    }
    void validate_of(const BneckParams &b) const override {
        if (b.in_c < 1 || b.exp_c < 1 || b.out_c < 1 || b.se_c < 0 || b.height < 1 || b.width < 1)
            throw std::invalid_argument("bneck: channels and sizes must be positive");
        if (b.kernel < 1 || b.kernel % 2 == 0 || b.stride < 1 || b.stride > 2 || b.dilation < 1)
            throw std::invalid_argument("bneck: the kernel must be odd, the stride 1 or 2, the dilation >= 1");
        if (b.tap && !bneck_has_expand(b)) throw std::invalid_argument("bneck: a tap needs an expand stage");
    }
};

}  // namespace

const LayerKind &mnv3_kind_bneck() {
    static const BneckKind k;
    return k;
}

}  // namespace mnv3

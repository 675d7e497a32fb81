// last's descriptor (mnv3/layer_kind.h): signature, cost, shapes and weight packing of the
// network's tail. Plain C++: compiled into the model library, not the generator.
#include "last.h"
#include "mnv3/error.h"
#include "mnv3/layer_kind.h"

#include <sstream>
#include <stdexcept>

namespace mnv3 {

namespace {

class LastKind : public KindBase<LastParams, LastKnobs> {
public:
    const char *name() const override { return "last"; }

protected:
    std::string shape_key_of(const LastParams &l) const override {
        std::ostringstream s;
        s << "last_i" << l.in_c << "_e" << l.exp_c << "_f" << l.head_c << "_c" << l.classes << "_h" << l.height
          << "_w" << l.width << "_" << short_name(l.act) << "_" << short_name(l.head_act);
        return s.str();
    }
    std::string signature_of(const LastParams &l) const override { return shape_key_of(l) + (l.clamps ? "_cl" : ""); }
    int64_t macs_of(const LastParams &l) const override {
        return int64_t(l.height) * l.width * l.in_c * l.exp_c + int64_t(l.exp_c) * l.head_c +
               int64_t(l.head_c) * l.classes;
    }
    std::vector<Port> inputs_of(const LastParams &l) const override {
        return {{arg::input, {l.in_c, l.height, l.width, Layout::CP}}};
    }
    std::vector<Port> outputs_of(const LastParams &l) const override {
        return {{arg::output, {l.classes, 1, 1, Layout::C}}};
    }
    int clamp_slots_of(const LastParams &l) const override { return l.clamps ? clamp_count<LastClamp>() : 0; }
    // The 1x1 conv is `prefix` (features.N+1); torchvision names the head and the logits
    // layer classifier.0 and classifier.3 (Linear, Hardswish, Dropout, Linear).
    PackedLayer pack_of(const LastParams &l, const WeightSource &w, const std::string &prefix) const override {
        namespace A = last_arg;
        const Folded c = w.conv_bn(prefix, {l.exp_c, l.in_c, 1, 1});
        const Folded h = w.plain("classifier.0", {l.head_c, l.exp_c});
        const Folded fc = w.plain("classifier.3", {l.classes, l.head_c});
        return {{A::conv_w, pack_matrix(c)}, {A::conv_b, pack_bias(c)}, {A::head_w, pack_matrix(h)},
                {A::head_b, pack_bias(h)},   {A::fc_w, pack_matrix(fc)}, {A::fc_b, pack_bias(fc)}};
    }
    void validate_of(const LastParams &l) const override {
        if (l.in_c < 1 || l.exp_c < 1 || l.head_c < 1 || l.classes < 1 || l.height < 1 || l.width < 1)
            throw std::invalid_argument("last: channels and sizes must be positive");
    }
};

}  // namespace

const LayerKind &mnv3_kind_last() {
    static const LastKind k;
    return k;
}

}  // namespace mnv3

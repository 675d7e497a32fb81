// bneck's TFLite importer hook (runtime/import/tflite_hook.h): [CONV_2D expand] ->
// DEPTHWISE_CONV_2D -> [squeeze-excite: AVERAGE_POOL_2D, CONV_2D, CONV_2D, hard sigmoid as
// ADD/MUL, MUL] -> CONV_2D project -> [ADD residual], each activation as HARD_SWISH or in
// the conv output's range.
#include "bneck.h"
#include "tflite_hook.h"

namespace mnv3 {

namespace {

int import_bneck(TfliteImport &in, const LayerSpec &l, const std::string &prefix, int x, std::vector<float> &r) {
    using tflite::Op;
    const BneckParams b = decode_params<BneckParams>(l.params);
    auto slot = [](BneckClamp c) { return int(c); };
    const std::string where = "bneck " + prefix.substr(prefix.rfind('.') + 1);
    int j = 0;
    auto sub = [&] { return prefix + ".block." + std::to_string(j++); };
    int t = x;
    if (bneck_has_expand(b)) {
        const tflite::Operator &e = in.take(Op::Conv2D, where + " expand 1x1");
        in.expect_input(e, t, where + " expand");
        in.check_conv(e, 1, b.dilation, b.kernel, where + " expand");
        in.conv_weights(e, false, sub() + ".0", {b.exp_c, b.in_c, 1, 1});
        t = in.activation(b.act, e.outputs[0], r, slot(BneckClamp::ExpandConv), slot(BneckClamp::ExpandAct),
                          where + " expand");
    }
    const tflite::Operator &d = in.take(Op::DepthwiseConv2D, where + " depthwise");
    in.expect_input(d, t, where + " depthwise");
    in.check_conv(d, b.stride, b.dilation, b.kernel, where + " depthwise");
    in.conv_weights(d, true, sub() + ".0", {b.exp_c, 1, b.kernel, b.kernel});
    t = in.activation(b.act, d.outputs[0], r, slot(BneckClamp::DwConv), slot(BneckClamp::DwAct), where + " depthwise");
    if (b.se_c) {
        const std::string se = sub();
        const tflite::Operator &pool = in.take(Op::AveragePool2D, where + " squeeze-excite pooling");
        in.expect_input(pool, t, where + " squeeze-excite pooling");
        in.check_global_pool(pool, where + " squeeze-excite pooling");
        const tflite::Operator &f1 = in.take(Op::Conv2D, where + " squeeze-excite reduce");
        in.expect_input(f1, pool.outputs[0], where + " squeeze-excite reduce");
        in.check_conv(f1, 1, 1, 1, where + " squeeze-excite reduce");
        in.conv_weights(f1, false, se + ".fc1", {b.se_c, b.exp_c, 1, 1});
        const tflite::Operator &f2 = in.take(Op::Conv2D, where + " squeeze-excite expand");
        in.expect_input(f2, f1.outputs[0], where + " squeeze-excite expand");
        in.check_conv(f2, 1, 1, 1, where + " squeeze-excite expand");
        in.conv_weights(f2, false, se + ".fc2", {b.exp_c, b.se_c, 1, 1});
        in.set_range(r, slot(BneckClamp::SeReduce), f1.outputs[0]);
        in.set_range(r, slot(BneckClamp::SeExpand), f2.outputs[0]);
        // The hard sigmoid: relu6(x + 3) / 6 as ADD, MUL (ranges give the relu6); then the
        // MUL that scales the depthwise output by the gate.
        int guard = 0;
        while (!(in.at(Op::Mul) && in.reads(t))) {
            if (!(in.at(Op::Add) || in.at(Op::Mul) || in.at(Op::HardSwish)) || ++guard > 4)
                TfliteImport::fail(where + ": squeeze-excite gate is not relu6(x + 3) / 6");
            in.take(in.at(Op::Add) ? Op::Add : in.at(Op::Mul) ? Op::Mul : Op::HardSwish, "gate");
        }
        const tflite::Operator &scale = in.take(Op::Mul, where + " squeeze-excite scale");
        in.set_range(r, slot(BneckClamp::SeOut), scale.outputs[0]);
        t = scale.outputs[0];
    }
    const tflite::Operator &p = in.take(Op::Conv2D, where + " project 1x1");
    in.expect_input(p, t, where + " project");
    in.check_conv(p, 1, b.dilation, b.kernel, where + " project");
    in.conv_weights(p, false, sub() + ".0", {b.out_c, b.exp_c, 1, 1});
    in.set_range(r, slot(BneckClamp::Project), p.outputs[0]);
    t = p.outputs[0];
    if (bneck_residual(b)) {
        const tflite::Operator &a = in.take(Op::Add, where + " residual add");
        if (a.inputs.size() != 2 || !((a.inputs[0] == t && a.inputs[1] == x) || (a.inputs[1] == t && a.inputs[0] == x)))
            TfliteImport::fail(where + ": residual add does not add the block input");
        in.set_range(r, slot(BneckClamp::Residual), a.outputs[0]);
        t = a.outputs[0];
    }
    return t;
}

}  // namespace

const TfliteHook &mnv3_tflite_bneck() {
    static const TfliteHook h{"bneck", import_bneck};
    return h;
}

}  // namespace mnv3

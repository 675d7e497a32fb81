// last's TFLite importer hook (runtime/import/tflite_hook.h): the 1x1 conv, the global
// AVERAGE_POOL_2D, the head 1x1, TF-slim's identity pool, and the classifier 1x1. Every conv
// must be stride 1, dilation 1, and every pool global (filter = its input's size, 1x1 out).
#include "last.h"
#include "tflite_hook.h"

namespace mnv3 {

namespace {

int import_last(TfliteImport &in, const LayerSpec &l, const std::string &prefix, int x, std::vector<float> &r) {
    using tflite::Op;
    const LastParams s = decode_params<LastParams>(l.params);
    auto slot = [](LastClamp c) { return int(c); };
    const tflite::Operator &c = in.take(Op::Conv2D, "the last 1x1 convolution");
    in.expect_input(c, x, "the last 1x1 convolution");
    in.check_conv(c, 1, 1, 1, "the last 1x1 convolution");
    in.conv_weights(c, false, prefix + ".0", {s.exp_c, s.in_c, 1, 1});
    int t = in.activation(s.act, c.outputs[0], r, slot(LastClamp::Conv), slot(LastClamp::Act), "last conv");
    const tflite::Operator &pool = in.take(Op::AveragePool2D, "the global average pool");
    in.expect_input(pool, t, "the global average pool");
    in.check_global_pool(pool, "the global average pool");
    const tflite::Operator &h = in.take(Op::Conv2D, "the head 1x1 convolution");
    in.expect_input(h, pool.outputs[0], "the head");
    in.check_conv(h, 1, 1, 1, "the head 1x1 convolution");
    in.conv_weights(h, false, "classifier.0", {s.head_c, s.exp_c, 1, 1}, true);
    t = in.activation(s.head_act, h.outputs[0], r, slot(LastClamp::Head), slot(LastClamp::HeadAct), "head");
    // TF-slim's "Logits/AvgPool": a 1x1 pool of a 1x1 map, the identity.
    if (in.at(Op::AveragePool2D)) {
        const tflite::Operator &id = in.take(Op::AveragePool2D, "the logits pool");
        in.expect_input(id, t, "the logits pool");
        if (id.filter_w != 1 || id.filter_h != 1) TfliteImport::fail("the pool before the classifier is not 1x1");
        in.check_global_pool(id, "the logits pool");
        t = id.outputs[0];
    }
    const tflite::Operator &fc = in.take(Op::Conv2D, "the classifier 1x1 convolution");
    in.expect_input(fc, t, "the classifier");
    in.check_conv(fc, 1, 1, 1, "the classifier 1x1 convolution");
    in.conv_weights(fc, false, "classifier.3", {s.classes, s.head_c, 1, 1}, true);
    in.set_range(r, slot(LastClamp::Logits), fc.outputs[0]);
    return fc.outputs[0];
}

}  // namespace

const TfliteHook &mnv3_tflite_last() {
    static const TfliteHook h{"last", import_last};
    return h;
}

}  // namespace mnv3

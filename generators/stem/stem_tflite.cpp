// stem's TFLite importer hook (runtime/import/tflite_hook.h): CONV_2D [+ HARD_SWISH].
#include "stem.h"
#include "tflite_hook.h"

namespace mnv3 {

namespace {

int import_stem(TfliteImport &in, const LayerSpec &l, const std::string &prefix, int x, std::vector<float> &r) {
    const StemParams s = decode_params<StemParams>(l.params);
    const tflite::Operator &c = in.take(tflite::Op::Conv2D, "the stem convolution");
    in.expect_input(c, x, "the stem");
    in.check_conv(c, s.stride, 1, s.kernel, "stem");
    in.conv_weights(c, false, prefix + ".0", {s.out_c, s.in_c, s.kernel, s.kernel});
    return in.activation(s.act, c.outputs[0], r, int(StemClamp::Conv), int(StemClamp::Act), "stem");
}

}  // namespace

const TfliteHook &mnv3_tflite_stem() {
    static const TfliteHook h{"stem", import_stem};
    return h;
}

}  // namespace mnv3

// Central crop + bilinear resize (half-pixel centres), separable: for each output row, one
// vertical lerp of the two source rows it needs over the crop's columns (contiguous, so the
// compiler vectorises it) into a float row, then a horizontal lerp per output pixel with taps
// computed once per call. Float arithmetic, round half up at the end.
//
// Geometry: the crop side is c = round(fraction * shorter side) (at least 1), placed at
// x0 = floor((width - c) / 2), y0 = floor((height - c) / 2).
// Output pixel o samples the crop at s = (o + 0.5) * c / size - 0.5 clamped to [0, c - 1]:
// the same taps as TF2 tf.image.resize(bilinear) and torch interpolate(bilinear,
// align_corners=False, antialias=False).
#include "mnv3/error.h"
#include "mnv3/image.h"

#include <algorithm>
#include <cmath>
#include <string>

namespace mnv3 {
namespace {

struct Tap {
    int i0, i1;  // source indices (crop-relative)
    float w;     // weight of i1
};

std::vector<Tap> taps(int c, int size) {
    std::vector<Tap> t(static_cast<size_t>(size));
    const double scale = double(c) / size;
    for (int o = 0; o < size; o++) {
        const double s = std::min(std::max((o + 0.5) * scale - 0.5, 0.0), double(c - 1));
        const int i = std::min(int(s), c - 1);
        t[size_t(o)] = {i, std::min(i + 1, c - 1), float(s - i)};
    }
    return t;
}

}  // namespace

Image crop_resize(const Image &src, int size, double fraction) {
    if (src.width < 1 || src.height < 1 || src.rgb.size() != size_t(src.width) * size_t(src.height) * 3)
        throw Error("crop_resize: empty or inconsistent source image (" + std::to_string(src.width) + "x" +
                    std::to_string(src.height) + ", " + std::to_string(src.rgb.size()) + " bytes)");
    if (size < 1 || size > (1 << 15)) throw Error("crop_resize: bad output size " + std::to_string(size));
    if (!(fraction > 0 && fraction <= 1)) throw Error("crop_resize: crop fraction must be in (0, 1]");

    const int shorter = std::min(src.width, src.height);
    const int c = std::min(std::max(int(std::lround(fraction * shorter)), 1), shorter);
    const int x0 = (src.width - c) / 2, y0 = (src.height - c) / 2;
    const std::vector<Tap> tx = taps(c, size), ty = taps(c, size);

    Image out;
    out.width = out.height = size;
    out.rgb.resize(size_t(size) * size_t(size) * 3);
    std::vector<float> row(size_t(c) * 3);
    const size_t stride = size_t(src.width) * 3;
    const uint8_t *base = src.rgb.data() + size_t(x0) * 3;
    float *r = row.data();
    const int n = 3 * c;

    for (int y = 0; y < size; y++) {
        const Tap t = ty[size_t(y)];
        const uint8_t *a = base + size_t(y0 + t.i0) * stride;
        const uint8_t *b = base + size_t(y0 + t.i1) * stride;
        if (t.w == 0.0f) {
            for (int k = 0; k < n; k++) r[k] = float(a[k]);
        } else {
            const float w = t.w;
            for (int k = 0; k < n; k++) r[k] = float(a[k]) + (float(b[k]) - float(a[k])) * w;
        }
        uint8_t *o = out.rgb.data() + size_t(y) * size_t(size) * 3;
        for (int x = 0; x < size; x++) {
            const Tap u = tx[size_t(x)];
            const float *p = r + 3 * u.i0, *q = r + 3 * u.i1;
            for (int ch = 0; ch < 3; ch++) o[3 * x + ch] = uint8_t(p[ch] + (q[ch] - p[ch]) * u.w + 0.5f);
        }
    }
    return out;
}

}  // namespace mnv3

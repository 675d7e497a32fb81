// libFuzzer target: decode_png on arbitrary bytes must return an image or throw
// mnv3::Error, within bounded memory; a decoded image also goes through crop_resize.
// Each input is decoded as given and, when that differs, with every chunk CRC recomputed:
// otherwise nearly every mutation dies at the first CRC check and the fuzzer never gets
// past it. Seeds: tests/fuzz/seeds/png (tiny PNGs of every colour type, some interlaced).
#include "mnv3/error.h"
#include "mnv3/image.h"

#include <zlib.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <vector>

namespace {

void decode(const uint8_t *data, size_t size) {
    mnv3::PngLimits limits;
    limits.max_pixels = 1 << 22;
    limits.max_side = 1 << 14;
    try {
        const mnv3::Image img = mnv3::decode_png(data, size, limits);
        if (img.width < 1 || img.height < 1 || img.rgb.size() != size_t(img.width) * size_t(img.height) * 3)
            std::abort();
        const mnv3::Image small = mnv3::crop_resize(img, 32);
        if (small.rgb.size() != 32 * 32 * 3) std::abort();
    } catch (const mnv3::Error &) {
    }
}

uint32_t be32(const uint8_t *p) {
    return uint32_t(p[0]) << 24 | uint32_t(p[1]) << 16 | uint32_t(p[2]) << 8 | uint32_t(p[3]);
}

// Recomputes the CRC of every complete chunk; returns whether anything changed.
bool fix_crcs(std::vector<uint8_t> &b) {
    bool changed = false;
    size_t at = 8;
    while (at + 12 <= b.size()) {
        const uint32_t len = be32(&b[at]);
        if (len > b.size() - at - 12) break;
        const uint32_t crc = uint32_t(crc32(crc32(0, nullptr, 0), &b[at + 4], uInt(len + 4)));
        uint8_t *p = &b[at + 8 + len];
        if (be32(p) != crc) {
            p[0] = uint8_t(crc >> 24), p[1] = uint8_t(crc >> 16), p[2] = uint8_t(crc >> 8), p[3] = uint8_t(crc);
            changed = true;
        }
        at += 12 + size_t(len);
    }
    return changed;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    decode(data, size);
    std::vector<uint8_t> fixed(data, data + size);
    if (fix_crcs(fixed)) decode(fixed.data(), fixed.size());
    return 0;
}

// PNG decoding (libpng) and the standard ImageNet preprocessing geometry: a central crop
// and a bilinear resize to the network's input size. Library mnv3_image; errors are
// mnv3::Error with a one-line message.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace mnv3 {

// 8-bit RGB, row-major, 3 bytes per pixel (rgb.size() == 3 * width * height).
struct Image {
    int width = 0, height = 0;
    std::vector<uint8_t> rgb;
};

// Checked against the header before any pixel memory is allocated; load_png also checks
// the file's size before reading it.
struct PngLimits {
    int64_t max_pixels = 64ll << 20;      // width * height
    int max_side = 1 << 15;               // width and height each
    int64_t max_file_bytes = 64ll << 20;  // load_png: the (compressed) file, 64 MiB
};

// Decodes a PNG of any colour type, bit depth and interlacing to 8-bit RGB:
//   - palette and 1/2/4-bit gray are expanded; gray is replicated to R = G = B;
//   - 16-bit samples keep their high byte (v >> 8), as PIL and tf.io.decode_png do;
//   - alpha (an alpha channel or tRNS) is ignored: the colour samples are kept as stored,
//     as PIL's convert("RGB") and tf.io.decode_png(channels=3) do;
//   - gAMA, cHRM, sRGB, iCCP and sBIT are ignored (samples are not colour-managed).
// Throws mnv3::Error for a foreign, truncated or corrupt file (CRC errors included, and a
// palette index past the end of the palette), a zero side, or a size beyond `limits`. A
// 1x1 image is valid.
Image decode_png(const uint8_t *data, size_t size, const PngLimits &limits = {});

// Reads and decodes a file through mnv3::InputFile: it must be a regular file (a directory,
// FIFO, socket or device is refused before anything is read, so nothing blocks) of at most
// limits.max_file_bytes, checked before a byte is read. Error messages name the file
// ("image file '<path>': ...").
Image load_png(const std::string &path, const PngLimits &limits = {});

// Central crop (a square whose side is `fraction` of the shorter side, centred) then a
// bilinear resize to size x size with half-pixel centres (as TF2 tf.image.resize and
// torch interpolate(bilinear, align_corners=False, antialias=False)), rounded to nearest
// uint8. The crop side is round(fraction * shorter side), halves up (263 for 0.875 * 300),
// at least 1; its offset is floor((side - crop) / 2) on each axis. Any source of at least
// 1x1 is fine. Throws mnv3::Error for an empty or inconsistent source, a size outside
// [1, 32768] or a fraction outside (0, 1].
Image crop_resize(const Image &src, int size, double fraction = 0.875);

}  // namespace mnv3

// PNG decoding with libpng. libpng reports errors by longjmp, so every libpng call that can
// fail runs inside a small plain function (read_header, configure, read_pixels) whose frame
// holds only POD state and which does its own setjmp: a longjmp never crosses a C++ frame
// with a destructor, and the C++ side (the pixel vector, the libpng-struct guard) lives in
// the caller. The error handler records libpng's message in the Reader and jumps back; the
// warning handler drops warnings (libpng only warns about things it recovers from, such as
// a bad CRC in an ancillary chunk, which it then ignores).
//
// Compiles standalone with only runtime/include on the include path (the fuzz target).
#include "mnv3/image.h"

#include "mnv3/error.h"
#include "mnv3/input_file.h"

#include <png.h>

#include <algorithm>
#include <cerrno>
#include <csetjmp>
#include <cstdio>
#include <cstring>
#include <memory>

namespace mnv3 {
namespace {

// Shared with the libpng callbacks; plain data only.
struct Reader {
    const uint8_t *data;
    size_t size;
    size_t pos;
    bool truncated;  // a read ran past the end of the data
    char msg[160];   // libpng's error message
};

struct Header {
    png_uint_32 width, height;
    int bit_depth, color_type, interlace;
};

void on_error(png_structp png, png_const_charp msg) {
    Reader *r = static_cast<Reader *>(png_get_error_ptr(png));
    std::snprintf(r->msg, sizeof r->msg, "%s", msg && *msg ? msg : "unknown libpng error");
    png_longjmp(png, 1);
}

void on_warning(png_structp, png_const_charp) {}

void on_read(png_structp png, png_bytep out, size_t n) {
    Reader *r = static_cast<Reader *>(png_get_io_ptr(png));
    if (n > r->size - r->pos) {
        r->truncated = true;
        png_error(png, "unexpected end of data");
    }
    std::memcpy(out, r->data + r->pos, n);
    r->pos += n;
}

// Each returns true on success; on failure Reader::msg says why.
bool read_header(png_structp png, png_infop info, Header *h) {
    if (setjmp(png_jmpbuf(png))) return false;
    png_read_info(png, info);
    png_get_IHDR(png, info, &h->width, &h->height, &h->bit_depth, &h->color_type, &h->interlace, nullptr,
                 nullptr);
    return true;
}

// Palette images are read as 8-bit indices (expanded to RGB by the caller, which checks every
// index against the palette: libpng's own expansion makes an index past the palette black
// without a word); everything else as 8-bit RGB.
bool configure(png_structp png, png_infop info, bool palette, size_t *rowbytes, int *channels, int *bit_depth) {
    if (setjmp(png_jmpbuf(png))) return false;
    if (palette) {
        png_set_packing(png);  // 1/2/4-bit indices -> one byte each
        png_set_interlace_handling(png);
        png_read_update_info(png, info);
        *rowbytes = png_get_rowbytes(png, info);
        *channels = png_get_channels(png, info);
        *bit_depth = png_get_bit_depth(png, info);
        return true;
    }
    png_set_expand(png);       // 1/2/4-bit gray -> 8-bit, tRNS -> alpha
    png_set_strip_16(png);     // 16-bit -> high byte
    png_set_strip_alpha(png);  // alpha (and expanded tRNS) is dropped
    png_set_gray_to_rgb(png);
    png_set_interlace_handling(png);
    png_read_update_info(png, info);
    *rowbytes = png_get_rowbytes(png, info);
    *channels = png_get_channels(png, info);
    *bit_depth = png_get_bit_depth(png, info);
    return true;
}

bool read_pixels(png_structp png, png_infop info, png_bytepp rows) {
    if (setjmp(png_jmpbuf(png))) return false;
    png_read_image(png, rows);
    png_read_end(png, info);
    return true;
}

// The palette (after read_info); false on a libpng error.
bool get_palette(png_structp png, png_infop info, png_colorp *palette, int *num_palette) {
    if (setjmp(png_jmpbuf(png))) return false;
    *palette = nullptr;
    *num_palette = 0;
    if (png_get_PLTE(png, info, palette, num_palette) != PNG_INFO_PLTE) *num_palette = 0;
    return true;
}

// Frees the libpng structures when decode_png returns or throws.
struct PngGuard {
    png_structp png = nullptr;
    png_infop info = nullptr;
    ~PngGuard() { png_destroy_read_struct(&png, &info, nullptr); }
};

void check_size(uint64_t w, uint64_t h, const PngLimits &limits) {
    if (w == 0 || h == 0) throw Error("PNG has zero width or height");
    if (w > uint64_t(std::max(limits.max_side, 0)) || h > uint64_t(std::max(limits.max_side, 0)) ||
        w * h > uint64_t(std::max<int64_t>(limits.max_pixels, 0)))
        throw Error("PNG image too large: " + std::to_string(w) + "x" + std::to_string(h) + " pixels (limits: " +
                    std::to_string(limits.max_side) + " per side, " + std::to_string(limits.max_pixels) +
                    " pixels)");
}

uint32_t be32(const uint8_t *p) {
    return uint32_t(p[0]) << 24 | uint32_t(p[1]) << 16 | uint32_t(p[2]) << 8 | uint32_t(p[3]);
}

// Ancillary chunks that need decompression or carry only metadata: skipped unread.
const png_byte kIgnoredChunks[] = "iCCP\0iTXt\0tEXt\0zTXt\0sPLT\0eXIf\0tIME\0pHYs\0hIST\0sCAL\0pCAL";

}  // namespace

Image decode_png(const uint8_t *data, size_t size, const PngLimits &limits) {
    if (!data || size < 8 || png_sig_cmp(data, 0, 8) != 0) throw Error("not a PNG file (bad signature)");
    // Check the size the IHDR claims before libpng does anything: a header claiming
    // 100000x100000 fails here, whatever follows it.
    if (size >= 24 && be32(data + 8) == 13 && std::memcmp(data + 12, "IHDR", 4) == 0)
        check_size(be32(data + 16), be32(data + 20), limits);

    Reader reader{data, size, 0, false, {0}};
    PngGuard g;
    g.png = png_create_read_struct(PNG_LIBPNG_VER_STRING, &reader, on_error, on_warning);
    if (!g.png) throw Error("PNG: cannot create libpng read struct");
    g.info = png_create_info_struct(g.png);
    if (!g.info) throw Error("PNG: cannot create libpng info struct");
    png_set_read_fn(g.png, &reader, on_read);
    const int side = std::max(1, limits.max_side);
    png_set_user_limits(g.png, png_uint_32(side), png_uint_32(side));
    png_set_chunk_cache_max(g.png, 1000);
    png_set_chunk_malloc_max(g.png, 8u << 20);
    png_set_keep_unknown_chunks(g.png, PNG_HANDLE_CHUNK_NEVER, kIgnoredChunks, int(sizeof kIgnoredChunks / 5));

    auto fail = [&]() -> Error {
        if (reader.truncated) return Error("truncated PNG file");
        return Error(std::string("corrupt PNG: ") + reader.msg);
    };

    Header h{};
    if (!read_header(g.png, g.info, &h)) throw fail();
    check_size(h.width, h.height, limits);

    const bool palette = h.color_type == PNG_COLOR_TYPE_PALETTE;
    png_colorp plte = nullptr;
    int num_palette = 0;
    if (palette && !get_palette(g.png, g.info, &plte, &num_palette)) throw fail();
    if (palette && (!plte || num_palette < 1)) throw Error("corrupt PNG: palette image without a palette");

    size_t rowbytes = 0;
    int channels = 0, bit_depth = 0;
    if (!configure(g.png, g.info, palette, &rowbytes, &channels, &bit_depth)) throw fail();
    const int want_channels = palette ? 1 : 3;
    if (channels != want_channels || bit_depth != 8 || rowbytes != size_t(h.width) * size_t(want_channels))
        throw Error("PNG: unsupported format (colour type " + std::to_string(h.color_type) + ", bit depth " +
                    std::to_string(h.bit_depth) + ")");

    Image img;
    img.width = int(h.width);
    img.height = int(h.height);
    img.rgb.resize(size_t(h.width) * 3 * h.height);
    // Palette images: the indices go first into the last third of the pixel buffer, and are
    // expanded in place front to back (the RGB written never overtakes the index read).
    uint8_t *const dst = img.rgb.data() + (palette ? img.rgb.size() - size_t(h.width) * h.height : 0);
    std::unique_ptr<png_bytep[]> rows(new png_bytep[h.height]);
    for (png_uint_32 y = 0; y < h.height; y++) rows[y] = dst + size_t(y) * rowbytes;
    if (!read_pixels(g.png, g.info, rows.get())) throw fail();
    if (palette) {
        const size_t n = size_t(h.width) * h.height;
        int max_index = 0;
        for (size_t i = 0; i < n; i++) max_index = std::max<int>(max_index, dst[i]);
        if (max_index >= num_palette)
            throw Error("corrupt PNG: palette index " + std::to_string(max_index) + " outside the palette of " +
                        std::to_string(num_palette) + " entries");
        for (size_t i = 0; i < n; i++) {
            const png_color c = plte[dst[i]];
            img.rgb[3 * i] = c.red;
            img.rgb[3 * i + 1] = c.green;
            img.rgb[3 * i + 2] = c.blue;
        }
    }
    return img;
}

Image load_png(const std::string &path, const PngLimits &limits) {
    // A regular file no larger than limits.max_file_bytes (checked before a byte is read):
    // a directory, FIFO or device, or a huge file, fails here at once.
    // ("cannot read image file '<path>': a directory, not a regular file" as before InputFile;
    // InputFile checks again what it opened.)
    const std::string kind = non_regular_kind(path);
    if (!kind.empty()) throw Error("cannot read image file '" + path + "': " + kind + ", not a regular file");
    InputFile f(path, "image file", uint64_t(std::max<int64_t>(limits.max_file_bytes, 0)));
    // The signature first: a foreign file is rejected without reading all of it.
    uint8_t sig[8] = {0};
    const size_t n = size_t(std::min<uint64_t>(f.size(), sizeof sig));
    if (n) f.read_at(0, sig, n);
    std::vector<uint8_t> bytes;
    if (n == sizeof sig && png_sig_cmp(sig, 0, 8) == 0)
        bytes = f.read_all();
    else
        bytes.assign(sig, sig + n);
    try {
        return decode_png(bytes.data(), bytes.size(), limits);
    } catch (const Error &e) {
        throw Error(f.where() + ": " + e.what());
    }
}

}  // namespace mnv3

// PNG decoding and crop/resize preprocessing (library mnv3_image).
//   - synthetic PNGs of every colour type, bit depth and interlacing, written here with
//     libpng's classic writer, decode to exactly the expected 8-bit RGB;
//   - the two real photos decode with the right size (and content hash);
//   - bad input (foreign, truncated, oversized, corrupted) gives a one-line mnv3::Error,
//     never a crash;
//   - crop_resize matches a straightforward double-precision bilinear reference.
#include "mnv3/error.h"
#include "mnv3/image.h"

#include <catch2/catch.hpp>
#include "test_child.h"
#include <png.h>

#include <csignal>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <random>
#include <string>
#include <vector>

using mnv3::Error;
using mnv3::Image;
using mnv3::PngLimits;
using Catch::Matchers::Contains;

namespace {

using Bytes = std::vector<uint8_t>;

// ---------------------------------------------------------------------------------------
// Writing test PNGs with libpng's classic writer.

struct PngSpec {
    int width = 0, height = 0;
    int color_type = PNG_COLOR_TYPE_RGB;
    int bit_depth = 8;
    bool interlaced = false;
    std::vector<uint16_t> samples;    // width * height * channels, each < 2^bit_depth
    std::vector<png_color> palette;   // PNG_COLOR_TYPE_PALETTE
    std::vector<uint8_t> trns;        // palette alpha (PALETTE)
    bool trns_color = false;          // a tRNS colour key (GRAY / RGB): the first pixel's value
};

int channels_of(int color_type) {
    switch (color_type) {
    case PNG_COLOR_TYPE_GRAY: return 1;
    case PNG_COLOR_TYPE_GRAY_ALPHA: return 2;
    case PNG_COLOR_TYPE_RGB: return 3;
    case PNG_COLOR_TYPE_RGB_ALPHA: return 4;
    default: return 1;  // palette
    }
}

void write_fn(png_structp png, png_bytep p, size_t n) {
    auto *out = static_cast<Bytes *>(png_get_io_ptr(png));
    out->insert(out->end(), p, p + n);
}
void flush_fn(png_structp) {}
void writer_error(png_structp, png_const_charp msg) {
    std::fprintf(stderr, "test PNG writer: %s\n", msg);
    std::abort();
}
void writer_warning(png_structp, png_const_charp) {}

Bytes write_png(const PngSpec &s) {
    const int ch = channels_of(s.color_type);
    REQUIRE(s.samples.size() == size_t(s.width) * s.height * ch);
    // Packed rows: MSB-first for < 8 bits, big-endian for 16 bits.
    const size_t bits_per_row = size_t(s.width) * ch * s.bit_depth;
    const size_t rowbytes = (bits_per_row + 7) / 8;
    Bytes pixels(rowbytes * s.height, 0);
    for (int y = 0; y < s.height; y++) {
        uint8_t *row = pixels.data() + y * rowbytes;
        for (int i = 0; i < s.width * ch; i++) {
            const uint16_t v = s.samples[size_t(y) * s.width * ch + i];
            if (s.bit_depth == 16) {
                row[2 * i] = uint8_t(v >> 8);
                row[2 * i + 1] = uint8_t(v);
            } else if (s.bit_depth == 8) {
                row[i] = uint8_t(v);
            } else {
                const size_t bit = size_t(i) * s.bit_depth;
                row[bit / 8] |= uint8_t(v << (8 - s.bit_depth - bit % 8));
            }
        }
    }
    std::vector<png_bytep> rows(size_t(s.height));
    for (int y = 0; y < s.height; y++) rows[size_t(y)] = pixels.data() + y * rowbytes;

    Bytes out;
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, nullptr, writer_error, writer_warning);
    png_infop info = png_create_info_struct(png);
    png_set_write_fn(png, &out, write_fn, flush_fn);
    png_set_IHDR(png, info, png_uint_32(s.width), png_uint_32(s.height), s.bit_depth, s.color_type,
                 s.interlaced ? PNG_INTERLACE_ADAM7 : PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT,
                 PNG_FILTER_TYPE_DEFAULT);
    if (!s.palette.empty()) png_set_PLTE(png, info, s.palette.data(), int(s.palette.size()));
    if (!s.trns.empty()) png_set_tRNS(png, info, s.trns.data(), int(s.trns.size()), nullptr);
    if (s.trns_color) {
        png_color_16 key{};
        if (s.color_type == PNG_COLOR_TYPE_GRAY) {
            key.gray = s.samples[0];
        } else {
            key.red = s.samples[0];
            key.green = s.samples[1];
            key.blue = s.samples[2];
        }
        png_set_tRNS(png, info, nullptr, 0, &key);
    }
    png_write_info(png, info);
    png_write_image(png, rows.data());  // handles Adam7 passes itself
    png_write_end(png, info);
    png_destroy_write_struct(&png, &info);
    return out;
}

// The RGB the decoder should produce (documented conversion: 16 bits keep the high byte,
// low-depth gray is scaled to 0..255 by bit replication, alpha is ignored).
Bytes expected_rgb(const PngSpec &s) {
    const int ch = channels_of(s.color_type);
    Bytes rgb;
    auto to8 = [&](uint16_t v) -> uint8_t {
        switch (s.bit_depth) {
        case 1: return uint8_t(v * 255);
        case 2: return uint8_t(v * 85);
        case 4: return uint8_t(v * 17);
        case 8: return uint8_t(v);
        default: return uint8_t(v >> 8);
        }
    };
    for (size_t p = 0; p < size_t(s.width) * s.height; p++) {
        const uint16_t *v = &s.samples[p * ch];
        if (s.color_type == PNG_COLOR_TYPE_PALETTE) {
            const png_color c = s.palette[v[0]];
            rgb.insert(rgb.end(), {c.red, c.green, c.blue});
        } else if (ch <= 2) {
            rgb.insert(rgb.end(), {to8(v[0]), to8(v[0]), to8(v[0])});
        } else {
            rgb.insert(rgb.end(), {to8(v[0]), to8(v[1]), to8(v[2])});
        }
    }
    return rgb;
}

PngSpec random_spec(int color_type, int bit_depth, bool interlaced, int w, int h, uint32_t seed) {
    std::mt19937 rng(seed);
    PngSpec s;
    s.width = w;
    s.height = h;
    s.color_type = color_type;
    s.bit_depth = bit_depth;
    s.interlaced = interlaced;
    const int ch = channels_of(color_type);
    int levels = 1 << bit_depth;
    if (color_type == PNG_COLOR_TYPE_PALETTE) {
        // A palette smaller than 2^depth where possible, so indices stay in range.
        const int n = std::max(1, std::min(levels, 1 << bit_depth) - (bit_depth > 1 ? 1 : 0));
        for (int i = 0; i < n; i++) s.palette.push_back({uint8_t(rng()), uint8_t(rng()), uint8_t(rng())});
        for (int i = 0; i < std::min(n, 3); i++) s.trns.push_back(uint8_t(rng()));
        levels = n;
    }
    s.samples.resize(size_t(w) * h * ch);
    for (auto &v : s.samples) v = uint16_t(rng() % uint32_t(levels));
    // Extreme values too.
    if (s.samples.size() >= 2 && color_type != PNG_COLOR_TYPE_PALETTE) {
        s.samples[0] = 0;
        s.samples[1] = uint16_t(levels - 1);
    }
    return s;
}

Image decode(const Bytes &b, const PngLimits &limits = {}) { return mnv3::decode_png(b.data(), b.size(), limits); }

// Decodes; returns the mnv3::Error message, or "" if it decoded. Any other exception fails.
std::string decode_error(const Bytes &b, const PngLimits &limits = {}) {
    try {
        const Image img = decode(b, limits);
        CHECK(img.width >= 1);
        CHECK(img.height >= 1);
        CHECK(img.rgb.size() == size_t(img.width) * img.height * 3);
        return "";
    } catch (const Error &e) {
        const std::string msg = e.what();
        CHECK(!msg.empty());
        CHECK(msg.find('\n') == std::string::npos);
        return msg;
    }
}

// ---------------------------------------------------------------------------------------
// Files and chunks.

std::string images_dir() {
    if (const char *e = std::getenv("MNV3_IMAGES_DIR")) return e;
    return MNV3_IMAGES_DIR;
}

Bytes read_file(const std::string &path) {
    std::ifstream f(path, std::ios::binary);
    if (!f) FAIL("cannot read test image " << path << " (set MNV3_IMAGES_DIR to the directory holding "
                                            "chelsea.png and coffee.png)");
    return Bytes(std::istreambuf_iterator<char>(f), {});
}

void write_file(const std::string &path, const Bytes &b) {
    std::ofstream f(path, std::ios::binary);
    f.write(reinterpret_cast<const char *>(b.data()), std::streamsize(b.size()));
}

uint32_t crc32(const uint8_t *p, size_t n) {
    uint32_t c = 0xffffffffu;
    for (size_t i = 0; i < n; i++) {
        c ^= p[i];
        for (int k = 0; k < 8; k++) c = (c >> 1) ^ (0xedb88320u & (0u - (c & 1u)));
    }
    return c ^ 0xffffffffu;
}

void put32(Bytes &b, uint32_t v) {
    for (int s = 24; s >= 0; s -= 8) b.push_back(uint8_t(v >> s));
}

// A signature and an IHDR chunk (correct CRC) claiming w x h RGB, then nothing.
Bytes header_only(uint32_t w, uint32_t h) {
    Bytes b = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    put32(b, 13);
    const size_t type_at = b.size();
    b.insert(b.end(), {'I', 'H', 'D', 'R'});
    put32(b, w);
    put32(b, h);
    b.insert(b.end(), {8, 2, 0, 0, 0});
    put32(b, crc32(b.data() + type_at, b.size() - type_at));
    return b;
}

struct Chunk {
    size_t at;  // offset of the length field
    uint32_t length;
    std::string type;
};

std::vector<Chunk> chunks(const Bytes &b) {
    std::vector<Chunk> out;
    size_t at = 8;
    while (at + 12 <= b.size()) {
        const uint32_t len = uint32_t(b[at]) << 24 | uint32_t(b[at + 1]) << 16 | uint32_t(b[at + 2]) << 8 | b[at + 3];
        out.push_back({at, len, std::string(b.begin() + long(at) + 4, b.begin() + long(at) + 8)});
        at += 12 + size_t(len);
    }
    return out;
}

uint64_t fnv1a(const Bytes &b) {
    uint64_t h = 0xcbf29ce484222325ull;
    for (uint8_t v : b) h = (h ^ v) * 0x100000001b3ull;
    return h;
}

// ---------------------------------------------------------------------------------------
// Reference crop + bilinear resize, double precision, written independently of the library.

Image reference_crop_resize(const Image &src, int size, double fraction) {
    const int shorter = std::min(src.width, src.height);
    int c = int(std::floor(fraction * shorter + 0.5));
    c = std::max(1, std::min(c, shorter));
    const int left = (src.width - c) / 2, top = (src.height - c) / 2;
    auto px = [&](int x, int y, int ch) {
        return double(src.rgb[(size_t(top + y) * src.width + size_t(left + x)) * 3 + size_t(ch)]);
    };
    auto coord = [&](int o, int &i0, int &i1, double &f) {
        double s = (o + 0.5) * c / size - 0.5;
        if (s < 0) s = 0;
        if (s > c - 1) s = c - 1;
        i0 = int(std::floor(s));
        i1 = std::min(i0 + 1, c - 1);
        f = s - i0;
    };
    Image out;
    out.width = out.height = size;
    out.rgb.resize(size_t(size) * size * 3);
    for (int y = 0; y < size; y++) {
        int y0, y1;
        double fy;
        coord(y, y0, y1, fy);
        for (int x = 0; x < size; x++) {
            int x0, x1;
            double fx;
            coord(x, x0, x1, fx);
            for (int ch = 0; ch < 3; ch++) {
                const double v = (1 - fy) * ((1 - fx) * px(x0, y0, ch) + fx * px(x1, y0, ch)) +
                                 fy * ((1 - fx) * px(x0, y1, ch) + fx * px(x1, y1, ch));
                out.rgb[(size_t(y) * size + x) * 3 + ch] = uint8_t(std::floor(v + 0.5));
            }
        }
    }
    return out;
}

Image random_image(int w, int h, uint32_t seed, bool smooth) {
    std::mt19937 rng(seed);
    Image img;
    img.width = w;
    img.height = h;
    img.rgb.resize(size_t(w) * h * 3);
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++)
            for (int ch = 0; ch < 3; ch++)
                img.rgb[(size_t(y) * w + x) * 3 + ch] =
                    smooth ? uint8_t((x * (ch + 1) + y * 3 + int(rng() % 8)) & 255) : uint8_t(rng());
    return img;
}

int max_diff(const Image &a, const Image &b) {
    REQUIRE(a.width == b.width);
    REQUIRE(a.height == b.height);
    REQUIRE(a.rgb.size() == b.rgb.size());
    int d = 0;
    for (size_t i = 0; i < a.rgb.size(); i++) d = std::max(d, std::abs(int(a.rgb[i]) - int(b.rgb[i])));
    return d;
}

}  // namespace

// =========================================================================================

TEST_CASE("every colour type, bit depth and interlacing decodes exactly", "[image][png]") {
    struct Kind {
        int color_type, bit_depth;
        const char *name;
    };
    const Kind kinds[] = {
        {PNG_COLOR_TYPE_GRAY, 1, "gray1"},       {PNG_COLOR_TYPE_GRAY, 2, "gray2"},
        {PNG_COLOR_TYPE_GRAY, 4, "gray4"},       {PNG_COLOR_TYPE_GRAY, 8, "gray8"},
        {PNG_COLOR_TYPE_GRAY, 16, "gray16"},     {PNG_COLOR_TYPE_GRAY_ALPHA, 8, "gray-alpha8"},
        {PNG_COLOR_TYPE_GRAY_ALPHA, 16, "gray-alpha16"}, {PNG_COLOR_TYPE_RGB, 8, "rgb8"},
        {PNG_COLOR_TYPE_RGB, 16, "rgb16"},       {PNG_COLOR_TYPE_RGB_ALPHA, 8, "rgba8"},
        {PNG_COLOR_TYPE_RGB_ALPHA, 16, "rgba16"}, {PNG_COLOR_TYPE_PALETTE, 1, "palette1"},
        {PNG_COLOR_TYPE_PALETTE, 2, "palette2"}, {PNG_COLOR_TYPE_PALETTE, 4, "palette4"},
        {PNG_COLOR_TYPE_PALETTE, 8, "palette8"},
    };
    const int sizes[][2] = {{1, 1}, {13, 7}, {8, 8}, {3, 17}, {67, 5}};
    uint32_t seed = 1;
    for (const Kind &k : kinds)
        for (bool interlaced : {false, true})
            for (bool trns_color : {false, true}) {
                if (trns_color && k.color_type != PNG_COLOR_TYPE_GRAY && k.color_type != PNG_COLOR_TYPE_RGB) continue;
                for (const auto &wh : sizes) {
                    PngSpec s = random_spec(k.color_type, k.bit_depth, interlaced, wh[0], wh[1], seed++);
                    s.trns_color = trns_color;
                    if (k.color_type == PNG_COLOR_TYPE_PALETTE && !trns_color && wh[0] == 13) s.trns.clear();
                    INFO(k.name << (interlaced ? " interlaced" : "") << (trns_color ? " tRNS key" : "")
                                << (s.trns.empty() ? "" : " tRNS") << " " << wh[0] << "x" << wh[1]);
                    const Bytes png = write_png(s);
                    const Image img = decode(png);
                    REQUIRE(img.width == wh[0]);
                    REQUIRE(img.height == wh[1]);
                    REQUIRE(img.rgb == expected_rgb(s));
                }
            }
}

TEST_CASE("16-bit samples keep their high byte", "[image][png]") {
    PngSpec s;
    s.width = 6;
    s.height = 1;
    s.color_type = PNG_COLOR_TYPE_RGB;
    s.bit_depth = 16;
    s.samples = {0, 1, 255, 256, 257, 0x7f80, 0x7fff, 0x8000, 0x80ff, 0xfeff, 0xff00, 0xffff,
                 0x1234, 0x5678, 0x9abc, 0xdef0, 0x00ff, 0xff01};
    const Image img = decode(write_png(s));
    const Bytes want = {0, 0, 0, 1, 1, 0x7f, 0x7f, 0x80, 0x80, 0xfe, 0xff, 0xff, 0x12, 0x56, 0x9a, 0xde, 0x00, 0xff};
    CHECK(img.rgb == want);
}

TEST_CASE("the real photos decode", "[image][png]") {
    struct Photo {
        const char *name;
        int w, h;
        uint64_t hash;  // FNV-1a of the RGB bytes, from an independent pure-Python decoder
    };
    for (const Photo &p : {Photo{"chelsea.png", 451, 300, 0xb2179687966157a8ull},
                          Photo{"coffee.png", 600, 400, 0xd261c1b91ef6ee1eull}}) {
        const std::string path = images_dir() + "/" + p.name;
        INFO(path);
        const Bytes bytes = read_file(path);  // fails with a hint when the photos are missing
        const Image img = mnv3::load_png(path);
        CHECK(img.width == p.w);
        CHECK(img.height == p.h);
        REQUIRE(img.rgb.size() == size_t(p.w) * p.h * 3);
        CHECK(fnv1a(img.rgb) == p.hash);
        // Same from memory.
        CHECK(decode(bytes).rgb == img.rgb);
    }
}

TEST_CASE("limits are checked", "[image][png][bad-input]") {
    const Bytes photo = read_file(images_dir() + "/chelsea.png");  // 451 x 300
    CHECK_THAT(decode_error(photo, {451 * 300 - 1, 1 << 15}), Contains("too large"));
    CHECK_THAT(decode_error(photo, {64ll << 20, 450}), Contains("too large"));
    CHECK(decode_error(photo, {451 * 300, 451}).empty());
}

TEST_CASE("a header claiming a huge image fails fast", "[image][png][bad-input]") {
    for (uint32_t side : {100000u, 40000u, 0x7fffffffu, 0xffffffffu}) {
        const auto t0 = std::chrono::steady_clock::now();
        CHECK_THAT(decode_error(header_only(side, side)), Contains("too large"));
        CHECK(std::chrono::steady_clock::now() - t0 < std::chrono::milliseconds(100));
    }
    // Within the side limit but over the pixel limit.
    CHECK_THAT(decode_error(header_only(20000, 20000)), Contains("too large"));
    CHECK_THAT(decode_error(header_only(1 << 15, (1 << 11) + 1)), Contains("too large"));
    CHECK_THAT(decode_error(header_only(1 << 15, 1 << 11)), Contains("truncated"));  // exactly at the limit
    // Zero sides.
    CHECK_THAT(decode_error(header_only(0, 10)), Contains("zero"));
    CHECK_THAT(decode_error(header_only(10, 0)), Contains("zero"));
    // A plausible size and then nothing: truncated, not an allocation of the claimed size.
    CHECK_THAT(decode_error(header_only(640, 480)), Contains("truncated"));
    // A wrong IHDR length (the pre-check does not apply): libpng rejects it itself.
    Bytes odd = header_only(100000, 100000);
    odd[11] = 14;
    CHECK(!decode_error(odd).empty());
}

TEST_CASE("missing, foreign and truncated files", "[image][png][bad-input]") {
    const std::string missing = images_dir() + "/does-not-exist.png";
    CHECK_THROWS_WITH(mnv3::load_png(missing), Contains("cannot open") && Contains(missing));
    CHECK_THROWS_WITH(mnv3::load_png("/"), Contains("cannot read") && Contains("'/'"));

    CHECK_THAT(decode_error({}), Contains("not a PNG file"));
    CHECK_THROWS_AS(mnv3::decode_png(nullptr, 0), Error);
    CHECK_THAT(decode_error({0xff, 0xd8, 0xff, 0xe0, 0, 0x10, 'J', 'F', 'I', 'F', 0, 1, 1}), Contains("not a PNG file"));
    CHECK_THAT(decode_error({0x89, 'P', 'N', 'G', '\r', '\n', 0x1a}), Contains("not a PNG file"));
    std::mt19937 rng(7);
    for (int i = 0; i < 50; i++) {
        Bytes junk(size_t(rng() % 4000));
        for (auto &b : junk) b = uint8_t(rng());
        CHECK_THAT(decode_error(junk), Contains("not a PNG file"));
        // The signature followed by junk.
        junk.insert(junk.begin(), {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
        CHECK(!decode_error(junk).empty());
    }

    // A foreign file through load_png names the file.
    const std::string tmp = std::string(MNV3_TEST_TMP_DIR) + "/not-a-png.png";
    write_file(tmp, {'G', 'I', 'F', '8', '9', 'a', 1, 0, 1, 0});
    CHECK_THROWS_WITH(mnv3::load_png(tmp), Contains("not a PNG file") && Contains(tmp));

    // Truncated real photo: every 101 bytes of the first 20 KB, and around the end.
    const Bytes photo = read_file(images_dir() + "/chelsea.png");
    REQUIRE(photo.size() > 20000);
    std::vector<size_t> cuts;
    for (size_t n = 0; n < 20000; n += 101) cuts.push_back(n);
    for (size_t back : {1, 4, 8, 12, 13, 100, 1000}) cuts.push_back(photo.size() - back);
    for (size_t n : cuts) {
        INFO("truncated to " << n << " of " << photo.size() << " bytes");
        const std::string msg = decode_error(Bytes(photo.begin(), photo.begin() + long(n)));
        CHECK(!msg.empty());
        if (n >= 8) CHECK_THAT(msg, Contains("truncated"));
    }
    const std::string cut = std::string(MNV3_TEST_TMP_DIR) + "/truncated.png";
    write_file(cut, Bytes(photo.begin(), photo.begin() + 5000));
    CHECK_THROWS_WITH(mnv3::load_png(cut), Contains("truncated") && Contains(cut));
}

TEST_CASE("corrupted bytes give an error or an image, never a crash", "[image][png][bad-input]") {
    const Bytes photo = read_file(images_dir() + "/chelsea.png");
    const std::vector<Chunk> cs = chunks(photo);
    REQUIRE(!cs.empty());
    REQUIRE(cs[0].type == "IHDR");

    // A CRC error in a critical chunk is an error.
    Bytes bad_crc = photo;
    bad_crc[cs[0].at + 8 + 13] ^= 1;
    CHECK_THAT(decode_error(bad_crc), Contains("CRC"));
    for (const Chunk &c : cs)
        if (c.type == "IDAT") {
            Bytes b = photo;
            b[c.at + 8 + c.length] ^= 0x40;
            CHECK_THAT(decode_error(b), Contains("CRC"));
            break;
        }

    // Random single-byte changes in IHDR (with its CRC) and in IDAT chunks (data and CRC).
    std::vector<std::pair<size_t, size_t>> spans;  // [begin, end) of bytes to corrupt
    for (const Chunk &c : cs)
        if (c.type == "IHDR" || c.type == "IDAT") spans.emplace_back(c.at, c.at + 12 + c.length);
    std::mt19937 rng(12345);
    int decoded = 0, failed = 0;
    for (int i = 0; i < 300; i++) {
        const auto &sp = spans[rng() % spans.size()];
        // Half of the flips near the start of a chunk (headers, zlib header), half anywhere.
        const size_t span = sp.second - sp.first;
        const size_t at = sp.first + (i % 2 ? rng() % span : rng() % std::min<size_t>(span, 64));
        Bytes b = photo;
        b[at] ^= uint8_t(1 + rng() % 255);
        INFO("byte " << at << " changed");
        (decode_error(b).empty() ? decoded : failed)++;
    }
    CHECK(decoded + failed == 300);
    CHECK(failed > 0);

    // The same on a small interlaced palette image, every byte after the signature.
    PngSpec s = random_spec(PNG_COLOR_TYPE_PALETTE, 4, true, 9, 7, 99);
    const Bytes small = write_png(s);
    for (size_t at = 8; at < small.size(); at++)
        for (uint8_t x : {0x01, 0x80, 0xff}) {
            Bytes b = small;
            b[at] ^= x;
            decode_error(b);
        }
}

TEST_CASE("crop_resize matches a double-precision bilinear reference", "[image][preprocess]") {
    struct Case {
        int w, h, size;
        double fraction;
    };
    const Case cases[] = {
        {600, 400, 224, 0.875}, {451, 300, 224, 0.875}, {300, 451, 224, 0.875}, {224, 224, 224, 1.0},
        {256, 256, 224, 0.875}, {50, 30, 224, 0.875},   {3, 5, 7, 1.0},         {1000, 2, 224, 0.875},
        {2, 1000, 224, 0.875},  {640, 480, 96, 0.5},    {17, 19, 224, 0.3},     {800, 801, 1, 0.875},
    };
    uint32_t seed = 1;
    for (const Case &c : cases)
        for (bool smooth : {false, true}) {
            INFO(c.w << "x" << c.h << " -> " << c.size << " fraction " << c.fraction << (smooth ? " smooth" : " noise"));
            const Image src = random_image(c.w, c.h, seed++, smooth);
            const Image got = mnv3::crop_resize(src, c.size, c.fraction);
            CHECK(max_diff(got, reference_crop_resize(src, c.size, c.fraction)) <= 1);
        }
}

TEST_CASE("crop_resize is the identity when the crop is already the output size", "[image][preprocess]") {
    // 300 x 200: crop 175 (0.875 * 200) at (62, 12).
    const Image src = random_image(300, 200, 5, false);
    const Image got = mnv3::crop_resize(src, 175, 0.875);
    REQUIRE(got.width == 175);
    for (int y = 0; y < 175; y++)
        for (int x = 0; x < 175; x++)
            for (int ch = 0; ch < 3; ch++)
                REQUIRE(got.rgb[(size_t(y) * 175 + x) * 3 + ch] == src.rgb[(size_t(y + 12) * 300 + x + 62) * 3 + ch]);
    // Odd margins: 301 x 200 -> offset floor(126 / 2) = 63.
    const Image src2 = random_image(301, 200, 6, false);
    const Image got2 = mnv3::crop_resize(src2, 175, 0.875);
    for (int x = 0; x < 175; x++) REQUIRE(got2.rgb[size_t(x) * 3] == src2.rgb[(size_t(12) * 301 + x + 63) * 3]);
    // The whole image when it is square and the fraction is 1.
    const Image sq = random_image(64, 64, 7, false);
    CHECK(mnv3::crop_resize(sq, 64, 1.0).rgb == sq.rgb);
}

TEST_CASE("crop_resize handles tiny and extreme shapes", "[image][preprocess]") {
    Image one;
    one.width = one.height = 1;
    one.rgb = {10, 200, 77};
    for (int size : {1, 2, 224}) {
        const Image got = mnv3::crop_resize(one, size);
        REQUIRE(got.rgb.size() == size_t(size) * size * 3);
        for (size_t i = 0; i < got.rgb.size(); i++) REQUIRE(got.rgb[i] == one.rgb[i % 3]);
    }
    // 20000 x 1: a 1-pixel crop from the middle column, (20000 - 1) / 2 = 9999.
    Image wide = random_image(20000, 1, 8, false);
    const Image got = mnv3::crop_resize(wide, 224);
    for (size_t i = 0; i < got.rgb.size(); i++) REQUIRE(got.rgb[i] == wide.rgb[9999 * 3 + i % 3]);
    // 1 x 20000.
    Image tall = random_image(1, 20000, 9, false);
    const Image got_t = mnv3::crop_resize(tall, 16);
    for (size_t i = 0; i < got_t.rgb.size(); i++) REQUIRE(got_t.rgb[i] == tall.rgb[9999 * 3 + i % 3]);
    // Constant images stay constant, at every size.
    Image flat = random_image(37, 23, 10, false);
    for (size_t i = 0; i < flat.rgb.size(); i++) flat.rgb[i] = uint8_t(i % 3 == 0 ? 255 : i % 3 == 1 ? 0 : 128);
    const Image f = mnv3::crop_resize(flat, 224);
    for (size_t i = 0; i < f.rgb.size(); i++) REQUIRE(f.rgb[i] == flat.rgb[i % 3]);
}

TEST_CASE("crop_resize rejects bad arguments", "[image][preprocess][bad-input]") {
    const Image src = random_image(10, 10, 1, false);
    CHECK_THROWS_AS(mnv3::crop_resize(Image{}, 224), Error);
    Image bad = src;
    bad.rgb.pop_back();
    CHECK_THROWS_WITH(mnv3::crop_resize(bad, 224), Contains("inconsistent"));
    CHECK_THROWS_WITH(mnv3::crop_resize(src, 0), Contains("size"));
    CHECK_THROWS_WITH(mnv3::crop_resize(src, -5), Contains("size"));
    CHECK_THROWS_WITH(mnv3::crop_resize(src, 224, 0.0), Contains("fraction"));
    CHECK_THROWS_WITH(mnv3::crop_resize(src, 224, 1.5), Contains("fraction"));
    CHECK_THROWS_WITH(mnv3::crop_resize(src, 224, std::nan("")), Contains("fraction"));
}

// Timing, not a pass/fail check (the machine may be busy): ./test_image "[.bench]"
TEST_CASE("crop_resize timing", "[.bench]") {
    for (auto wh : {std::pair<int, int>{600, 400}, {451, 300}}) {
        const Image src = random_image(wh.first, wh.second, 1, true);
        std::vector<double> t;
        for (int i = 0; i < 501; i++) {
            const auto t0 = std::chrono::steady_clock::now();
            const Image out = mnv3::crop_resize(src, 224);
            t.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
            REQUIRE(out.width == 224);
        }
        std::sort(t.begin(), t.end());
        std::printf("crop_resize %dx%d -> 224: median %.4f ms, min %.4f ms\n", wh.first, wh.second, t[t.size() / 2],
                    t[0]);
        const Bytes png = read_file(images_dir() + (wh.first == 600 ? "/coffee.png" : "/chelsea.png"));
        std::vector<double> d;
        for (int i = 0; i < 51; i++) {
            const auto t0 = std::chrono::steady_clock::now();
            decode(png);
            d.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
        }
        std::sort(d.begin(), d.end());
        std::printf("decode_png %dx%d: median %.3f ms\n", wh.first, wh.second, d[d.size() / 2]);
    }
}

namespace {

// The PNG with its PLTE chunk cut to the first n entries (CRC recomputed).
Bytes with_palette_size(const Bytes &png, int n) {
    Bytes out(png.begin(), png.begin() + 8);
    for (const Chunk &c : chunks(png)) {
        if (c.type != "PLTE") {
            out.insert(out.end(), png.begin() + long(c.at), png.begin() + long(c.at + 12 + c.length));
            continue;
        }
        REQUIRE(c.length >= uint32_t(3 * n));
        put32(out, uint32_t(3 * n));
        const size_t type_at = out.size();
        out.insert(out.end(), {'P', 'L', 'T', 'E'});
        out.insert(out.end(), png.begin() + long(c.at + 8), png.begin() + long(c.at + 8 + 3 * size_t(n)));
        put32(out, crc32(out.data() + type_at, out.size() - type_at));
    }
    return out;
}

// A palette image w x h whose pixel (w-1, h-1) has index `top`, the others 0.
PngSpec palette_spec(int bit_depth, bool interlaced, int top) {
    PngSpec s;
    s.width = 5;
    s.height = 3;
    s.color_type = PNG_COLOR_TYPE_PALETTE;
    s.bit_depth = bit_depth;
    s.interlaced = interlaced;
    s.samples.assign(15, 0);
    s.samples.back() = uint16_t(top);
    for (int i = 0; i < (1 << bit_depth); i++)
        s.palette.push_back(png_color{uint8_t(10 + i), uint8_t(20 + i), uint8_t(30 + i)});
    return s;
}


// load_png's error message, or "" if it decoded.
std::string load_error(const std::string &path, const PngLimits &limits = {}) {
    try {
        (void)mnv3::load_png(path, limits);
        return "";
    } catch (const Error &e) {
        return e.what();
    }
}

double seconds_since(std::chrono::steady_clock::time_point t0) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

}  // namespace

TEST_CASE("a palette index past the palette is an error, not black", "[image][png][bad-input]") {
    for (int depth : {1, 2, 4, 8})
        for (bool interlaced : {false, true}) {
            INFO("bit depth " << depth << (interlaced ? ", interlaced" : ""));
            const int n = depth == 1 ? 1 : (1 << depth) / 2;  // palette entries kept
            // The last valid index decodes, with its colour.
            const Bytes ok = with_palette_size(write_png(palette_spec(depth, interlaced, n - 1)), n);
            REQUIRE(decode_error(ok).empty());
            const Image img = decode(ok);
            CHECK(img.rgb[img.rgb.size() - 3] == uint8_t(10 + n - 1));
            // Index n (one past: libpng itself lets that through) and the largest index.
            for (int top : {n, (1 << depth) - 1}) {
                if (top < n) continue;
                INFO("index " << top << " with " << n << " palette entries");
                const Bytes bad = with_palette_size(write_png(palette_spec(depth, interlaced, top)), n);
                const std::string msg = decode_error(bad);
                CHECK_THAT(msg, Contains("palette index " + std::to_string(top) + " outside the palette of " +
                                         std::to_string(n) + " entries"));
            }
        }
    // Through load_png too.
    const std::string tmp = std::string(MNV3_TEST_TMP_DIR) + "/bad-palette.png";
    write_file(tmp, with_palette_size(write_png(palette_spec(8, false, 200)), 16));
    CHECK_THAT(load_error(tmp), Contains("palette index 200 outside the palette of 16 entries") && Contains(tmp));
}

TEST_CASE("load_png refuses what is not a regular file of bounded size, before reading", "[image][png][bad-input]") {
    const std::string dir = std::string(MNV3_TEST_TMP_DIR) + "/png-inputs";
    ::mkdir(dir.c_str(), 0755);

    SECTION("a directory named like a photo") {
        const std::string d = dir + "/x.png";
        ::mkdir(d.c_str(), 0755);
        CHECK_THAT(load_error(d), Contains("a directory, not a regular file") && Contains(d));
    }
    SECTION("a device") {
        CHECK_THAT(load_error("/dev/urandom"), Contains("a device, not a regular file"));
        CHECK_THAT(load_error("/dev/zero"), Contains("a device, not a regular file"));
    }
    SECTION("a real photo extended to 2 GB (sparse): refused by size, at once") {
        const std::string big = dir + "/big.png";
        write_file(big, read_file(images_dir() + "/chelsea.png"));
        REQUIRE(::truncate(big.c_str(), off_t(2) << 30) == 0);
        const auto t0 = std::chrono::steady_clock::now();
        CHECK_THAT(load_error(big), Contains("image file '" + big + "': file of 2147483648 bytes exceeds the 64 MiB limit"));
        CHECK(seconds_since(t0) < 1.0);
        // The limit is the caller's: raised, the photo decodes (the zeros after IEND are not read).
        PngLimits roomy;
        roomy.max_file_bytes = 4ll << 30;
        ::unlink(big.c_str());
        write_file(big, read_file(images_dir() + "/chelsea.png"));
        REQUIRE(::truncate(big.c_str(), off_t(65) << 20) == 0);
        CHECK_THAT(load_error(big), Contains("exceeds the 64 MiB limit"));
        CHECK(load_error(big, roomy).empty());
        ::unlink(big.c_str());
    }
    SECTION("a FIFO with no writer: an error, not a wait") {
        const std::string fifo = dir + "/nowriter.png";
        ::unlink(fifo.c_str());
        REQUIRE(::mkfifo(fifo.c_str(), 0644) == 0);
        const int rc = in_child_with_alarm([&] {
            return load_error(fifo).find("a FIFO, not a regular file") != std::string::npos;
        });
        CHECK(rc == 0);  // 128 + SIGALRM (142): it blocked
        ::unlink(fifo.c_str());
    }
    SECTION("a FIFO fed a PNG signature then endless zeros: an error, not unbounded memory") {
        const std::string fifo = dir + "/endless.png";
        ::unlink(fifo.c_str());
        REQUIRE(::mkfifo(fifo.c_str(), 0644) == 0);
        std::fflush(nullptr);
        const pid_t writer = fork();
        REQUIRE(writer >= 0);
        if (writer == 0) {  // blocks in open until a reader opens the FIFO (none will)
            const int fd = ::open(fifo.c_str(), O_WRONLY);
            if (fd >= 0) {
                const char sig[] = "\x89PNG\r\n\x1a\n";
                (void)!::write(fd, sig, 8);
                static char zeros[1 << 16];
                while (::write(fd, zeros, sizeof zeros) > 0) {
                }
            }
            _exit(0);
        }
        const int rc = in_child_with_alarm([&] {
            return load_error(fifo).find("a FIFO, not a regular file") != std::string::npos;
        });
        CHECK(rc == 0);
        ::kill(writer, SIGKILL);
        ::waitpid(writer, nullptr, 0);
        ::unlink(fifo.c_str());
    }
}

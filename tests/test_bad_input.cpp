// Bad input to the runtime: each gets an mnv3::Error with a one-line message, never a
// crash or a silently wrong answer.
#include "mnv3/error.h"
#include "mnv3/network.h"
#include "test_data.h"

#include <catch2/catch.hpp>

#include <chrono>
#include <cctype>
#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

using mnv3::Error;
using mnv3::Network;
using Catch::Matchers::Contains;

namespace {

const std::string kBase = std::string(MNV3_REFS_DIR) + "/small_1.0";
const std::string kTmp = std::string(MNV3_TEST_TMP_DIR);

// Loads `bytes` as a weight file and returns the error message (fails if none).
std::string load_error(const std::string &bytes, const std::string &name) {
    const std::string path = kTmp + "/" + name + ".mnv3w";
    write_bytes(path, bytes);
    try {
        Network::load(path);
    } catch (const Error &e) {
        std::string msg = e.what();
        CHECK(msg.find('\n') == std::string::npos);
        CHECK(!msg.empty());
        return msg;
    }
    FAIL("loading " << name << " did not fail");
    return "";
}

// Format version 2 helpers (docs/weights-format.md): the checksum is FNV-1a 64 of the whole
// file with its 16 hex digits read as '0'. reseal() recomputes it after an edit, so that a
// test reaches the check it is about instead of the checksum.
constexpr char kSumPrefix[] = "checksum fnv1a64 ";

void reseal(std::string &file) {
    const size_t at = file.find(kSumPrefix);
    REQUIRE(at != std::string::npos);
    const size_t pos = at + sizeof kSumPrefix - 1;
    file.replace(pos, 16, std::string(16, '0'));
    uint64_t h = 14695981039346656037ull;
    for (unsigned char c : file) h = (h ^ c) * 1099511628211ull;
    char hex[17];
    std::snprintf(hex, sizeof hex, "%016" PRIx64, h);
    file.replace(pos, 16, hex);
}

size_t header_end(const std::string &file) { return file.find("\nend\n") + 5; }
size_t data_start(const std::string &file) { return (header_end(file) + 63) / 64 * 64; }

// A file from header lines (without magic and end) and a data section, sealed.
std::string make_file(const std::string &lines, const std::string &data) {
    std::string f = "MNV3WTS2" + lines + "checksum fnv1a64 0000000000000000\nend\n";
    f.resize((f.size() + 63) / 64 * 64, '\0');
    f += data;
    reseal(f);
    return f;
}

const std::string kModelLines = "model small 1.0 224 sym 1000\nbn_eps 0.001\n";

// The good file with its header lines edited: `from` replaced by `to` (once), padding
// adjusted, resealed. Checks the edit applied.
std::string edit_header(const std::string &good, const std::string &from, const std::string &to) {
    const size_t he = header_end(good);
    std::string header = good.substr(8, he - 8);
    const size_t at = header.find(from);
    REQUIRE(at != std::string::npos);
    header.replace(at, from.size(), to);
    const std::string data = good.substr(data_start(good));
    std::string f = "MNV3WTS2" + header;
    f.resize((f.size() + 63) / 64 * 64, '\0');
    f += data;
    reseal(f);
    return f;
}

// Byte offset in the file of element `i` of tensor `name`.
size_t element_at(const std::string &file, const std::string &name, size_t i) {
    const std::string key = "\ntensor " + name + " ";
    size_t at = file.find(key);
    REQUIRE(at != std::string::npos);
    at = file.find(' ', at + key.size());  // after the shape
    const size_t off = std::stoull(file.substr(at + 1));
    return data_start(file) + off + 4 * i;
}

std::string with_value(const std::string &good, const std::string &name, size_t i, float v) {
    std::string f = good;
    std::memcpy(&f[element_at(f, name, i)], &v, 4);
    reseal(f);
    return f;
}

}  // namespace

TEST_CASE("missing weight file", "[bad-input]") {
    REQUIRE_THROWS_WITH(Network::load(kTmp + "/does-not-exist.mnv3w"), Contains("cannot open"));
}

TEST_CASE("empty, foreign and truncated weight files", "[bad-input]") {
    const std::string good = read_bytes(kBase + ".mnv3w");
    CHECK_THAT(load_error("", "empty"), Contains("bad magic"));
    CHECK_THAT(load_error("\x89PNG\r\n\x1a\n-not-weights", "png"), Contains("bad magic"));
    CHECK_THAT(load_error(good.substr(0, 40), "cut-header"), Contains("truncated header"));
    CHECK_THAT(load_error(good.substr(0, good.size() / 2), "cut-half"), Contains("truncated"));
    CHECK_THAT(load_error(good.substr(0, good.size() - 1), "cut-one"), Contains("truncated"));
    CHECK_THAT(load_error(good + "x", "extra"), Contains("data section"));
}

TEST_CASE("corrupted weight files", "[bad-input]") {
    const std::string good = read_bytes(kBase + ".mnv3w");
    std::string data_flip = good;
    data_flip[good.size() - 1000] ^= 0x10;  // one bit of one weight
    CHECK_THAT(load_error(data_flip, "data-flip"), Contains("checksum"));

    std::string header_flip = good;
    size_t at = header_flip.find("tensor ");
    header_flip[at + 1] = 'X';  // "tXnsor": an unknown line kind
    CHECK_THAT(load_error(header_flip, "header-flip"), Contains("unknown line"));

    std::string shape = good;
    at = shape.find("features.0.0.weight 16,");
    shape.replace(at + 20, 3, "17,");  // byte count no longer matches the shape
    CHECK_THAT(load_error(shape, "shape"), Contains("byte count"));

    // Issue 13: the checksum covers the header. Two same-size tensors' offsets swapped (the
    // file stays well formed and would load silently wrong weights), or one digit edited.
    std::string swapped = good;
    const size_t w_at = swapped.find("tensor features.0.1.weight 16 "), b_at = swapped.find("tensor features.0.1.bias 16 ");
    REQUIRE(w_at != std::string::npos);
    REQUIRE(b_at != std::string::npos);
    auto offset_field = [&](size_t line) {
        const size_t a = swapped.find(' ', swapped.find(' ', line + 7) + 1) + 1;
        return std::make_pair(a, swapped.find(' ', a) - a);
    };
    const auto [wo, wn] = offset_field(w_at);
    const auto [bo, bn] = offset_field(b_at);
    REQUIRE(wn == bn);
    const std::string wofs = swapped.substr(wo, wn);
    swapped.replace(wo, wn, swapped.substr(bo, bn));
    swapped.replace(bo, bn, wofs);
    CHECK_THAT(load_error(swapped, "offset-swap"), Contains("checksum mismatch"));
    std::string digit = good;
    size_t d_at = digit.find("tensor features.1.block.0.1.bias ");
    REQUIRE(d_at != std::string::npos);
    d_at = digit.find('\n', d_at);
    d_at = digit.rfind(' ', d_at - 1);  // before NBYTES: the offset's last digit is d_at - 1
    digit[d_at - 1] = digit[d_at - 1] == '2' ? '6' : digit[d_at - 1] == '6' ? '2' : digit[d_at - 1] ^ 4;
    load_error(digit, "offset-digit");  // checksum, or overlap / outside: never loads
    std::string eps = good;
    eps.replace(eps.find("bn_eps 0.001"), 12, "bn_eps 0.002");
    CHECK_THAT(load_error(eps, "eps-edit"), Contains("checksum mismatch"));

    // Random byte flips anywhere: always a clean error, never a crash.
    uint32_t seed = 12345;
    for (int i = 0; i < 40; i++) {
        std::string bad = good;
        seed = seed * 1664525u + 1013904223u;
        bad[(seed >> 8) % bad.size()] ^= char(1 + (seed & 0x7f));
        load_error(bad, "flip");
    }
}

TEST_CASE("a weight file of another model", "[bad-input]") {
    mnv3::Weights w = mnv3::read_weights(kBase + ".mnv3w");
    w.config.arch = mnv3::Arch::Large;  // small's tensors under large's name
    REQUIRE_THROWS_WITH(Network{w}, Contains("a weight file of another model") || Contains("missing tensor"));

    mnv3::Weights wide = mnv3::read_weights(kBase + ".mnv3w");
    wide.config.width = 0.75f;  // same names, different shapes
    REQUIRE_THROWS_WITH(Network{wide}, Contains("has shape"));

    mnv3::Weights odd = mnv3::read_weights(kBase + ".mnv3w");
    odd.config.resolution = 160;  // valid model, but not compiled into this build
    REQUIRE_THROWS_WITH(Network{odd}, Contains("not compiled"));
}

TEST_CASE("wrong input shape and options", "[bad-input]") {
    auto net = Network::load(kBase + ".mnv3w");
    std::vector<float> small(100), big(224 * 224 * 3 + 1);
    REQUIRE_THROWS_WITH(net->run(small.data(), small.size()), Contains("224x224x3"));
    REQUIRE_THROWS_WITH(net->run(big.data(), big.size()), Contains("224x224x3"));
    REQUIRE_THROWS_AS(net->run(nullptr, 0), Error);
    REQUIRE_THROWS_AS(Network::set_threads(0), Error);
    REQUIRE_THROWS_AS(Network::set_threads(-3), Error);
}

TEST_CASE("weight file version 1 and foreign versions", "[bad-input]") {
    std::string v1 = read_bytes(kBase + ".mnv3w");
    v1[7] = '1';
    const std::string msg = load_error(v1, "v1");
    CHECK_THAT(msg, Contains("version 1") && Contains("too old") && Contains("tools/export_torch.py"));
    std::string v3 = v1;
    v3[7] = '3';
    CHECK_THAT(load_error(v3, "v3"), Contains("unsupported weight format version"));
}

TEST_CASE("weight files that are huge, sparse or not regular", "[bad-input]") {
    // 2 GiB sparse file with a v1 magic (issue 13: took 4.2 GB): refused by size, at once.
    const std::string big = kTmp + "/sparse-2g.mnv3w";
    write_bytes(big, "MNV3WTS1");
    REQUIRE(::truncate(big.c_str(), off_t(2) << 30) == 0);
    auto t0 = std::chrono::steady_clock::now();
    REQUIRE_THROWS_WITH(Network::load(big), Contains("exceeds the 1024 MiB limit"));
    CHECK(std::chrono::steady_clock::now() - t0 < std::chrono::seconds(1));
    ::unlink(big.c_str());

    // 900 MiB (under the limit) of zeros after a v2 magic: the header reader stops at 1 MiB.
    const std::string mid = kTmp + "/sparse-900m.mnv3w";
    write_bytes(mid, "MNV3WTS2");
    REQUIRE(::truncate(mid.c_str(), off_t(900) << 20) == 0);
    t0 = std::chrono::steady_clock::now();
    REQUIRE_THROWS_WITH(Network::load(mid), Contains("header too large or not terminated"));
    CHECK(std::chrono::steady_clock::now() - t0 < std::chrono::seconds(1));
    // A good header whose data_bytes claims the rest: the size check refuses before reading.
    std::string header = make_file(kModelLines + "data_bytes 16\n", std::string(16, '\0'));
    header.resize(header.size() - 16);
    write_bytes(mid, header);
    REQUIRE(::truncate(mid.c_str(), off_t(900) << 20) == 0);
    REQUIRE_THROWS_WITH(Network::load(mid), Contains("truncated or padded file"));
    ::unlink(mid.c_str());

    const std::string dir = kTmp + "/dir.mnv3w";
    ::mkdir(dir.c_str(), 0755);
    REQUIRE_THROWS_WITH(Network::load(dir), Contains("a directory"));
    const std::string fifo = kTmp + "/fifo.mnv3w";
    ::unlink(fifo.c_str());
    REQUIRE(::mkfifo(fifo.c_str(), 0644) == 0);
    REQUIRE_THROWS_WITH(Network::load(fifo), Contains("a FIFO"));  // and does not block
    ::unlink(fifo.c_str());
    REQUIRE_THROWS_WITH(Network::load("/dev/zero"), Contains("a device"));
}

TEST_CASE("overlapping, aliased and outside tensors", "[bad-input]") {
    // 40,000 tensors aliasing the same 4 bytes (loaded fine before issue 13).
    std::string lines = kModelLines;
    for (int i = 0; i < 40000; i++) lines += "tensor t" + std::to_string(i) + " 1 0 4\n";
    CHECK_THAT(load_error(make_file(lines + "data_bytes 4\n", std::string(4, '\0')), "aliased"), Contains("overlap"));
    CHECK_THAT(load_error(make_file(kModelLines + "tensor a 4 0 16\ntensor b 2 8 8\ndata_bytes 16\n",
                                    std::string(16, '\0')), "overlap"),
               Contains("tensors a and b overlap"));
    CHECK_THAT(load_error(make_file(kModelLines + "tensor a 4 8 16\ndata_bytes 16\n", std::string(16, '\0')), "outside"),
               Contains("tensor a lies outside the data section"));
    CHECK_THAT(load_error(make_file(kModelLines + "tensor a 1 9999999999999999996 4\ndata_bytes 16\n",
                                    std::string(16, '\0')), "outside-wrap"),
               Contains("outside the data section"));
    // Sizes that overflow 64 bits when multiplied (4 * 2^62 wraps to 0).
    CHECK_THAT(load_error(make_file(kModelLines + "tensor junk 16777216,16777216,16384 0 0\ndata_bytes 0\n", ""), "junk"),
               Contains("shape too large"));
    CHECK_THAT(load_error(make_file(kModelLines + "tensor a 99999999999999999999 0 4\ndata_bytes 4\n", std::string(4, '\0')),
                          "huge-dim"),
               Contains("bad shape"));
    // Gaps between tensors are allowed; what loads has size() == data.size().
    const std::string ok = make_file(kModelLines + "tensor a 2 0 8\ntensor b 1 12 4\ndata_bytes 16\n", std::string(16, '\0'));
    mnv3::Weights w = mnv3::parse_weights(reinterpret_cast<const uint8_t *>(ok.data()), ok.size(), "test");
    REQUIRE(w.tensors.size() == 2);
    for (const auto &kv : w.tensors) CHECK(kv.second.size() == kv.second.data.size());
    for (const auto &kv : mnv3::read_weights(kBase + ".mnv3w").tensors) CHECK(kv.second.size() == kv.second.data.size());
}

TEST_CASE("strict weight header syntax", "[bad-input]") {
    const std::string good = read_bytes(kBase + ".mnv3w");
    REQUIRE_NOTHROW(Network::load(kBase + ".mnv3w"));
    // Each edit is resealed: the syntax check, not the checksum, refuses it.
    struct Case { const char *name, *from, *to, *want; };
    const Case cases[] = {
        {"double-space", "tensor features.0.0.weight 16,", "tensor  features.0.0.weight 16,", "single spaces"},
        {"trailing-space", "bn_eps 0.001", "bn_eps 0.001 ", "single spaces"},
        {"plus", "features.0.0.weight 16,3,3,3 0 ", "features.0.0.weight +16,3,3,3 0 ", "bad shape"},
        {"leading-zero-dim", "features.0.0.weight 16,3,3,3 0 ", "features.0.0.weight 016,3,3,3 0 ", "bad shape"},
        {"trailing-comma", "features.0.0.weight 16,3,3,3 0 ", "features.0.0.weight 16,3,3,3, 0 ", "bad shape"},
        {"empty-dim", "features.0.0.weight 16,3,3,3 0 ", "features.0.0.weight 16,,3,3,3 0 ", "bad shape"},
        {"plus-offset", "features.0.0.weight 16,3,3,3 0 ", "features.0.0.weight 16,3,3,3 +0 ", "bad number"},
        {"leading-zero-offset", "features.0.0.weight 16,3,3,3 0 ", "features.0.0.weight 16,3,3,3 00 ", "bad number"},
        {"cr", "bn_eps 0.001\n", "bn_eps 0.001\r\n", "byte 0x0d"},
        {"tab", "bn_eps 0.001", "bn_eps\t0.001", "byte 0x09"},
        {"unknown-kind", "bn_eps 0.001\n", "bn_eps 0.001\ncomment hello\n", "unknown line kind"},
        {"empty-line", "bn_eps 0.001\n", "bn_eps 0.001\n\n", "unknown line kind"},
        {"twice-eps", "bn_eps 0.001\n", "bn_eps 0.001\nbn_eps 0.001\n", "out of place"},
        {"plus-eps", "bn_eps 0.001", "bn_eps +0.001", "bad epsilon"},
        {"nan-eps", "bn_eps 0.001", "bn_eps nan", "bad epsilon"},
        {"model-flag", "model small 1.0 224 sym 1000", "model small 1.0 224 sym 1000 tap=3", "expected 'model"},
        {"model-underscore", "model small 1.0 224 sym 1000", "model small_1.0 224 sym 1000 x", "expected 'model"},
        {"model-res", "model small 1.0 224 sym 1000", "model small 1.0 0224 sym 1000", "expected 'model"},
        {"end-extra", "\nend\n", "\nend x\n", "malformed end"},
    };
    for (const Case &c : cases) {
        INFO(c.name);
        CHECK_THAT(load_error(edit_header(good, c.from, c.to), c.name), Contains(c.want));
    }
    std::string upper = good;  // the checksum's hex in upper case
    const size_t hex = upper.find(kSumPrefix) + sizeof kSumPrefix - 1;
    for (size_t i = hex; i < hex + 16; i++) upper[i] = char(std::toupper(static_cast<unsigned char>(upper[i])));
    if (upper != good) CHECK_THAT(load_error(upper, "upper-hex"), Contains("unsupported checksum"));
    std::string pad = good;
    pad[header_end(good)] = 'x';  // the padding after "end\n" (the small file has some)
    REQUIRE(header_end(good) < data_start(good));
    reseal(pad);
    CHECK_THAT(load_error(pad, "padding"), Contains("non-zero byte in the padding"));
    // A header of more than 1 MiB (a long, well-formed run of tensor lines).
    std::string lines = kModelLines;
    for (int i = 0; lines.size() < (1u << 20); i++) lines += "tensor t" + std::to_string(i) + " 1 " + std::to_string(4 * i) + " 4\n";
    CHECK_THAT(load_error(make_file(lines + "data_bytes 0\n", ""), "huge-header"), Contains("header too large"));
}

TEST_CASE("non-finite and absurd weight values", "[bad-input]") {
    const std::string good = read_bytes(kBase + ".mnv3w");
    const float nan = std::nanf(""), inf = INFINITY;
    CHECK_THAT(load_error(with_value(good, "features.0.0.weight", 5, nan), "nan"),
               Contains("tensor features.0.0.weight element 5") && Contains("not finite"));
    CHECK_THAT(load_error(with_value(good, "classifier.3.bias", 0, inf), "inf"),
               Contains("tensor classifier.3.bias element 0") && Contains("not finite"));
    CHECK_THAT(load_error(with_value(good, "classifier.0.weight", 7, -3e38f), "huge"),
               Contains("tensor classifier.0.weight element 7") && Contains("beyond +-1e6"));
    CHECK_THAT(load_error(with_value(good, "features.0.1.running_var", 2, -0.5f), "neg-var"),
               Contains("tensor features.0.1.running_var element 2") && Contains("negative running variance"));
    // At the bound is fine (the network may still refuse it for other reasons, not this one).
    const std::string edge = with_value(good, "features.0.0.weight", 0, 1e6f);
    REQUIRE_NOTHROW(mnv3::parse_weights(reinterpret_cast<const uint8_t *>(edge.data()), edge.size(), "edge"));
    // Clamp ranges may be infinite (unused points), never NaN.
    const std::string r = make_file(kModelLines + "tensor ranges.0 4 0 16\ndata_bytes 16\n", std::string(16, '\0'));
    std::string rinf = r, rnan = r;
    std::memcpy(&rinf[data_start(r)], &inf, 4);
    std::memcpy(&rnan[data_start(r) + 4], &nan, 4);
    reseal(rinf);
    reseal(rnan);
    REQUIRE_NOTHROW(mnv3::parse_weights(reinterpret_cast<const uint8_t *>(rinf.data()), rinf.size(), "rinf"));
    REQUIRE_THROWS_WITH(mnv3::parse_weights(reinterpret_cast<const uint8_t *>(rnan.data()), rnan.size(), "rnan"),
                        Contains("ranges.0 element 1"));
}

TEST_CASE("writing weight files", "[bad-input]") {
    const mnv3::Weights w = mnv3::read_weights(kBase + ".mnv3w");
    const std::string out = kTmp + "/rewritten.mnv3w";
    mnv3::write_weights(out, w);
    const mnv3::Weights back = mnv3::read_weights(out);
    CHECK(back.config.name() == w.config.name());
    CHECK(back.bn_eps == w.bn_eps);
    REQUIRE(back.tensors.size() == w.tensors.size());
    for (const auto &[name, t] : w.tensors) {
        CHECK(back.tensors.at(name).shape == t.shape);
        CHECK(back.tensors.at(name).data == t.data);
    }
    REQUIRE(Network{back}.output_names().size() >= 1);
    // Every write is checked: a full disk, a missing directory.
    REQUIRE_THROWS_WITH(mnv3::write_weights("/dev/full", w), Contains("cannot write") && Contains("No space"));
    REQUIRE_THROWS_WITH(mnv3::write_weights(kTmp + "/no/such/dir/x.mnv3w", w), Contains("cannot write"));
    // What the reader would refuse is not written.
    mnv3::Weights bad = w;
    bad.tensors["features.0.0.weight"].data.pop_back();
    REQUIRE_THROWS_WITH(mnv3::write_weights(out, bad), Contains("values for shape"));
    bad = w;
    bad.tensors["features.0.0.weight"].data[3] = std::nanf("");
    REQUIRE_THROWS_WITH(mnv3::write_weights(out, bad), Contains("not finite"));
    bad = w;
    bad.tensors["bad name"] = mnv3::Tensor{{1}, {0.f}};
    REQUIRE_THROWS_WITH(mnv3::write_weights(out, bad), Contains("bad name"));
}

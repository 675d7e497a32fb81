// Bad input to the runtime: each gets an mnv3::Error with a one-line message, never a
// crash or a silently wrong answer.
#include "mnv3/error.h"
#include "mnv3/network.h"
#include "test_data.h"

#include <catch2/catch.hpp>

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

// The model zoo against the paper's tables (shared/docs/mobilenetv3.md).
#include "mnv3/model_zoo.h"
#include "mnv3/schedule.h"

#include <fstream>
#include <iterator>

#include <catch2/catch.hpp>

using namespace mnv3;

namespace {
int64_t total_macs(const ModelConfig &c) {
    int64_t m = 0;
    for (const LayerSpec &l : build_layers(c)) m += l.macs();
    return m;
}
}  // namespace

TEST_CASE("make_divisible follows the spec's rule", "[zoo]") {
    CHECK(make_divisible(16 * 0.75) == 16);
    CHECK(make_divisible(72 * 0.75) == 56);  // 54 -> 56
    CHECK(make_divisible(40 * 0.75) == 32);  // 30 -> 32
    CHECK(make_divisible(3) == 8);
    CHECK(make_divisible(17) == 16);          // 16 >= 0.9 * 17: no bump
    CHECK(make_divisible(13) == 16);          // rounds to nearest multiple of 8
}

TEST_CASE("Large 1.0 is Table 1", "[zoo]") {
    ModelConfig c;
    auto L = build_layers(c);
    REQUIRE(L.size() == 17);
    const int exp[] = {16, 64, 72, 72, 120, 120, 240, 200, 184, 184, 480, 672, 672, 960, 960};
    const int out[] = {16, 24, 24, 40, 40, 40, 80, 80, 80, 80, 112, 112, 160, 160, 160};
    const int se[] = {0, 0, 0, 24, 32, 32, 0, 0, 0, 0, 120, 168, 168, 240, 240};
    for (int i = 0; i < 15; i++) {
        CHECK(L[i + 1].get("exp_c") == exp[i]);
        CHECK(L[i + 1].get("out_c") == out[i]);
        CHECK(L[i + 1].get("se_c") == se[i]);
    }
    CHECK(L.back().get("exp_c") == 960);
    CHECK(L.back().get("head_c") == 1280);
    CHECK(L.back().get("height") == 7);
    // Paper: 217 M multiply-adds (our count includes SE and the classifier).
    CHECK(total_macs(c) == Approx(217e6).epsilon(0.03));
}

TEST_CASE("Small 1.0 is Table 2", "[zoo]") {
    ModelConfig c;
    c.arch = Arch::Small;
    auto L = build_layers(c);
    REQUIRE(L.size() == 13);
    CHECK(L[1].get("exp_c") == L[1].get("in_c"));  // no expand: exp == in == 16
    CHECK(L[1].get("se_c") == 8);
    CHECK(L[1].get("stride") == 2);
    CHECK(L.back().get("exp_c") == 576);
    CHECK(L.back().get("head_c") == 1024);
    // The paper quotes 66 M; torchvision documents 0.06 GMAC for the same table, which is
    // what this count (every conv, SE and classifier multiply-add) reproduces.
    CHECK(total_macs(c) == Approx(57e6).epsilon(0.03));
}

TEST_CASE("widths, minimalistic and padding", "[zoo]") {
    // Width 0.75: every channel count through make_divisible (torchvision's rule).
    ModelConfig c = ModelConfig::parse("large 0.75 224 sym 1000");
    auto L = build_layers(c);
    CHECK(L[0].get("out_c") == 16);
    CHECK(L[2].get("exp_c") == 48);
    CHECK(L[4].get("exp_c") == 56);
    CHECK(L[4].get("out_c") == 32);
    CHECK(L[4].get("se_c") == 16);
    CHECK(L.back().get("in_c") == 120);
    CHECK(L.back().get("exp_c") == 720);
    CHECK(L.back().get("head_c") == 960);
    ModelConfig s = ModelConfig::parse("small 0.75 224 sym 1000");
    CHECK(build_layers(s).back().get("head_c") == 768);
    ModelConfig m = ModelConfig::parse("large-min 1.0 224 same 1001");
    CHECK(m.minimalistic);
    CHECK(m.padding == Padding::Same);
    for (const LayerSpec &l : build_layers(m)) {
        CHECK(l.get("act") == int(Act::ReLU));
        if (std::string(l.generator()) == "bneck") {
            CHECK(l.get("se_c") == 0);
            CHECK(l.get("kernel") == 3);
        }
    }
    CHECK(total_macs(m) == Approx(209e6).epsilon(0.03));
    // TF SAME pads stride-2 layers only after; symmetric pads both sides.
    auto pad_top = [](const LayerSpec &l) {
        return conv_pad_before(l.get("height"), l.get("kernel"), l.get("stride"), 1, Padding(l.get("padding")));
    };
    CHECK(pad_top(build_layers(m)[0]) == 0);
    CHECK(pad_top(build_layers(c)[0]) == 1);
    CHECK(ModelConfig::parse(c.name()).name() == c.name());
}

TEST_CASE("bad configurations are refused", "[zoo]") {
    CHECK_THROWS_AS(ModelConfig::parse("huge 1.0 224 sym"), std::invalid_argument);
    CHECK_THROWS_AS(ModelConfig::parse("large 1.0 225 sym"), std::invalid_argument);
    CHECK_THROWS_AS(ModelConfig::parse("large 1.0 352 sym"), std::invalid_argument);
    CHECK_THROWS_AS(ModelConfig::parse("large abc 224 sym"), std::invalid_argument);
    CHECK_THROWS_AS(ModelConfig::parse("large 1.0 224 valid"), std::invalid_argument);
    CHECK_THROWS_AS(ModelConfig::parse("large"), std::invalid_argument);
}

TEST_CASE("schedules/README.md lists every kind's knobs as declared", "[zoo][kinds]") {
    std::ifstream f(MNV3_SCHEDULES_README);
    REQUIRE(f);
    const std::string text((std::istreambuf_iterator<char>(f)), {});
    const std::string begin = "<!-- knobs: begin (generated) -->\n", end = "<!-- knobs: end -->";
    const size_t a = text.find(begin), b = text.find(end);
    REQUIRE(a != std::string::npos);
    REQUIRE(b != std::string::npos);
    INFO("regenerate with: build/model/zoo_layers --knobs-markdown");
    CHECK(text.substr(a + begin.size(), b - a - begin.size()) == knobs_markdown());
}

TEST_CASE("every kind's descriptor answers for its instances", "[zoo][kinds]") {
    REQUIRE(all_kinds().size() >= 4);
    for (const LayerKind *k : all_kinds()) {
        INFO("kind " << k->name());
        CHECK(find_kind(k->name()) == k);
        // Defaults make a valid instance whose signature starts with the kind's name.
        Params p;
        for (const ParamDecl &d : k->params()) p[d.name] = d.def;
        CHECK_NOTHROW(k->validate(p));
        CHECK(k->signature(p).rfind(std::string(k->name()) + "_", 0) == 0);
        CHECK(k->signature(p).rfind(k->shape_key(p), 0) == 0);
        CHECK(k->macs(p) > 0);
        CHECK_FALSE(k->outputs(p).empty());
        // Knobs: defaults pass, a value past the range and an unknown name do not.
        for (const KnobDecl &d : k->knobs()) {
            CHECK_NOTHROW(k->check_knobs({{d.name, param_value_string(d.type, d.def)}}));
            if (d.type != "bool") CHECK_THROWS_AS(k->check_knobs({{d.name, std::to_string(d.hi + 1)}}), std::invalid_argument);
        }
        CHECK_THROWS_AS(k->check_knobs({{"no_such_knob", "1"}}), std::invalid_argument);
    }
}

TEST_CASE("schedule entries resolve from general to specific, checked", "[zoo][kinds]") {
    const std::string path = std::string(MNV3_TEST_TMP_DIR) + "/resolve.sched";
    const LayerSpec l = build_layers(ModelConfig())[14];  // bneck k5 s1 960, 7x7
    {
        std::ofstream f(path);
        f << "default.bneck fuse=true rows=2 p_px=6\n" << l.shape_key() << " fuse=false  # shape\n"
          << l.signature() << " p_px=7\n";
    }
    const Knobs k = ScheduleFile::read(path).resolve(l, {{"rows", "3"}, {"px", "9"}});
    CHECK(k.at("fuse") == "false");
    CHECK(k.at("p_px") == "7");
    CHECK(k.at("rows") == "3");
    CHECK(k.count("px") == 0);  // a stem knob: not the bneck's
    {
        std::ofstream f(path);
        f << "default.bneck rows=0\n";
    }
    CHECK_THROWS_AS(ScheduleFile::read(path).resolve(l), std::invalid_argument);
    {
        std::ofstream f(path);
        f << "default.bneck rows\n";
    }
    CHECK_THROWS_AS(ScheduleFile::read(path), std::invalid_argument);
}

TEST_CASE("schedule files are bounded and plain text", "[zoo][kinds]") {
    CHECK_THROWS_WITH(ScheduleFile::read(MNV3_TEST_TMP_DIR), Catch::Contains("not a regular file"));
    CHECK_NOTHROW(ScheduleFile::read(std::string(MNV3_TEST_TMP_DIR) + "/no-such.sched"));  // defaults
    const std::string big = std::string(MNV3_TEST_TMP_DIR) + "/big.sched";
    {
        std::ofstream f(big);
        f << std::string(ScheduleFile::kMaxBytes + 1, '#');
    }
    CHECK_THROWS_WITH(ScheduleFile::read(big), Catch::Contains("limit"));
    CHECK_THROWS_WITH(ScheduleFile::parse(std::string(5000, 'a'), "x"), Catch::Contains("longer than"));
    CHECK_THROWS_WITH(ScheduleFile::parse("default.bneck rows=2\x1b[31m\n", "x"), Catch::Contains("printable ASCII"));
    CHECK_NOTHROW(ScheduleFile::parse("default.bneck\trows=2  # tab and comment\r\n", "x"));
}

// Graphs a chain cannot run, and the arena that holds their tensors.
//
// A Large 1.0 backbone that also outputs features.13's expansion (the first stride-32 block's
// 1x1 expand + BN + h-swish: SSDLite's first feature map) has two outputs and a tensor read
// by two consumers (the tap is both a model output and the depthwise's input). Both outputs
// are checked against torchvision's, from the same seeded model and input
// (tools/export_torch.py --tap-out), with the networks' tolerance: max |diff| <= 1e-4 x the
// largest |reference| value (fp32 through 14 layers measures ~1e-6 here).
#include "arena.h"
#include "mnv3/error.h"
#include "mnv3/graph.h"
#include "mnv3/network.h"
#include "test_data.h"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>

using namespace mnv3;

namespace {

struct Diff {
    double max_ref = 0, max_diff = 0;
    bool ok() const { return max_diff <= 1e-4 * max_ref; }
};
Diff diff(const float *got, const std::vector<float> &ref) {
    Diff d;
    for (size_t i = 0; i < ref.size(); i++) {
        d.max_ref = std::max(d.max_ref, std::fabs(double(ref[i])));
        d.max_diff = std::max(d.max_diff, std::fabs(double(got[i]) - ref[i]));
    }
    return d;
}

const std::string kBase = std::string(MNV3_REFS_DIR) + "/large_1.0";

Graph tapped_graph(const Weights &w) {
    ModelConfig c = w.config;
    c.taps = {13};
    return build_graph(c);
}

// Every pair of tensors whose lifetimes overlap occupies disjoint bytes of the arena.
void check_plan(const Graph &g, const ArenaPlan &p) {
    const size_t n = g.tensors.size(), steps = g.nodes.size();
    std::vector<size_t> first(n, 0), last(n, 0);
    for (size_t s = 0; s < steps; s++) {
        for (int t : g.nodes[s].outputs) first[t] = last[t] = s;
        for (int t : g.nodes[s].inputs) last[t] = std::max(last[t], s);
    }
    for (int t : g.outputs) last[t] = steps;
    for (size_t a = 0; a < n; a++) {
        REQUIRE(p.offset[a] % ArenaPlan::kAlign == 0);
        REQUIRE(p.offset[a] + g.tensors[a].shape.bytes() <= p.bytes);
        for (size_t b = a + 1; b < n; b++) {
            if (!(first[a] <= last[b] && first[b] <= last[a])) continue;
            const bool disjoint = p.offset[a] + g.tensors[a].shape.bytes() <= p.offset[b] ||
                                  p.offset[b] + g.tensors[b].shape.bytes() <= p.offset[a];
            INFO(g.tensors[a].name << " and " << g.tensors[b].name << " are live together");
            CHECK(disjoint);
        }
    }
}

}  // namespace

TEST_CASE("a backbone with a tap: two outputs match torchvision", "[graph]") {
    Network::set_threads(GENERATE(1, 2));
    const Weights w = read_weights(kBase + ".mnv3w");
    const Graph g = tapped_graph(w);
    REQUIRE(g.outputs.size() == 2);
    Network net(g, w);
    CHECK(net.output_names() == std::vector<std::string>{"logits", "features.13.expansion"});
    REQUIRE(net.output_size("features.13.expansion") == size_t(672) * 14 * 14);

    const std::vector<float> input = read_floats(kBase + ".input.bin");
    const std::vector<float> logits = read_floats(kBase + ".logits.bin");
    const std::vector<float> tap = read_floats(kBase + ".tap13.bin");  // HWC = our (c, p)
    REQUIRE(tap.size() == net.output_size("features.13.expansion"));
    net.run(input.data(), input.size());

    const Diff dl = diff(net.output("logits"), logits), dt = diff(net.output("features.13.expansion"), tap);
    std::printf("tap graph: logits max |diff| %.3g of %.3g, expansion max |diff| %.3g of %.3g\n", dl.max_diff,
                dl.max_ref, dt.max_diff, dt.max_ref);
    REQUIRE(dl.max_ref > 0.5);
    REQUIRE(dt.max_ref > 0.5);
    CHECK(dl.ok());
    CHECK(dt.ok());
    CHECK(net.layer_output(13) != net.output("features.13.expansion"));
}

TEST_CASE("the tap comparison can fail", "[graph]") {
    Weights w = read_weights(kBase + ".mnv3w");
    w.tensors.at("features.13.block.0.0.weight").data[5] += 0.5f;  // one weight of the expand
    Network net(tapped_graph(w), w);
    const std::vector<float> input = read_floats(kBase + ".input.bin");
    net.run(input.data(), input.size());
    CHECK_FALSE(diff(net.output("features.13.expansion"), read_floats(kBase + ".tap13.bin")).ok());
}

TEST_CASE("the arena is smaller than ping-pong buffers and never aliases live tensors", "[graph][arena]") {
    for (const char *name : {"large_1.0_224_sym_c1000", "small_1.0_224_sym_c1000", "large_1.0_224_sym_c1000_t13"}) {
        const Graph g = build_graph(ModelConfig::parse(name));
        const ArenaPlan p = plan_arena(g);
        check_plan(g, p);
        // The chain's former plan: the image, two ping-pong buffers as large as the largest
        // layer output, and the logits.
        size_t biggest = 0;
        for (const Node &n : g.nodes)
            if (n.layer.outputs()[0].shape.layout == Layout::CP) biggest = std::max(biggest, g.tensors[n.outputs[0]].shape.bytes());
        const size_t pingpong = g.tensors[g.inputs[0]].shape.bytes() + 2 * biggest + g.tensors[g.outputs[0]].shape.bytes();
        std::printf("%-30s arena %8zu bytes, ping-pong %8zu bytes (%.2fx)\n", name, p.bytes, pingpong,
                    double(p.bytes) / double(pingpong));
        if (g.outputs.size() == 1) CHECK(p.bytes <= pingpong);
    }
}

TEST_CASE("graphs are checked", "[graph]") {
    const std::vector<LayerSpec> layers = build_layers(ModelConfig());
    Graph g;
    g.add_input("image", layers[0].inputs()[0].shape);
    CHECK_THROWS_AS(g.add_node("x", layers[1], {"image"}), std::invalid_argument);    // wrong shape
    CHECK_THROWS_AS(g.add_node("x", layers[0], {"nothing"}), std::invalid_argument);  // unknown tensor
    CHECK_THROWS_AS(g.add_node("x", layers[0], {"image", "image"}), std::invalid_argument);
    g.add_node("features.0", layers[0], {"image"});
    CHECK_THROWS_AS(g.add_node("features.0", layers[1], {"features.0"}), std::invalid_argument);  // twice
    CHECK_THROWS_AS(g.check(), std::invalid_argument);  // no outputs
    CHECK_THROWS_AS(g.add_output("logits"), std::invalid_argument);
    CHECK_THROWS_AS(ModelConfig::parse("large 1.0 224 sym 1000 tap=16"), std::invalid_argument);
    CHECK_THROWS_AS(build_layers(ModelConfig::parse("small 1.0 224 sym 1000 tap=1")), std::invalid_argument);  // no expansion
    CHECK(ModelConfig::parse("large 1.0 224 sym 1000 tap=13").name() == "large_1.0_224_sym_c1000_t13");
    CHECK(ModelConfig::parse("large_1.0_224_sym_c1000_t13").taps == std::vector<int>{13});
}

TEST_CASE("a tapped graph that is not compiled is refused", "[graph]") {
    Weights w = read_weights(kBase + ".mnv3w");
    ModelConfig c = w.config;
    c.taps = {12};
    REQUIRE_THROWS_WITH(Network(build_graph(c), w), Catch::Contains("not compiled"));
}

// Whole networks against torchvision: seeded random weights with populated batch-norm
// statistics (tools/export_torch.py, run as a ctest fixture), our logits against torch's
// float64 logits for the same input.
//
// Tolerance: every logit within 1e-4 of torch's, relative to the largest |logit| (the
// issue's bound). fp32 accumulation over ~1000-term sums through 17 layers measures
// about 2e-6 here, so 1e-4 leaves room for other targets' FMA contraction orders without
// hiding a wrong operator (a single wrong weight or padding moves logits by > 1e-2).
#include "mnv3/error.h"
#include "mnv3/network.h"
#include "test_data.h"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>

using mnv3::Network;

TEST_CASE("networks match torchvision", "[network]") {
    auto name = GENERATE(as<std::string>{}, "large_1.0", "large_0.75", "small_1.0", "small_0.75");
    const std::string base = std::string(MNV3_REFS_DIR) + "/" + name;
    Network::set_threads(GENERATE(1, 2));
    auto net = Network::load(base + ".mnv3w");
    std::vector<float> input = read_floats(base + ".input.bin");
    std::vector<float> ref = read_floats(base + ".logits.bin");
    REQUIRE(int(ref.size()) == net->num_classes());

    const float *out = net->run(input.data(), input.size());
    double max_ref = 0, max_diff = 0;
    for (size_t i = 0; i < ref.size(); i++) {
        max_ref = std::max(max_ref, std::fabs(double(ref[i])));
        max_diff = std::max(max_diff, std::fabs(double(out[i]) - ref[i]));
    }
    INFO(name << ": max |diff| " << max_diff << ", max |logit| " << max_ref);
    REQUIRE(max_ref > 0.5);  // the reference is not degenerate
    CHECK(max_diff <= 1e-4 * max_ref);
    CHECK(std::max_element(out, out + ref.size()) - out == std::max_element(ref.begin(), ref.end()) - ref.begin());

    // Running again gives the same answer (no state leaks between inferences).
    std::vector<float> first(out, out + ref.size());
    const float *again = net->run(input.data(), input.size());
    CHECK(std::equal(first.begin(), first.end(), again));
}

TEST_CASE("the comparison above can fail", "[network]") {
    // Perturb one weight of the first bneck's project conv: logits must move beyond 1e-4.
    const std::string base = std::string(MNV3_REFS_DIR) + "/small_1.0";
    mnv3::Weights w = mnv3::read_weights(base + ".mnv3w");
    auto &t = w.tensors.at("features.1.block.2.0.weight");
    t.data[3] += 0.5f;
    Network net(w);
    std::vector<float> input = read_floats(base + ".input.bin");
    std::vector<float> ref = read_floats(base + ".logits.bin");
    const float *out = net.run(input.data(), input.size());
    double max_ref = 0, max_diff = 0;
    for (size_t i = 0; i < ref.size(); i++) {
        max_ref = std::max(max_ref, std::fabs(double(ref[i])));
        max_diff = std::max(max_diff, std::fabs(double(out[i]) - ref[i]));
    }
    CHECK(max_diff > 1e-4 * max_ref);
}

TEST_CASE("non-finite input and weights are refused, not turned into finite logits", "[network][errors]") {
    const std::string base = std::string(MNV3_REFS_DIR) + "/small_1.0";
    mnv3::Weights w = mnv3::read_weights(base + ".mnv3w");
    std::vector<float> input = read_floats(base + ".input.bin");
    {
        Network net(w);
        for (float bad : {std::nanf(""), INFINITY, -INFINITY}) {
            std::vector<float> x = input;
            x[1234] = bad;
            REQUIRE_THROWS_WITH(net.run(x.data(), x.size()), Catch::Contains("input element 1234"));
        }
        std::vector<float> nan_all(input.size(), std::nanf(""));
        CHECK_THROWS_AS(net.run(nan_all.data(), nan_all.size()), mnv3::Error);
        CHECK_NOTHROW(net.run(input.data(), input.size()));  // the network is still usable
    }
    // Weights given in memory (not through a file) are checked too.
    for (float bad : {std::nanf(""), INFINITY, 3e38f}) {
        mnv3::Weights b = w;
        b.tensors.at("classifier.3.weight").data[7] = bad;
        REQUIRE_THROWS_WITH(Network{b}, Catch::Contains("classifier.3.weight"));
    }
    mnv3::Weights v = w;
    v.tensors.at("features.1.block.0.1.running_var").data[0] = -1.0f;
    CHECK_THROWS_WITH(Network{v}, Catch::Contains("running variance"));
    mnv3::Weights s = w;
    s.tensors.at("features.0.0.weight").data.pop_back();  // shape says one more value
    CHECK_THROWS_WITH(Network{s}, Catch::Contains("features.0.0.weight"));
}

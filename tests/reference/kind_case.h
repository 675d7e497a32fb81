// How the generator tests (tests/test_generators.cpp) run an instance of each layer kind:
// one KindCase per kind (tests/reference/<kind>_case.cpp, found by cmake/Mnv3Kinds.cmake)
// turns an instance's parameters into seeded random inputs in the generator's layouts, the
// reference output, and the reference output with one weight perturbed (so that every
// comparison is shown able to fail).
#pragma once
#include "reference.h"

#include <map>
#include <string>
#include <vector>

namespace mnv3ref {

// An instance's "name=value" parameters, as tests/generator_cases.cmake lists them.
class CaseParams {
public:
    explicit CaseParams(const char *text);
    // Shape parameters must be given explicitly (no silent reliance on generator defaults);
    // throws std::invalid_argument naming the missing one.
    const std::string &str(const std::string &k) const;
    int i(const std::string &k) const { return std::stoi(str(k)); }
    // Optional flags (generator default false).
    bool flag(const std::string &k) const;

private:
    std::map<std::string, std::string> kv_;
};

struct Prepared {
    NamedPacked packed;            // every generator input by name, "input" first
    std::vector<int> out_extents;  // the generator's "output"
    std::vector<float> ref;        // reference output, generator (c, p) order
    std::vector<float> perturbed;  // reference output with one weight changed by kDelta
};
constexpr float kDelta = 0.25f;

// Random clamp ranges that bite (values here are mostly within [-3, 3]); none unless the
// instance sets clamps=true.
Ranges random_ranges(const CaseParams &params, int points, Rng &rng);

struct KindCase {
    const char *kind;
    // A weight input of at least 2 dims that is never a placeholder (the bad-stride test).
    const char *always_present_weight;
    Prepared (*prepare)(const CaseParams &params, Rng &rng);
};

// Every kind's case (generated table).
const std::vector<const KindCase *> &kind_cases();

}  // namespace mnv3ref

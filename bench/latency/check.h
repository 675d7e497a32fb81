// Correctness before timing: how far two sets of logits may be apart.
#pragma once
#include <cstddef>
#include <vector>

namespace mnv3::bench {

constexpr double kTolerance = 1e-4;  // max |diff| / max |logit|

// max |a - ref| / max |ref|; infinity when the sizes differ (or a holds a NaN), so that
// !(diff <= kTolerance) rejects it.
double max_rel_diff(const float *a, size_t n, const std::vector<float> &ref);

}  // namespace mnv3::bench

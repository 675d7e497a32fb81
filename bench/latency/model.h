// One model's whole measurement: check, time end to end, time per layer, memory.
#pragma once
#include "options.h"
#include "results.h"

#include <string>

namespace mnv3::bench {

// Correctness before timing: our logits must agree with torch's float64 reference, else
// this throws and nothing is timed; a peer that disagrees or cannot start is reported in
// its result and not timed.
ModelResult bench_model(const Options &o, const std::string &name);

}  // namespace mnv3::bench

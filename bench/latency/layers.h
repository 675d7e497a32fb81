// Per-layer timing: our per-layer times next to the same layers of the comparison variant
// (--compare-variant, "opbyop" by default: every bneck stage materialised whole),
// interleaved in the same rounds.
#pragma once
#include "mnv3/network.h"
#include "options.h"
#include "results.h"

#include <string>
#include <vector>

namespace mnv3::bench {

// Fills mr.layers, mr.layer_runs and (with a comparison variant) mr.opbyop_diff. BASE is
// the model's path without extension; ref is torch's reference logits. Throws
// mnv3::Error when the comparison variant disagrees with torch or has other layers.
void time_layers(const Options &o, const std::string &base, mnv3::Network &net, const std::vector<float> &input,
                 const std::vector<float> &ref, ModelResult &mr);

}  // namespace mnv3::bench

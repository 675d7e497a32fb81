// What one bench_latency run measured: filled in by bench_model(), read by the Markdown
// report and the --json file.
#pragma once
#include <cmath>
#include <string>
#include <vector>

namespace mnv3::bench {

struct EngineResult {
    std::string engine;       // "ours", "onnxruntime", "xnnpack", "torch"
    std::string status = "ok";  // "ok", or why it was not timed
    double diff = NAN;        // vs ours (ours: vs torch's float64 reference)
    double load_ms = NAN;
    long peak_rss_kb = -1;
    std::string info;         // the peer's ready line (JSON)
    std::vector<double> times;
};

struct LayerResult {
    std::string signature, kind;
    double macs = 0, fused_ms = 0, opbyop_ms = NAN;
};

struct ModelResult {
    std::string name;
    std::vector<EngineResult> engines;  // ours first, then the peers in --peers order
    std::vector<LayerResult> layers;
    int layer_runs = 0;
    double opbyop_diff = NAN;
};

}  // namespace mnv3::bench

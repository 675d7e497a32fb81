// bench_latency's command line (the options are listed at the top of bench_latency.cpp).
#pragma once
#include <map>
#include <string>
#include <vector>

namespace mnv3::bench {

struct Options {
    std::string models;
    std::vector<std::string> names = {"large_1.0", "small_1.0"};
    std::vector<std::string> peers = {"onnxruntime", "xnnpack", "torch"};
    std::map<std::string, std::string> peer_cmd;
    std::string variant;                    // schedule variant timed as "ours" ("" = the build's)
    std::string compare_variant = "opbyop";  // per-layer comparison ("none" = skip)
    std::string json;
    int threads = 1;
    int rounds = 10, runs = 30, warmup = 2, pause_ms = 20;
    int layers = -1;  // -1: only with 1 thread
    double fma_peak = 0;
    bool rss = true;
    bool rss_probe = false;  // internal: load one model, run it, print the peak RSS
};

// Parses and validates argv, fills in the defaults that depend on other options (layers,
// compare_variant) and the default peer commands. Throws mnv3::Error.
Options parse_options(int argc, char **argv);

}  // namespace mnv3::bench

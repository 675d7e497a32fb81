#include "report.h"

#include "check.h"
#include "json.h"
#include "peers.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace mnv3::bench {
namespace {

// Linear interpolation between order statistics (numpy's default; write_report.py too).
double percentile(std::vector<double> v, double q) {
    if (v.empty()) return NAN;
    std::sort(v.begin(), v.end());
    double pos = q * (v.size() - 1);
    size_t i = size_t(pos);
    return i + 1 < v.size() ? v[i] + (pos - i) * (v[i + 1] - v[i]) : v[i];
}

// "median [p10, p90]" in ms.
std::string cell(const std::vector<double> &t) {
    if (t.empty()) return "-";
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.3f [%.3f, %.3f]", percentile(t, 0.5), percentile(t, 0.1), percentile(t, 0.9));
    return buf;
}

void print_checks(const Options &o, const std::vector<ModelResult> &all) {
    std::printf("## Checks\n\n| model | engine | max abs diff / max abs logit | against | status |\n|---|---|---|---|---|\n");
    for (const ModelResult &m : all) {
        for (const EngineResult &e : m.engines)
            std::printf("| %s | %s | %s | %s | %s |\n", m.name.c_str(), display_name(e.engine), json_num(e.diff).c_str(),
                        e.engine == "ours" ? "torch float64" : "ours", e.status.c_str());
        if (!std::isnan(m.opbyop_diff))
            std::printf("| %s | ours, %s | %s | torch float64 | ok |\n", m.name.c_str(), o.compare_variant.c_str(),
                        json_num(m.opbyop_diff).c_str());
    }
}

// The columns are those of the first model: every model has the same engines.
void print_end_to_end(const Options &o, const std::vector<ModelResult> &all) {
    std::printf("\n## End to end, %d thread(s): median [p10, p90] ms, and each peer's median / ours\n\n", o.threads);
    std::printf("| model | ours |");
    const std::vector<EngineResult> &first = all.front().engines;
    for (size_t k = 1; k < first.size(); k++) std::printf(" %s | / ours |", display_name(first[k].engine));
    std::printf("\n|---|---|");
    for (size_t k = 1; k < first.size(); k++) std::printf("---|---|");
    std::printf("\n");
    for (const ModelResult &m : all) {
        const double om = percentile(m.engines[0].times, 0.5);
        std::printf("| %s | %s |", m.name.c_str(), cell(m.engines[0].times).c_str());
        for (size_t k = 1; k < m.engines.size(); k++) {
            const std::vector<double> &t = m.engines[k].times;
            if (t.empty()) std::printf(" - | - |");
            else std::printf(" %s | %.2f |", cell(t).c_str(), percentile(t, 0.5) / om);
        }
        std::printf("\n");
    }
}

void print_memory(const std::vector<ModelResult> &all) {
    const std::vector<EngineResult> &first = all.front().engines;
    std::printf("\n## Peak resident memory (MiB, each engine in its own process; node and python include "
                "their interpreter)\n\n| model |");
    for (const EngineResult &e : first) std::printf(" %s |", display_name(e.engine));
    std::printf("\n|---|");
    for (size_t k = 0; k < first.size(); k++) std::printf("---|");
    std::printf("\n");
    for (const ModelResult &m : all) {
        std::printf("| %s |", m.name.c_str());
        for (const EngineResult &e : m.engines)
            if (e.peak_rss_kb > 0) std::printf(" %.1f |", e.peak_rss_kb / 1024.0);
            else std::printf(" - |");
        std::printf("\n");
    }
}

// GFLOP/s counts 2 FLOP per multiply-accumulate; % of peak is against --fma-peak.
void print_layers(const Options &o, const ModelResult &m) {
    const bool cmp = !std::isnan(m.layers[0].opbyop_ms), peak = o.fma_peak > 0;
    std::printf("\n## %s per layer, %d thread(s), mean of %d runs%s\n\n", m.name.c_str(), o.threads, m.layer_runs,
                peak ? (" (% of peak: of " + json_num(o.fma_peak) + " GFLOP/s)").c_str() : "");
    std::printf("| # | layer | MMAC | ms | %% of time | GFLOP/s |%s%s\n", peak ? " % peak |" : "",
                cmp ? " op-by-op ms | GFLOP/s | fusion speedup |" : "");
    std::printf("|---|---|---|---|---|---|%s%s\n", peak ? "---|" : "", cmp ? "---|---|---|" : "");
    double total = 0, total_cmp = 0, macs = 0;
    for (const LayerResult &l : m.layers) total += l.fused_ms, total_cmp += l.opbyop_ms, macs += l.macs;
    for (size_t i = 0; i < m.layers.size(); i++) {
        const LayerResult &l = m.layers[i];
        const double g = 2 * l.macs / (l.fused_ms * 1e-3) / 1e9;
        std::printf("| %zu | %s | %.1f | %.3f | %.1f | %.1f |", i, l.signature.c_str(), l.macs / 1e6, l.fused_ms,
                    100 * l.fused_ms / total, g);
        if (peak) std::printf(" %.0f |", 100 * g / o.fma_peak);
        if (cmp)
            std::printf(" %.3f | %.1f | %.2f |", l.opbyop_ms, 2 * l.macs / (l.opbyop_ms * 1e-3) / 1e9,
                        l.opbyop_ms / l.fused_ms);
        std::printf("\n");
    }
    const double g = 2 * macs / (total * 1e-3) / 1e9;
    std::printf("| | total | %.1f | %.3f | 100 | %.1f |", macs / 1e6, total, g);
    if (peak) std::printf(" %.0f |", 100 * g / o.fma_peak);
    if (cmp) std::printf(" %.3f | %.1f | %.2f |", total_cmp, 2 * macs / (total_cmp * 1e-3) / 1e9, total_cmp / total);
    std::printf("\n");
}

}  // namespace

void print_markdown(const Options &o, const std::vector<ModelResult> &all) {
    std::printf("# MobileNetV3 latency, %d thread(s): ours vs ONNX Runtime, XNNPACK, PyTorch\n\n", o.threads);
    std::printf("Same weights; outputs checked before timing (max |diff| / max |logit| <= %g); %d interleaved "
                "rounds of %d runs (+%d untimed) per engine.\n\n",
                kTolerance, o.rounds, o.runs, o.warmup);
    print_checks(o, all);
    print_end_to_end(o, all);
    if (o.rss) print_memory(all);
    for (const ModelResult &m : all)
        if (!m.layers.empty()) print_layers(o, m);
}

}  // namespace mnv3::bench

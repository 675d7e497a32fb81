// End-to-end and per-layer latency of our engine, with ONNX Runtime on the same weights
// measured in the same run, interleaved round by round so that both see the same machine.
//
//   bench_latency --models DIR [--rounds R] [--runs N] [--threads N] [--ort "CMD"]
//                 [--names large_1.0,small_1.0] [--no-layers] [--variant opbyop]
//
// One thread count per process: Halide's thread pool keeps the workers it has started, so
// a 1-thread measurement after a 2-thread one in the same process is not a 1-thread one.
//
// DIR holds NAME.mnv3w, NAME.input.bin, NAME.logits.bin and NAME.onnx (tools/bench.sh
// exports them). Before timing, our logits are checked against torch's and ONNX Runtime's.
// Prints Markdown: median, p10, p90 per engine and thread count, the ratio, and per-layer
// times with achieved GFLOP/s.
#include "mnv3/error.h"
#include "mnv3/network.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

namespace {

struct Options {
    std::string models, ort = "node bench/ort/run_ort.js";
    std::vector<std::string> names = {"large_1.0", "small_1.0"};
    std::string variant;  // schedule variant to time instead of the build's own ("opbyop")
    int threads = 1;
    int rounds = 5, runs = 40;
    bool layers = true;
};

std::vector<std::string> split(const std::string &s, char sep) {
    std::vector<std::string> out;
    std::stringstream ss(s);
    std::string item;
    while (std::getline(ss, item, sep))
        if (!item.empty()) out.push_back(item);
    return out;
}

std::vector<float> read_floats(const std::string &path) {
    std::ifstream f(path, std::ios::binary);
    if (!f) throw mnv3::Error("cannot read " + path);
    std::vector<char> bytes((std::istreambuf_iterator<char>(f)), {});
    std::vector<float> v(bytes.size() / 4);
    std::memcpy(v.data(), bytes.data(), v.size() * 4);
    return v;
}

double percentile(std::vector<double> v, double q) {
    std::sort(v.begin(), v.end());
    double pos = q * (v.size() - 1);
    size_t i = size_t(pos);
    return i + 1 < v.size() ? v[i] + (pos - i) * (v[i + 1] - v[i]) : v[i];
}

double max_rel_diff(const float *a, const std::vector<float> &ref) {
    double m = 0, d = 0;
    for (size_t i = 0; i < ref.size(); i++) {
        m = std::max(m, std::fabs(double(ref[i])));
        d = std::max(d, std::fabs(double(a[i]) - ref[i]));
    }
    return d / m;
}

// Runs ONNX Runtime in a child process for `runs` timed inferences; returns per-run ms.
std::vector<double> run_ort(const Options &o, const std::string &base, int threads, int runs,
                            const std::string &logits_out = "") {
    std::string cmd = o.ort + " --model " + base + ".onnx --input " + base + ".input.bin --threads " +
                      std::to_string(threads) + " --warmup 5 --runs " + std::to_string(runs);
    if (!logits_out.empty()) cmd += " --logits-out " + logits_out;
    FILE *p = popen(cmd.c_str(), "r");
    if (!p) throw mnv3::Error("cannot start: " + cmd);
    std::string out;
    char buf[4096];
    while (size_t n = fread(buf, 1, sizeof buf, p)) out.append(buf, n);
    if (pclose(p) != 0) throw mnv3::Error("ONNX Runtime failed: " + cmd);
    size_t at = out.find("\"times_ms\":[");
    if (at == std::string::npos) throw mnv3::Error("unexpected ONNX Runtime output: " + out.substr(0, 200));
    size_t end = out.find(']', at);
    std::vector<double> t;
    for (const std::string &s : split(out.substr(at + 12, end - at - 12), ',')) t.push_back(std::stod(s));
    return t;
}

Options parse(int argc, char **argv) {
    Options o;
    for (int i = 1; i < argc; i++) {
        std::string a = argv[i];
        auto val = [&]() -> std::string {
            if (i + 1 >= argc) throw mnv3::Error(a + " needs a value");
            return argv[++i];
        };
        if (a == "--models") o.models = val();
        else if (a == "--ort") o.ort = val();
        else if (a == "--names") o.names = split(val(), ',');
        else if (a == "--rounds") o.rounds = std::stoi(val());
        else if (a == "--runs") o.runs = std::stoi(val());
        else if (a == "--threads") o.threads = std::stoi(val());
        else if (a == "--no-layers") o.layers = false;
        else if (a == "--variant") o.variant = val();
        else throw mnv3::Error("unknown option " + a);
    }
    if (o.models.empty()) throw mnv3::Error("--models DIR is required");
    if (o.rounds < 1 || o.runs < 1) throw mnv3::Error("--rounds and --runs must be at least 1");
    return o;
}

}  // namespace

int main(int argc, char **argv) {
    try {
        const Options o = parse(argc, argv);
        struct Row { std::string name; int threads; std::vector<double> ours, ort; };
        std::vector<Row> rows;
        std::map<std::string, std::vector<double>> layer_ms;

        std::printf("# MobileNetV3 latency: this engine vs ONNX Runtime, same weights, same run\n\n");
        for (const std::string &name : o.names) {
            const std::string base = o.models + "/" + name;
            auto net = mnv3::Network::load(base + ".mnv3w", o.variant);
            std::vector<float> input = read_floats(base + ".input.bin"), ref = read_floats(base + ".logits.bin");
            mnv3::Network::set_threads(o.threads);
            const float *out = net->run(input.data(), input.size());
            double d_torch = max_rel_diff(out, ref);
            run_ort(o, base, 1, 1, base + ".ort_logits.bin");
            double d_ort = max_rel_diff(out, read_floats(base + ".ort_logits.bin"));
            std::printf("%s: max |diff| / max |logit|: vs torch %.2e, vs ONNX Runtime %.2e (tolerance 1e-4)\n",
                        name.c_str(), d_torch, d_ort);
            if (d_torch > 1e-4 || d_ort > 1e-4) throw mnv3::Error(name + ": outputs disagree; not timing");

            {
                const int threads = o.threads;
                Row row{name, threads, {}, {}};
                for (int w = 0; w < 10; w++) net->run(input.data(), input.size());
                for (int r = 0; r < o.rounds; r++) {  // interleaved: ours, then ORT, per round
                    for (int i = 0; i < o.runs; i++) {
                        auto t0 = std::chrono::steady_clock::now();
                        net->run(input.data(), input.size());
                        row.ours.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
                    }
                    for (double t : run_ort(o, base, threads, o.runs)) row.ort.push_back(t);
                }
                rows.push_back(row);
            }
            if (!o.layers) continue;
            std::vector<double> secs;
            const int n = 20 * o.rounds;
            for (int i = 0; i < n; i++) net->run_timed(input.data(), input.size(), secs);
            std::printf("\n## %s per layer (%d thread(s), mean of %d runs)\n\n", name.c_str(), o.threads, n);
            std::printf("| # | layer | MMAC | ms | GFLOP/s |\n|---|---|---|---|---|\n");
            double total = 0;
            for (size_t i = 0; i < secs.size(); i++) {
                const mnv3::LayerSpec &l = net->layers()[i];
                double ms = secs[i] / n * 1e3;
                total += ms;
                std::printf("| %zu | %s | %.1f | %.3f | %.1f |\n", i, l.signature().c_str(), l.macs() / 1e6, ms,
                            2.0 * l.macs() / (ms * 1e-3) / 1e9);
            }
            std::printf("| | total | | %.3f | |\n", total);
        }

        std::printf("\n## End to end, %d thread(s) (%d interleaved rounds of %d runs each)\n\n", o.threads, o.rounds, o.runs);
        std::printf("| model | threads | ours median ms | p10 | p90 | ORT median ms | p10 | p90 | ORT / ours |\n");
        std::printf("|---|---|---|---|---|---|---|---|---|\n");
        for (const Row &r : rows) {
            double om = percentile(r.ours, 0.5), xm = percentile(r.ort, 0.5);
            std::printf("| %s | %d | %.3f | %.3f | %.3f | %.3f | %.3f | %.3f | %.2f |\n", r.name.c_str(), r.threads, om,
                        percentile(r.ours, 0.1), percentile(r.ours, 0.9), xm, percentile(r.ort, 0.1),
                        percentile(r.ort, 0.9), xm / om);
        }
        return 0;
    } catch (const std::exception &e) {
        std::fprintf(stderr, "bench_latency: %s\n", e.what());
        return 1;
    }
}

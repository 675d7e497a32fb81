// Times every layer of the given models under each compiled knob variant (and the build's
// own schedule, ""), interleaved round by round in one process, and prints the median per
// layer and variant, then one schedule line per layer whose best variant beats the current
// schedule by more than --margin. See autotune/CMakeLists.txt.
#include "bench_io.h"
#include "mnv3/error.h"
#include "mnv3/network.h"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

namespace {

using mnv3::bench::read_floats;
using mnv3::bench::split;

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}

}  // namespace

int main(int argc, char **argv) {
    try {
        std::string models, names = "large_1.0,small_1.0";
        int rounds = 20, runs = 5, threads = 1;
        double margin = 0.03;
        for (int i = 1; i < argc; i++) {
            std::string a = argv[i];
            auto val = [&]() -> std::string {
                if (i + 1 >= argc) throw mnv3::Error(a + " needs a value");
                return argv[++i];
            };
            if (a == "--models") models = val();
            else if (a == "--names") names = val();
            else if (a == "--rounds") rounds = std::stoi(val());
            else if (a == "--runs") runs = std::stoi(val());
            else if (a == "--threads") threads = std::stoi(val());
            else if (a == "--margin") margin = std::stod(val());
            else throw mnv3::Error("unknown option " + a);
        }
        if (models.empty()) throw mnv3::Error("--models DIR is required");
        mnv3::Network::set_threads(threads);
        std::vector<std::pair<std::string, std::string>> variants = {{"", "current schedule"}};
        for (const std::string &v : split(MNV3_SWEEP_VARIANTS, '|')) {
            size_t eq = v.find('=');
            variants.push_back({v.substr(0, eq), v.substr(eq + 1)});
        }
        // best[signature] = (time under current, best time, best variant)
        std::map<std::string, std::map<std::string, std::vector<double>>> per_sig;
        for (const std::string &name : split(names, ',')) {
            const std::string base = models + "/" + name;
            std::vector<float> input = read_floats(base + ".input.bin");
            std::vector<std::unique_ptr<mnv3::Network>> nets;
            for (const auto &v : variants) nets.push_back(mnv3::Network::load(base + ".mnv3w", v.first));
            const size_t L = nets[0]->layers().size();
            std::vector<std::vector<std::vector<double>>> t(variants.size(), std::vector<std::vector<double>>(L));
            for (auto &n : nets)
                for (int w = 0; w < 3; w++) n->run(input.data(), input.size());
            for (int r = 0; r < rounds; r++)
                for (size_t v = 0; v < nets.size(); v++) {
                    std::vector<double> secs;
                    for (int k = 0; k < runs; k++) {
                        secs.assign(L, 0.0);
                        nets[v]->run_timed(input.data(), input.size(), secs);
                        for (size_t l = 0; l < L; l++) t[v][l].push_back(secs[l] * 1e3);
                    }
                }
            std::printf("## %s, %d thread(s): median ms per layer\n\n| layer |", name.c_str(), threads);
            for (const auto &v : variants) std::printf(" %s |", v.first.empty() ? "current" : v.first.c_str());
            std::printf("\n|---|");
            for (size_t v = 0; v < variants.size(); v++) std::printf("---|");
            std::printf("\n");
            std::vector<double> total(variants.size(), 0.0);
            for (size_t l = 0; l < L; l++) {
                const std::string sig = nets[0]->layers()[l].signature();
                std::printf("| %s |", sig.c_str());
                for (size_t v = 0; v < variants.size(); v++) {
                    double m = median(t[v][l]);
                    total[v] += m;
                    std::printf(" %.4f |", m);
                    auto &dst = per_sig[sig][variants[v].first];
                    dst.insert(dst.end(), t[v][l].begin(), t[v][l].end());
                }
                std::printf("\n");
            }
            std::printf("| total |");
            for (double x : total) std::printf(" %.4f |", x);
            std::printf("\n\n");
        }
        std::printf("## Schedule lines (best variant per layer, where it beats the current by > %.0f%%)\n\n", margin * 100);
        for (const auto &[sig, by_variant] : per_sig) {
            const double cur = median(by_variant.at(""));
            std::string best;
            double best_t = cur;
            for (const auto &[v, ts] : by_variant) {
                double m = median(ts);
                if (m < best_t) best_t = m, best = v;
            }
            if (!best.empty() && best_t < cur * (1 - margin)) {
                std::string knobs;
                for (const auto &v : variants)
                    if (v.first == best) knobs = v.second;
                for (char &c : knobs)
                    if (c == ',') c = ' ';
                std::printf("%s  %s   # %.4f -> %.4f ms (%s)\n", sig.c_str(), knobs.c_str(), cur, best_t, best.c_str());
            }
        }
        return 0;
    } catch (const std::exception &e) {
        std::fprintf(stderr, "variant_sweep: %s\n", e.what());
        return 1;
    }
}

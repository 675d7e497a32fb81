#include "options.h"

#include "../bench_io.h"
#include "mnv3/error.h"

#include <climits>
#include <unistd.h>

#ifndef MNV3_BENCH_DIR
#define MNV3_BENCH_DIR "bench"
#endif

namespace mnv3::bench {
namespace {

std::string self_dir() {
    char buf[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
    if (n <= 0) return ".";
    std::string p(buf, size_t(n));
    return p.substr(0, p.rfind('/'));
}

bool is_executable(const std::string &path) { return access(path.c_str(), X_OK) == 0; }

}  // namespace

Options parse_options(int argc, char **argv) {
    Options o;
    for (int i = 1; i < argc; i++) {
        std::string a = argv[i];
        auto val = [&]() -> std::string {
            if (i + 1 >= argc) throw mnv3::Error(a + " needs a value");
            return argv[++i];
        };
        if (a == "--models") o.models = val();
        else if (a == "--names") o.names = split(val(), ',');
        else if (a == "--peers") o.peers = split(val(), ',');
        else if (a == "--ort") o.peer_cmd["onnxruntime"] = val();
        else if (a == "--xnnpack") o.peer_cmd["xnnpack"] = val();
        else if (a == "--torch") o.peer_cmd["torch"] = val();
        else if (a == "--rounds") o.rounds = std::stoi(val());
        else if (a == "--runs") o.runs = std::stoi(val());
        else if (a == "--warmup") o.warmup = std::stoi(val());
        else if (a == "--pause-ms") o.pause_ms = std::stoi(val());
        else if (a == "--threads") o.threads = std::stoi(val());
        else if (a == "--no-layers") o.layers = 0;
        else if (a == "--layers") o.layers = 1;
        else if (a == "--variant") o.variant = val();
        else if (a == "--compare-variant") o.compare_variant = val();
        else if (a == "--fma-peak") o.fma_peak = std::stod(val());
        else if (a == "--no-rss") o.rss = false;
        else if (a == "--json") o.json = val();
        else if (a == "--rss-probe") o.rss_probe = true;
        else throw mnv3::Error("unknown option " + a);
    }
    if (o.models.empty()) throw mnv3::Error("--models DIR is required");
    if (o.rounds < 1 || o.runs < 1 || o.warmup < 0) throw mnv3::Error("--rounds and --runs must be at least 1");
    for (const std::string &p : o.peers)
        if (p != "onnxruntime" && p != "xnnpack" && p != "torch" && p != "none")
            throw mnv3::Error("unknown peer " + p + " (onnxruntime, xnnpack, torch)");
    if (o.layers < 0) o.layers = o.threads == 1;
    if (o.compare_variant == "none") o.compare_variant.clear();
    // Default peer commands: the sources beside this program's source, the XNNPACK peer
    // beside this binary.
    const std::string dir = MNV3_BENCH_DIR, bin = self_dir();
    if (!o.peer_cmd.count("onnxruntime")) o.peer_cmd["onnxruntime"] = "node " + dir + "/ort/run_ort.js";
    if (!o.peer_cmd.count("torch")) o.peer_cmd["torch"] = "/usr/bin/python3 " + dir + "/torch/run_torch.py";
    if (!o.peer_cmd.count("xnnpack"))
        o.peer_cmd["xnnpack"] = is_executable(bin + "/xnnpack_mnv3") ? bin + "/xnnpack_mnv3" : "";
    return o;
}

}  // namespace mnv3::bench

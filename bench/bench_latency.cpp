// End-to-end and per-layer latency of our engine next to its peers, ONNX Runtime, XNNPACK
// and PyTorch, all on the same weights, measured in the same run and interleaved round by
// round (ours, ORT, XNNPACK, torch, then again) so that every engine sees the same machine.
//
//   bench_latency --models DIR [--names large_1.0,small_1.0] [--threads N]
//                 [--rounds R] [--runs N] [--warmup W] [--pause-ms MS]
//                 [--peers onnxruntime,xnnpack,torch] [--ort CMD] [--xnnpack CMD] [--torch CMD]
//                 [--no-layers | --layers] [--variant V] [--compare-variant opbyop|none]
//                 [--fma-peak GFLOPS] [--no-rss] [--json FILE]
//
// Defaults: 10 rounds of 30 timed runs (+2 untimed) per engine, 20 ms between engines, all
// three peers, layers only with 1 thread, op by op against the "opbyop" variant.
//
// One thread count per process: Halide's thread pool keeps the workers it has started, so
// a 1-thread measurement after a 2-thread one in the same process is not a 1-thread one.
//
// DIR holds NAME.mnv3w, NAME.input.bin, NAME.logits.bin (torch's float64 logits) and
// NAME.onnx (tools/bench.sh exports them). Each peer is a child process speaking a line
// protocol on stdin/stdout (bench/ort/run_ort.js, bench/xnnpack/xnnpack_mnv3.cpp,
// bench/torch/run_torch.py --serve): it loads its model, warms up, writes its logits and
// says it is ready; then "run W R" runs W untimed and R timed inferences and answers with
// the R times; "quit" answers with the process's peak resident memory.
//
// Correctness before timing: our logits must agree with torch's float64 reference, and each
// peer's logits with ours, within 1e-4 of max |logit|. A peer that disagrees, or cannot be
// started, is not timed and the output says why; if ours disagrees nothing is timed.
//
// Per layer (1 thread by default; --layers forces it for N threads): our per-layer times,
// achieved GFLOP/s (2 FLOP per multiply-accumulate) and percent of the FMA peak given by
// --fma-peak (bench/fma_peak), next to the same layers compiled op by op (the "opbyop"
// schedule variant: every bneck stage materialised whole), interleaved in the same rounds.
//
// Memory: each engine's peak RSS (VmHWM) in its own process: ours in a child process of this
// program (--rss-probe), each peer's at "quit" (node and python: interpreter included).
//
// Prints Markdown; --json FILE also writes every raw time for bench/report/write_report.py.
#include "bench_io.h"
#include "mnv3/error.h"
#include "mnv3/network.h"

#include <algorithm>
#include <chrono>
#include <climits>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>
#include <vector>

#ifndef MNV3_BENCH_DIR
#define MNV3_BENCH_DIR "bench"
#endif

namespace {

using mnv3::bench::read_floats;
using mnv3::bench::split;

constexpr double kTolerance = 1e-4;  // max |diff| / max |logit|

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

double percentile(std::vector<double> v, double q) {
    if (v.empty()) return NAN;
    std::sort(v.begin(), v.end());
    double pos = q * (v.size() - 1);
    size_t i = size_t(pos);
    return i + 1 < v.size() ? v[i] + (pos - i) * (v[i + 1] - v[i]) : v[i];
}

// max |a - ref| / max |ref|; infinity when the sizes differ.
double max_rel_diff(const float *a, size_t n, const std::vector<float> &ref) {
    if (n != ref.size() || ref.empty()) return INFINITY;
    double m = 0, d = 0;
    for (size_t i = 0; i < n; i++) {
        m = std::max(m, std::fabs(double(ref[i])));
        d = std::max(d, std::fabs(double(a[i]) - ref[i]));
    }
    return std::isnan(d) ? INFINITY : d / m;
}

long peak_rss_kb() {
    std::ifstream f("/proc/self/status");
    std::string line;
    while (std::getline(f, line))
        if (line.rfind("VmHWM:", 0) == 0) return std::atol(line.c_str() + 6);
    return -1;
}

std::string self_dir() {
    char buf[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
    if (n <= 0) return ".";
    std::string p(buf, size_t(n));
    return p.substr(0, p.rfind('/'));
}

bool is_executable(const std::string &path) { return access(path.c_str(), X_OK) == 0; }

// ---- the few JSON fields the peers print (flat objects, our own format) ----

bool json_has(const std::string &line, const std::string &key) {
    return line.find("\"" + key + "\":") != std::string::npos;
}
double json_number(const std::string &line, const std::string &key, double fallback = NAN) {
    size_t at = line.find("\"" + key + "\":");
    if (at == std::string::npos) return fallback;
    return std::strtod(line.c_str() + at + key.size() + 3, nullptr);
}
std::string json_string(const std::string &line, const std::string &key) {
    size_t at = line.find("\"" + key + "\":\"");
    if (at == std::string::npos) return "";
    size_t start = at + key.size() + 4, end = line.find('"', start);
    return line.substr(start, end - start);
}
std::vector<double> json_numbers(const std::string &line, const std::string &key) {
    size_t at = line.find("\"" + key + "\":[");
    if (at == std::string::npos) throw mnv3::Error("no " + key + " in: " + line.substr(0, 200));
    size_t start = at + key.size() + 4, end = line.find(']', start);
    std::vector<double> v;
    for (const std::string &s : split(line.substr(start, end - start), ',')) v.push_back(std::stod(s));
    return v;
}
std::string json_escape(const std::string &s) {
    std::string o;
    for (char c : s) {
        if (c == '"' || c == '\\') o += '\\', o += c;
        else if (c == '\n') o += "\\n";
        else if (uint8_t(c) < 0x20) o += ' ';
        else o += c;
    }
    return o;
}
std::string json_num(double v) {
    if (!std::isfinite(v)) return "null";
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.6g", v);
    return buf;
}
std::string json_array(const std::vector<double> &v) {
    std::string s = "[";
    for (size_t i = 0; i < v.size(); i++) s += (i ? "," : "") + json_num(v[i]);
    return s + "]";
}

// ---- peers: child processes speaking the line protocol ----

const char *display_name(const std::string &peer) {
    if (peer == "onnxruntime") return "ORT";
    if (peer == "xnnpack") return "XNNPACK";
    if (peer == "torch") return "torch";
    return "ours";
}

class Peer {
public:
    Peer(std::string name, std::string cmd) : name_(std::move(name)), cmd_(std::move(cmd)) {}
    ~Peer() { stop(); }
    const std::string &name() const { return name_; }
    const std::string &cmd() const { return cmd_; }

    void start() {
        int to[2], from[2];
        if (pipe2(to, O_CLOEXEC) || pipe2(from, O_CLOEXEC)) throw mnv3::Error("pipe failed");
        std::fflush(stdout);
        pid_ = fork();
        if (pid_ < 0) throw mnv3::Error("fork failed");
        if (pid_ == 0) {
            dup2(to[0], 0);
            dup2(from[1], 1);
            execl("/bin/sh", "sh", "-c", cmd_.c_str(), static_cast<char *>(nullptr));
            _exit(127);
        }
        close(to[0]);
        close(from[1]);
        in_ = fdopen(to[1], "w");
        out_ = fdopen(from[0], "r");
    }
    // One line from the child; throws when it has exited.
    std::string read_line() {
        char *buf = nullptr;
        size_t cap = 0;
        ssize_t n = getline(&buf, &cap, out_);
        std::string line = n > 0 ? std::string(buf, size_t(n)) : std::string();
        std::free(buf);
        if (n <= 0) {
            int status = reap();
            throw mnv3::Error(std::string(display_name(name_)) + " exited (status " + std::to_string(status) +
                              ") instead of answering; command: " + cmd_);
        }
        while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.pop_back();
        return line;
    }
    void send(const std::string &line) {
        if (std::fputs((line + "\n").c_str(), in_) < 0 || std::fflush(in_) != 0)
            throw mnv3::Error(std::string(display_name(name_)) + " is gone (cannot write to it)");
    }
    std::vector<double> run(int warmup, int runs) {
        send("run " + std::to_string(warmup) + " " + std::to_string(runs));
        std::vector<double> t = json_numbers(read_line(), "times_ms");
        if (int(t.size()) != runs) throw mnv3::Error(std::string(display_name(name_)) + " returned a wrong count");
        return t;
    }
    // Sends quit, returns the reported peak RSS (KiB), waits for the child.
    long quit() {
        send("quit");
        long rss = long(json_number(read_line(), "peak_rss_kb", -1));
        reap();
        return rss;
    }
    void stop() {
        if (pid_ > 0) {
            kill(pid_, SIGTERM);
            reap();
        }
    }

private:
    int reap() {
        if (in_) std::fclose(in_), in_ = nullptr;
        if (out_) std::fclose(out_), out_ = nullptr;
        int status = 0;
        if (pid_ > 0) waitpid(pid_, &status, 0);
        pid_ = -1;
        return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    }
    std::string name_, cmd_;
    pid_t pid_ = -1;
    FILE *in_ = nullptr, *out_ = nullptr;
};

// ---- results ----

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
    std::vector<EngineResult> engines;
    std::vector<LayerResult> layers;
    int layer_runs = 0;
    double opbyop_diff = NAN;
};

Options parse(int argc, char **argv) {
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

double ms_since(std::chrono::steady_clock::time_point t0) {
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
}

void pause(const Options &o) {
    if (o.pause_ms > 0) std::this_thread::sleep_for(std::chrono::milliseconds(o.pause_ms));
}

// Our peak RSS for one model in a process of its own (this program with --rss-probe).
long probe_our_rss(const Options &o, const std::string &name) {
    std::string cmd = "'/proc/" + std::to_string(getpid()) + "/exe' --rss-probe --models '" + o.models + "' --names " +
                      name + " --threads " + std::to_string(o.threads);
    if (!o.variant.empty()) cmd += " --variant " + o.variant;
    // /proc/PID/exe of this process stays valid while we wait.
    FILE *p = popen(cmd.c_str(), "r");
    if (!p) return -1;
    char buf[256] = {0};
    size_t n = fread(buf, 1, sizeof buf - 1, p);
    buf[n] = 0;
    if (pclose(p) != 0) return -1;
    return long(json_number(buf, "peak_rss_kb", -1));
}

int rss_probe(const Options &o) {
    const std::string base = o.models + "/" + o.names.at(0);
    auto net = mnv3::Network::load(base + ".mnv3w", o.variant);
    mnv3::Network::set_threads(o.threads);
    std::vector<float> input = read_floats(base + ".input.bin");
    for (int i = 0; i < 20; i++) net->run(input.data(), input.size());
    std::printf("{\"engine\":\"ours\",\"peak_rss_kb\":%ld}\n", peak_rss_kb());
    return 0;
}

std::string peer_command(const Options &o, const std::string &peer, const std::string &base, const std::string &logits) {
    const std::string model = base + (peer == "onnxruntime" ? ".onnx" : ".mnv3w");
    return o.peer_cmd.at(peer) + " --model '" + model + "' --input '" + base + ".input.bin' --threads " +
           std::to_string(o.threads) + " --warmup 10 --logits-out '" + logits + "' --serve";
}

ModelResult bench_model(const Options &o, const std::string &name) {
    ModelResult mr;
    mr.name = name;
    const std::string base = o.models + "/" + name;

    // Ours: load, check against torch's float64 logits.
    EngineResult ours;
    ours.engine = "ours";
    auto t0 = std::chrono::steady_clock::now();
    auto net = mnv3::Network::load(base + ".mnv3w", o.variant);
    mnv3::Network::set_threads(o.threads);
    std::vector<float> input = read_floats(base + ".input.bin"), ref = read_floats(base + ".logits.bin");
    const float *out = net->run(input.data(), input.size());
    ours.load_ms = ms_since(t0);
    const size_t classes = size_t(net->num_classes());
    const std::vector<float> our_logits(out, out + classes);
    ours.diff = max_rel_diff(out, classes, ref);
    if (!(ours.diff <= kTolerance))
        throw mnv3::Error(name + ": our logits disagree with torch's (" + json_num(ours.diff) + "); not timing");

    // Peers: start all (they load in parallel), then check each against ours.
    std::vector<std::unique_ptr<Peer>> peers;
    std::vector<EngineResult> results;
    for (const std::string &p : o.peers) {
        if (p == "none") continue;
        EngineResult r;
        r.engine = p;
        if (o.peer_cmd.at(p).empty()) {
            r.status = "not built (bench/peers.cmake found no XNNPACK: tools/install-deps.sh --bench)";
            results.push_back(r);
            peers.emplace_back();
            continue;
        }
        const std::string logits = base + "." + p + "_logits.bin";
        std::remove(logits.c_str());
        peers.emplace_back(new Peer(p, peer_command(o, p, base, logits)));
        try {
            peers.back()->start();
        } catch (const std::exception &e) {
            r.status = std::string("cannot start: ") + e.what();
            peers.back().reset();
        }
        results.push_back(r);
    }
    for (size_t k = 0; k < peers.size(); k++) {
        if (!peers[k]) continue;
        EngineResult &r = results[k];
        try {
            r.info = peers[k]->read_line();
            if (!json_has(r.info, "ready")) throw mnv3::Error("unexpected first line: " + r.info.substr(0, 200));
            r.load_ms = json_number(r.info, "load_ms");
            std::vector<float> theirs = read_floats(base + "." + r.engine + "_logits.bin");
            r.diff = max_rel_diff(theirs.data(), theirs.size(), our_logits);
            if (!(r.diff <= kTolerance)) {
                r.status = "outputs disagree with ours (" + json_num(r.diff) + " of max |logit|): not timed";
                peers[k]->stop();
                peers[k].reset();
            }
        } catch (const std::exception &e) {
            r.status = std::string("failed: ") + e.what();
            peers[k].reset();
        }
    }

    // Interleaved rounds: ours, then each peer, every round.
    for (int w = 0; w < 10; w++) net->run(input.data(), input.size());
    for (int round = 0; round < o.rounds; round++) {
        for (int w = 0; w < o.warmup; w++) net->run(input.data(), input.size());
        for (int i = 0; i < o.runs; i++) {
            auto s = std::chrono::steady_clock::now();
            net->run(input.data(), input.size());
            ours.times.push_back(ms_since(s));
        }
        for (size_t k = 0; k < peers.size(); k++) {
            if (!peers[k]) continue;
            pause(o);  // let the previous engine's spinning workers go to sleep
            try {
                for (double t : peers[k]->run(o.warmup, o.runs)) results[k].times.push_back(t);
            } catch (const std::exception &e) {
                results[k].status = std::string("failed while timing: ") + e.what();
                results[k].times.clear();
                peers[k].reset();
            }
        }
        pause(o);
    }
    for (size_t k = 0; k < peers.size(); k++) {
        if (!peers[k]) continue;
        try {
            results[k].peak_rss_kb = peers[k]->quit();
        } catch (const std::exception &) {
        }
        peers[k].reset();
    }

    // Per layer: ours and the comparison variant, interleaved.
    if (o.layers) {
        std::unique_ptr<mnv3::Network> cmp;
        if (!o.compare_variant.empty()) {
            cmp = mnv3::Network::load(base + ".mnv3w", o.compare_variant);
            const float *c = cmp->run(input.data(), input.size());
            mr.opbyop_diff = max_rel_diff(c, classes, ref);
            if (!(mr.opbyop_diff <= kTolerance))
                throw mnv3::Error(name + ": the " + o.compare_variant + " variant disagrees with torch");
            if (cmp->layers().size() != net->layers().size()) throw mnv3::Error("variant has other layers");
            for (int w = 0; w < 5; w++) cmp->run(input.data(), input.size());
        }
        std::vector<double> secs, cmp_secs;
        const int per_round = 20;
        for (int round = 0; round < o.rounds; round++) {
            for (int i = 0; i < per_round; i++) net->run_timed(input.data(), input.size(), secs);
            if (cmp)
                for (int i = 0; i < per_round; i++) cmp->run_timed(input.data(), input.size(), cmp_secs);
        }
        mr.layer_runs = per_round * o.rounds;
        for (size_t i = 0; i < secs.size(); i++) {
            const mnv3::LayerSpec &l = net->layers()[i];
            LayerResult lr;
            lr.signature = l.signature();
            lr.kind = l.generator();
            lr.macs = double(l.macs());
            lr.fused_ms = secs[i] / mr.layer_runs * 1e3;
            if (cmp) lr.opbyop_ms = cmp_secs[i] / mr.layer_runs * 1e3;
            mr.layers.push_back(lr);
        }
    }

    net.reset();
    if (o.rss) ours.peak_rss_kb = probe_our_rss(o, name);
    mr.engines.push_back(ours);
    for (EngineResult &r : results) mr.engines.push_back(r);
    return mr;
}

// ---- output ----

std::string cell(const std::vector<double> &t) {
    if (t.empty()) return "-";
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.3f [%.3f, %.3f]", percentile(t, 0.5), percentile(t, 0.1), percentile(t, 0.9));
    return buf;
}

void print_markdown(const Options &o, const std::vector<ModelResult> &all) {
    std::printf("# MobileNetV3 latency, %d thread(s): ours vs ONNX Runtime, XNNPACK, PyTorch\n\n", o.threads);
    std::printf("Same weights; outputs checked before timing (max |diff| / max |logit| <= %g); %d interleaved "
                "rounds of %d runs (+%d untimed) per engine.\n\n",
                kTolerance, o.rounds, o.runs, o.warmup);
    std::printf("## Checks\n\n| model | engine | max abs diff / max abs logit | against | status |\n|---|---|---|---|---|\n");
    for (const ModelResult &m : all) {
        for (const EngineResult &e : m.engines)
            std::printf("| %s | %s | %s | %s | %s |\n", m.name.c_str(), display_name(e.engine), json_num(e.diff).c_str(),
                        e.engine == "ours" ? "torch float64" : "ours", e.status.c_str());
        if (!std::isnan(m.opbyop_diff))
            std::printf("| %s | ours, %s | %s | torch float64 | ok |\n", m.name.c_str(), o.compare_variant.c_str(),
                        json_num(m.opbyop_diff).c_str());
    }

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

    if (o.rss) {
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

    for (const ModelResult &m : all) {
        if (m.layers.empty()) continue;
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
        if (cmp)
            std::printf(" %.3f | %.1f | %.2f |", total_cmp, 2 * macs / (total_cmp * 1e-3) / 1e9, total_cmp / total);
        std::printf("\n");
    }
}

void write_json(const Options &o, const std::vector<ModelResult> &all) {
    std::ofstream f(o.json);
    if (!f) throw mnv3::Error("cannot write " + o.json);
    f << "{\"threads\":" << o.threads << ",\"rounds\":" << o.rounds << ",\"runs\":" << o.runs
      << ",\"warmup\":" << o.warmup << ",\"tolerance\":" << json_num(kTolerance) << ",\"variant\":\""
      << json_escape(o.variant) << "\",\"compare_variant\":\"" << json_escape(o.compare_variant)
      << "\",\"fma_peak_gflops\":" << json_num(o.fma_peak) << ",\"models\":[";
    for (size_t m = 0; m < all.size(); m++) {
        const ModelResult &mr = all[m];
        f << (m ? "," : "") << "{\"name\":\"" << json_escape(mr.name) << "\",\"opbyop_diff\":"
          << json_num(mr.opbyop_diff) << ",\"layer_runs\":" << mr.layer_runs << ",\"engines\":[";
        for (size_t k = 0; k < mr.engines.size(); k++) {
            const EngineResult &e = mr.engines[k];
            f << (k ? "," : "") << "{\"engine\":\"" << e.engine << "\",\"status\":\"" << json_escape(e.status)
              << "\",\"diff\":" << json_num(e.diff) << ",\"load_ms\":" << json_num(e.load_ms)
              << ",\"peak_rss_kb\":" << e.peak_rss_kb << ",\"info\":" << (e.info.empty() ? "null" : e.info)
              << ",\"times_ms\":" << json_array(e.times) << "}";
        }
        f << "],\"layers\":[";
        for (size_t i = 0; i < mr.layers.size(); i++) {
            const LayerResult &l = mr.layers[i];
            f << (i ? "," : "") << "{\"signature\":\"" << l.signature << "\",\"kind\":\"" << l.kind
              << "\",\"macs\":" << json_num(l.macs) << ",\"ms\":" << json_num(l.fused_ms)
              << ",\"opbyop_ms\":" << json_num(l.opbyop_ms) << "}";
        }
        f << "]}";
    }
    f << "]}\n";
    if (!f) throw mnv3::Error("cannot write " + o.json);
}

}  // namespace

int main(int argc, char **argv) {
    try {
        std::signal(SIGPIPE, SIG_IGN);  // a peer that dies is reported, not fatal
        const Options o = parse(argc, argv);
        if (o.rss_probe) return rss_probe(o);
        std::vector<ModelResult> all;
        for (const std::string &name : o.names) {
            auto t0 = std::chrono::steady_clock::now();
            all.push_back(bench_model(o, name));
            std::fprintf(stderr, "bench_latency: %s, %d thread(s): %.1f s\n", name.c_str(), o.threads,
                         ms_since(t0) / 1e3);
        }
        print_markdown(o, all);
        if (!o.json.empty()) write_json(o, all);
        return 0;
    } catch (const std::exception &e) {
        std::fprintf(stderr, "bench_latency: %s\n", e.what());
        return 1;
    }
}

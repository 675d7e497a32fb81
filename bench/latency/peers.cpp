#include "peers.h"

#include "../bench_io.h"
#include "check.h"
#include "json.h"
#include "mnv3/error.h"

#include <csignal>
#include <cstdlib>
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

namespace mnv3::bench {

const char *display_name(const std::string &engine) {
    if (engine == "onnxruntime") return "ORT";
    if (engine == "xnnpack") return "XNNPACK";
    if (engine == "torch") return "torch";
    return "ours";
}

void Peer::start() {
    int to[2], from[2];
    if (pipe2(to, O_CLOEXEC) || pipe2(from, O_CLOEXEC)) throw mnv3::Error("pipe failed");
    std::fflush(stdout);  // or the child inherits our unwritten output
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

std::string Peer::read_line() {
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

void Peer::send(const std::string &line) {
    if (std::fputs((line + "\n").c_str(), in_) < 0 || std::fflush(in_) != 0)
        throw mnv3::Error(std::string(display_name(name_)) + " is gone (cannot write to it)");
}

std::vector<double> Peer::run(int warmup, int runs) {
    send("run " + std::to_string(warmup) + " " + std::to_string(runs));
    std::vector<double> t = json_numbers(read_line(), "times_ms");
    if (int(t.size()) != runs) throw mnv3::Error(std::string(display_name(name_)) + " returned a wrong count");
    return t;
}

long Peer::quit() {
    send("quit");
    long rss = long(json_number(read_line(), "peak_rss_kb", -1));
    reap();
    return rss;
}

void Peer::stop() {
    if (pid_ > 0) {
        kill(pid_, SIGTERM);
        reap();
    }
}

int Peer::reap() {
    if (in_) std::fclose(in_), in_ = nullptr;
    if (out_) std::fclose(out_), out_ = nullptr;
    int status = 0;
    if (pid_ > 0) waitpid(pid_, &status, 0);
    pid_ = -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

namespace {

// The peer's command line: its model (ONNX for ORT, our weights file for the others), our
// input, and where to write its logits for the check.
std::string peer_command(const Options &o, const std::string &peer, const std::string &base, const std::string &logits) {
    const std::string model = base + (peer == "onnxruntime" ? ".onnx" : ".mnv3w");
    return o.peer_cmd.at(peer) + " --model '" + model + "' --input '" + base + ".input.bin' --threads " +
           std::to_string(o.threads) + " --warmup 10 --logits-out '" + logits + "' --serve";
}

}  // namespace

PeerSet start_peers(const Options &o, const std::string &base, const std::vector<float> &our_logits) {
    PeerSet set;
    std::vector<std::unique_ptr<Peer>> &peers = set.procs;
    std::vector<EngineResult> &results = set.results;
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
        std::remove(logits.c_str());  // a stale file must not pass the check
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
    return set;
}

void quit_peers(PeerSet &peers) {
    for (size_t k = 0; k < peers.procs.size(); k++) {
        std::unique_ptr<Peer> &p = peers.procs[k];
        if (!p) continue;
        try {
            peers.results[k].peak_rss_kb = p->quit();
        } catch (const std::exception &) {
            // no RSS then: the times are what matters
        }
        p.reset();
    }
}

}  // namespace mnv3::bench

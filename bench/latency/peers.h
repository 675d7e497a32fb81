// The peers (ONNX Runtime, XNNPACK, PyTorch): child processes speaking a line protocol on
// stdin/stdout. Each loads its model, warms up, writes its logits and prints a ready line;
// "run W R" answers with R times; "quit" answers with the process's peak RSS.
#pragma once
#include "options.h"
#include "results.h"

#include <cstdio>
#include <memory>
#include <string>
#include <sys/types.h>
#include <vector>

namespace mnv3::bench {

// "ORT", "XNNPACK", "torch"; anything else (the engine "ours") is "ours".
const char *display_name(const std::string &engine);

class Peer {
public:
    Peer(std::string name, std::string cmd) : name_(std::move(name)), cmd_(std::move(cmd)) {}
    ~Peer() { stop(); }
    const std::string &name() const { return name_; }
    const std::string &cmd() const { return cmd_; }

    void start();  // runs cmd under /bin/sh with pipes on its stdin and stdout
    // One line from the child; throws when it has exited.
    std::string read_line();
    void send(const std::string &line);
    // "run W R": R timed inferences after W untimed ones; their times in ms.
    std::vector<double> run(int warmup, int runs);
    // Sends quit, returns the reported peak RSS (KiB), waits for the child.
    long quit();
    void stop();  // SIGTERM, then wait

private:
    int reap();
    std::string name_, cmd_;
    pid_t pid_ = -1;
    FILE *in_ = nullptr, *out_ = nullptr;
};

// The peers of one model, in --peers order: procs[k] is peer k's process, null once it is
// not (or no longer) timed, and results[k] what it gave or why it was not timed.
struct PeerSet {
    std::vector<std::unique_ptr<Peer>> procs;
    std::vector<EngineResult> results;
};

// Starts every peer of o.peers on the model BASE (all first, so that they load in
// parallel), then checks each one's logits against ours.
PeerSet start_peers(const Options &o, const std::string &base, const std::vector<float> &our_logits);

// Ends every live peer with "quit", keeping the peak RSS it reports.
void quit_peers(PeerSet &peers);

}  // namespace mnv3::bench

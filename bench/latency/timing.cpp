#include "timing.h"

#include <thread>

namespace mnv3::bench {

double ms_since(std::chrono::steady_clock::time_point t0) {
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
}

void pause_between(const Options &o) {
    if (o.pause_ms > 0) std::this_thread::sleep_for(std::chrono::milliseconds(o.pause_ms));
}

void time_rounds(const Options &o, mnv3::Network &net, const std::vector<float> &input, EngineResult &ours,
                 PeerSet &peers) {
    for (int w = 0; w < 10; w++) net.run(input.data(), input.size());
    for (int round = 0; round < o.rounds; round++) {
        for (int w = 0; w < o.warmup; w++) net.run(input.data(), input.size());
        for (int i = 0; i < o.runs; i++) {
            auto s = std::chrono::steady_clock::now();
            net.run(input.data(), input.size());
            ours.times.push_back(ms_since(s));
        }
        for (size_t k = 0; k < peers.procs.size(); k++) {
            std::unique_ptr<Peer> &p = peers.procs[k];
            if (!p) continue;
            pause_between(o);
            EngineResult &r = peers.results[k];
            try {
                for (double t : p->run(o.warmup, o.runs)) r.times.push_back(t);
            } catch (const std::exception &e) {
                r.status = std::string("failed while timing: ") + e.what();
                r.times.clear();
                p.reset();
            }
        }
        pause_between(o);
    }
}

}  // namespace mnv3::bench

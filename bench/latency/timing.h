// End-to-end timing: ours and each peer, interleaved round by round (ours, ORT, XNNPACK,
// torch, then again) so that every engine sees the same machine.
#pragma once
#include "mnv3/network.h"
#include "options.h"
#include "peers.h"
#include "results.h"

#include <chrono>
#include <vector>

namespace mnv3::bench {

double ms_since(std::chrono::steady_clock::time_point t0);

// Sleeps --pause-ms: lets the previous engine's spinning workers go to sleep.
void pause_between(const Options &o);

// o.rounds rounds of o.runs timed runs (after o.warmup untimed ones) per engine, into
// ours.times and each live peer's result; a peer that fails here loses its times.
void time_rounds(const Options &o, mnv3::Network &net, const std::vector<float> &input, EngineResult &ours,
                 PeerSet &peers);

}  // namespace mnv3::bench

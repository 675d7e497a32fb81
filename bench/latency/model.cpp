#include "model.h"

#include "../bench_io.h"
#include "check.h"
#include "json.h"
#include "layers.h"
#include "memory.h"
#include "mnv3/error.h"
#include "mnv3/network.h"
#include "peers.h"
#include "timing.h"

#include <vector>

namespace mnv3::bench {

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

    PeerSet peers = start_peers(o, base, our_logits);
    time_rounds(o, *net, input, ours, peers);
    quit_peers(peers);
    if (o.layers) time_layers(o, base, *net, input, ref, mr);

    net.reset();  // frees our copy while the probe loads its own
    if (o.rss) ours.peak_rss_kb = probe_our_rss(o, name);
    mr.engines.push_back(ours);
    for (EngineResult &r : peers.results) mr.engines.push_back(r);
    return mr;
}

}  // namespace mnv3::bench

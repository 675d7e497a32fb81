#include "layers.h"

#include "check.h"
#include "mnv3/error.h"

#include <memory>

namespace mnv3::bench {

void time_layers(const Options &o, const std::string &base, mnv3::Network &net, const std::vector<float> &input,
                 const std::vector<float> &ref, ModelResult &mr) {
    const size_t classes = size_t(net.num_classes());
    std::unique_ptr<mnv3::Network> cmp;
    if (!o.compare_variant.empty()) {
        cmp = mnv3::Network::load(base + ".mnv3w", o.compare_variant);
        const float *c = cmp->run(input.data(), input.size());
        mr.opbyop_diff = max_rel_diff(c, classes, ref);
        if (!(mr.opbyop_diff <= kTolerance))
            throw mnv3::Error(mr.name + ": the " + o.compare_variant + " variant disagrees with torch");
        if (cmp->layers().size() != net.layers().size()) throw mnv3::Error("variant has other layers");
        for (int w = 0; w < 5; w++) cmp->run(input.data(), input.size());
    }
    std::vector<double> secs, cmp_secs;  // run_timed adds each run's seconds per layer
    const int per_round = 20;
    for (int round = 0; round < o.rounds; round++) {
        for (int i = 0; i < per_round; i++) net.run_timed(input.data(), input.size(), secs);
        if (cmp)
            for (int i = 0; i < per_round; i++) cmp->run_timed(input.data(), input.size(), cmp_secs);
    }
    mr.layer_runs = per_round * o.rounds;
    for (size_t i = 0; i < secs.size(); i++) {
        const mnv3::LayerSpec &l = net.layers()[i];
        LayerResult lr;
        lr.signature = l.signature();
        lr.kind = l.generator();
        lr.macs = double(l.macs());
        lr.fused_ms = secs[i] / mr.layer_runs * 1e3;
        if (cmp) lr.opbyop_ms = cmp_secs[i] / mr.layer_runs * 1e3;
        mr.layers.push_back(lr);
    }
}

}  // namespace mnv3::bench

#include "report_json.h"

#include "check.h"
#include "json.h"
#include "mnv3/error.h"

#include <fstream>

namespace mnv3::bench {

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
            // info is the peer's ready line, already a JSON object
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

}  // namespace mnv3::bench

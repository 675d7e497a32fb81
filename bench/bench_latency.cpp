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
//
// The parts, one per file under latency/: options (the command line), peers (the child
// process protocol), timing (end to end, interleaved), layers (per layer), memory (peak
// RSS), check (the tolerance), model (one model's whole measurement), report (Markdown),
// report_json (--json), json (the little JSON they read and write).
#include "latency/model.h"
#include "latency/memory.h"
#include "latency/options.h"
#include "latency/report.h"
#include "latency/report_json.h"
#include "latency/timing.h"

#include <csignal>
#include <cstdio>
#include <exception>
#include <string>
#include <vector>

int main(int argc, char **argv) {
    using namespace mnv3::bench;
    try {
        std::signal(SIGPIPE, SIG_IGN);  // a peer that dies is reported, not fatal
        const Options o = parse_options(argc, argv);
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

// Guest instructions per inference, per layer and in total, counted under qemu-user with
// the project's TCG plugin (bench/qemu/insn_count.c): the ARM cost measure where no phone
// is at hand. tools/insns.sh runs it; docs/instruction-counts.md explains it.
//
//   bench_insns --log FILE [--runs N] [--warmup W] MODEL...        whole networks, per layer
//   bench_insns --log FILE [--runs N] [--warmup W] --layer SIG...  one layer alone, random data
//   bench_insns --list                                the compiled layer signatures
//
// MODEL is a .mnv3w weight file (tools/export_torch.py) or a .tflite file (TF-slim
// release, imported as a float model). FILE is the plugin's outfile=: the plugin appends a
// line per marker system call (bench/qemu/insn_marker.h) and this program reads its own
// markers back from it. Without --log (a native run) everything runs and the counts are
// shown as "-": the markers are harmless system calls that fail with ENOSYS.
//
// One thread (Network::set_threads(1); HL_NUM_THREADS=1 too): the plugin's counter is
// exact only for a single-threaded guest. Each measurement follows --warmup calls (default
// 2: the first calls leave malloc's free lists in a different state each time, and the
// layers' scratch allocations see it, by some hundred instructions); every measured
// repetition must then give the same count, and the program says whether it did.
#include "bench_io.h"
#include "mnv3/error.h"
#include "mnv3/network.h"
#ifdef MNV3_HAVE_TFLITE
#include "mnv3/tflite_import.h"
#endif
#include "registry.h"

#include "HalideRuntime.h"
#include "insn_marker.h"

#include <algorithm>
#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <vector>

namespace {

using mnv3::bench::read_floats;

// Marker tags (first syscall argument). The plugin does not interpret them.
enum Tag : uint64_t { kSession = 1, kRunBegin = 2, kRunEnd = 3, kLayerBegin = 4, kLayerEnd = 5 };

struct Options {
    std::string log;
    int runs = 2, warmup = 2;
    std::vector<std::string> models, layers;
    bool list = false;
};

// Markers emitted since the current session began, read back from the plugin's log.
class Counter {
public:
    // Room for every marker up front: an allocation between markers would change the heap
    // state that the layers' own allocations then see, and with it their counts.
    explicit Counter(std::string log) : log_(std::move(log)) { issued_.reserve(1 << 16); }
    bool active() const { return !log_.empty(); }
    void begin_session() {
        session_++;
        issued_.clear();
        mark(kSession, session_, 0);
    }
    void mark(uint64_t tag, uint64_t a, uint64_t b) {
        if (issued_.size() == issued_.capacity()) throw mnv3::Error("too many markers in one session");
        issued_.push_back({tag, a, b, 0});
        mnv3_insn_mark(tag, a, b);
    }
    // The counts for this session's markers, in order (empty when not counting).
    struct Mark { uint64_t tag, a, b, insns; };
    std::vector<Mark> read() const {
        if (!active()) return {};
        std::ifstream f(log_);
        if (!f) throw mnv3::Error("cannot read the plugin log " + log_);
        std::vector<Mark> all;
        std::string line;
        while (std::getline(f, line)) {
            Mark m{};
            if (std::sscanf(line.c_str(), "mark %" SCNu64 " %" SCNu64 " %" SCNu64 " %" SCNu64, &m.tag, &m.a, &m.b,
                            &m.insns) == 4)
                all.push_back(m);
        }
        // This session's markers are the last ones written, starting with its session marker.
        if (all.size() < issued_.size())
            throw mnv3::Error("the plugin log " + log_ + " has fewer markers than were issued: is the program "
                              "running under qemu with the insn_count plugin writing there?");
        std::vector<Mark> mine(all.end() - issued_.size(), all.end());
        for (size_t i = 0; i < mine.size(); i++)
            if (mine[i].tag != issued_[i].tag || mine[i].a != issued_[i].a || mine[i].b != issued_[i].b)
                throw mnv3::Error("the plugin log " + log_ + " does not match the markers issued (another process "
                                  "writing to it?)");
        return mine;
    }

private:
    std::string log_;
    uint64_t session_ = 0;
    std::vector<Mark> issued_;
};

// Instructions between consecutive begin/end markers, and whether repetitions agree.
struct Measure {
    uint64_t insns = 0;
    bool identical = true;
    void add(uint64_t v, bool first) {
        if (first) insns = v;
        else if (v != insns) identical = false, insns = std::min(insns, v);
    }
};

std::string fmt_count(const Counter &c, uint64_t v) { return c.active() ? std::to_string(v) : "-"; }

std::string fmt_ratio(const Counter &c, uint64_t insns, int64_t macs) {
    if (!c.active() || macs <= 0) return "-";
    char b[32];
    std::snprintf(b, sizeof b, "%.3f", double(insns) / double(macs));
    return b;
}

std::vector<float> seeded(size_t n, uint32_t seed) {
    std::vector<float> v(n);
    for (float &x : v) {
        seed = seed * 1664525u + 1013904223u;
        x = float(seed >> 8) / float(1 << 24) * 2.0f - 1.0f;  // [-1, 1)
    }
    return v;
}

std::unique_ptr<mnv3::Network> load_model(const std::string &path) {
    auto ends = [&](const char *s) {
        size_t n = std::strlen(s);
        return path.size() >= n && path.compare(path.size() - n, n, s) == 0;
    };
    if (ends(".tflite")) {
#ifdef MNV3_HAVE_TFLITE
        return std::make_unique<mnv3::Network>(mnv3::import_tflite_file(path).weights);
#else
        throw mnv3::Error(path + ": this build has no TFLite importer");
#endif
    }
    return mnv3::Network::load(path);
}

// The hook's own cost: two markers called back to back through the same path the
// per-layer markers take (std::function call, lambda, svc). Subtracted from each layer.
uint64_t calibrate(Counter &c, const mnv3::Network::LayerHook &hook) {
    c.begin_session();
    for (int i = 0; i < 3; i++) {
        hook(size_t(1000 + i), true);
        hook(size_t(1000 + i), false);
    }
    auto m = c.read();
    if (m.empty()) return 0;
    uint64_t best = UINT64_MAX;
    for (size_t i = 1; i + 1 < m.size(); i += 2) best = std::min(best, m[i + 1].insns - m[i].insns);
    return best;
}

// One line per model for the summary printed after the per-layer tables.
struct Summary {
    std::string model, weights;
    int64_t macs;
    uint64_t insns, layer_insns;
};

void bench_model(Counter &c, const std::string &path, int runs, int warmup, std::vector<Summary> &summary) {
    auto net = load_model(path);
    const auto &layers = net->layers();
    // The input: NAME.input.bin beside NAME.mnv3w when there is one (tools/export_torch.py),
    // and then the logits are checked against NAME.logits.bin; else seeded noise.
    std::vector<float> input = seeded(size_t(3) * net->input_height() * net->input_width(), 1), ref;
    const std::string base = path.substr(0, path.rfind('.'));
    if (std::ifstream(base + ".input.bin") && std::ifstream(base + ".logits.bin")) {
        input = read_floats(base + ".input.bin");
        ref = read_floats(base + ".logits.bin");
    }

    mnv3::Network::LayerHook hook = [&c](size_t i, bool before) {
        c.mark(before ? kLayerBegin : kLayerEnd, i, 0);
    };
    const uint64_t overhead = calibrate(c, hook);

    const float *logits = net->run(input.data(), input.size());  // warm-up, and the check
    for (int w = 1; w < warmup; w++) net->run(input.data(), input.size());
    std::string check = "no reference logits beside the weights";
    if (!ref.empty()) {
        if (ref.size() != size_t(net->num_classes())) throw mnv3::Error(base + ".logits.bin: wrong size");
        double m = 0, d = 0;
        for (size_t i = 0; i < ref.size(); i++) {
            m = std::max(m, std::fabs(double(ref[i])));
            d = std::max(d, std::fabs(double(logits[i]) - ref[i]));
        }
        char b[128];
        std::snprintf(b, sizeof b, "logits vs torch: max |diff| / max |logit| = %.1e", d / m);
        check = b;
        if (!(d / m <= 1e-4)) throw mnv3::Error(path + ": " + check + ", above 1e-4: not counting a wrong network");
    }
    c.begin_session();
    for (int r = 0; r < runs; r++) {
        c.mark(kRunBegin, uint64_t(r), 0);
        net->run(input.data(), input.size());
        c.mark(kRunEnd, uint64_t(r), 0);
        net->run_hooked(input.data(), input.size(), hook);
    }
    auto marks = c.read();

    Measure total;
    std::vector<Measure> per_layer(layers.size());
    std::vector<int> seen(layers.size(), 0);
    int seen_runs = 0;
    for (size_t i = 0; i + 1 < marks.size(); i++) {
        const auto &m = marks[i], &n = marks[i + 1];
        if (m.tag == kRunBegin && n.tag == kRunEnd) total.add(n.insns - m.insns, seen_runs++ == 0);
        if (m.tag == kLayerBegin && n.tag == kLayerEnd && m.a == n.a && m.a < layers.size()) {
            uint64_t v = n.insns - m.insns;
            v = v > overhead ? v - overhead : 0;
            per_layer[m.a].add(v, seen[m.a]++ == 0);
        }
    }
    bool identical = total.identical;
    uint64_t sum = 0;
    int64_t macs = 0;
    for (size_t i = 0; i < layers.size(); i++) {
        identical = identical && per_layer[i].identical;
        sum += per_layer[i].insns;
        macs += layers[i].macs();
    }

    std::printf("## %s\n\n", net->config().name().c_str());
    std::printf("Weights: `%s`. %zu layers, %.1f M MACs per inference; %s.\n\n",
                path.substr(path.rfind('/') + 1).c_str(), layers.size(), macs / 1e6, check.c_str());
    if (c.active()) {
        std::printf("Guest instructions per inference: **%s** (one `Network::run` call), of which %s in the layers "
                    "(%.3f per MAC). %d measured runs after %d warm-up runs: %s. Marker overhead subtracted per layer: "
                    "%" PRIu64 " instructions.\n\n",
                    fmt_count(c, total.insns).c_str(), fmt_count(c, sum).c_str(), double(sum) / double(macs), runs, warmup,
                    identical ? "every count identical" : "COUNTS DIFFER between runs (minimum shown)", overhead);
    } else {
        std::printf("Not counted: run under qemu-aarch64 with the insn_count plugin and --log (tools/insns.sh).\n\n");
    }
    std::printf("| # | layer | M MACs | instructions | per MAC | share |\n|---:|---|---:|---:|---:|---:|\n");
    for (size_t i = 0; i < layers.size(); i++) {
        char share[16] = "-";
        if (c.active() && sum) std::snprintf(share, sizeof share, "%.1f%%", 100.0 * per_layer[i].insns / sum);
        std::printf("| %zu | `%s` | %.2f | %s | %s | %s |\n", i, layers[i].signature().c_str(), layers[i].macs() / 1e6,
                    fmt_count(c, per_layer[i].insns).c_str(), fmt_ratio(c, per_layer[i].insns, layers[i].macs()).c_str(),
                    share);
    }
    std::printf("| | **total** | %.2f | %s | %s | |\n\n", macs / 1e6, fmt_count(c, total.insns).c_str(),
                fmt_ratio(c, total.insns, macs).c_str());
    if (c.active() && !identical) throw mnv3::Error(net->config().name() + ": instruction counts differ between runs");
    summary.push_back({net->config().name(), path.substr(path.rfind('/') + 1), macs, total.insns, sum});
}

void print_summary(const Counter &c, const std::vector<Summary> &rows) {
    std::printf("## Summary\n\n| model | weights | M MACs | instructions per inference | in the layers | per MAC |\n"
                "|---|---|---:|---:|---:|---:|\n");
    for (const Summary &r : rows)
        std::printf("| %s | `%s` | %.1f | %s | %s | %s |\n", r.model.c_str(), r.weights.c_str(), r.macs / 1e6,
                    fmt_count(c, r.insns).c_str(), fmt_count(c, r.layer_insns).c_str(),
                    fmt_ratio(c, r.insns, r.macs).c_str());
    std::printf("\n");
}

// --- one layer instance alone -------------------------------------------------------

// The layer spec of a compiled signature, found in the model configurations of this build.
mnv3::LayerSpec find_spec(const std::string &sig) {
    for (const std::string &name : mnv3::Network::compiled_models())
        for (const mnv3::LayerSpec &l : mnv3::build_layers(mnv3::ModelConfig::parse(name)))
            if (l.signature() == sig) return l;
    throw mnv3::Error("no compiled layer " + sig + " (bench_insns --list shows them)");
}

// A buffer that owns its storage, described to Halide by a halide_buffer_t.
struct OwnedBuffer {
    halide_buffer_t buf{};
    std::vector<halide_dimension_t> dims;
    std::vector<uint8_t> storage;
};

void bench_layer(Counter &c, const std::string &sig, int runs, int warmup) {
    const mnv3::LayerTable *table = mnv3::find_layer_table("");
    const mnv3::LayerEntry *entry = nullptr;
    for (const mnv3::LayerEntry &e : table->layers())
        if (sig == e.signature) entry = &e;
    if (!entry) throw mnv3::Error("no compiled layer " + sig + " (bench_insns --list shows them)");
    const mnv3::LayerSpec spec = find_spec(sig);
    const halide_filter_metadata_t *md = entry->metadata();

    // The output's shape is the layer's; every input's comes from a Halide bounds query
    // (inputs without storage: the pipeline fills in the region it reads and returns).
    std::vector<OwnedBuffer> bufs(size_t(md->num_arguments));
    std::vector<void *> args;
    for (int a = 0; a < md->num_arguments; a++) {
        const halide_filter_argument_t &arg = md->arguments[a];
        if (arg.kind == halide_argument_kind_input_scalar)
            throw mnv3::Error(sig + ": scalar argument " + arg.name + " is not supported");
        OwnedBuffer &b = bufs[size_t(a)];
        b.dims.assign(size_t(arg.dimensions), halide_dimension_t{});
        if (arg.kind == halide_argument_kind_output_buffer) {
            std::vector<int> shape;
            for (const mnv3::Port &o : spec.outputs())
                if (o.arg == arg.name) shape = o.shape.dims();
            if (shape.size() != b.dims.size()) throw mnv3::Error(sig + ": unexpected output rank");
            int stride = 1;
            for (size_t d = 0; d < shape.size(); d++) {
                b.dims[d].extent = shape[d];
                b.dims[d].stride = stride;
                stride *= shape[d];
            }
        }
        b.buf.type = arg.type;
        b.buf.dimensions = arg.dimensions;
        b.buf.dim = b.dims.data();
        args.push_back(&b.buf);
    }
    if (int rc = entry->argv_fn(args.data())) throw mnv3::Error(sig + ": bounds query failed (" + std::to_string(rc) + ")");
    uint32_t seed = 7;
    for (OwnedBuffer &b : bufs) {
        // The query returns dense, positive strides, or nothing for a buffer the layer does
        // not read (the unused "ranges" of a layer without clamps): one element then.
        bool unread = false;
        for (const halide_dimension_t &d : b.dims) unread = unread || d.extent < 1;
        if (unread) {
            for (halide_dimension_t &d : b.dims) d = halide_dimension_t{0, 1, 1, 0};
        }
        size_t elems = 1;
        for (const halide_dimension_t &d : b.dims) {
            if (d.stride < 0) throw mnv3::Error(sig + ": negative stride from the bounds query");
            elems += size_t(d.extent - 1) * size_t(d.stride);
        }
        const size_t bytes = elems * ((b.buf.type.bits + 7) / 8);
        b.storage.assign(bytes, 0);
        if (b.buf.type.code == halide_type_float && b.buf.type.bits == 32) {
            std::vector<float> v = seeded(elems, seed++);
            std::memcpy(b.storage.data(), v.data(), bytes);
        }
        // Host points at the first element of the region (min is folded in by Halide).
        b.buf.host = b.storage.data();
    }

    mnv3::Network::LayerHook hook = [&c](size_t i, bool before) { c.mark(before ? kLayerBegin : kLayerEnd, i, 0); };
    const uint64_t overhead = calibrate(c, hook);
    auto call = [&] {
        if (int rc = entry->argv_fn(args.data())) throw mnv3::Error(sig + ": failed (Halide error " + std::to_string(rc) + ")");
    };
    for (int w = 0; w < warmup; w++) call();
    c.begin_session();
    for (int r = 0; r < runs; r++) {
        hook(0, true);
        call();
        hook(0, false);
    }
    auto marks = c.read();
    Measure m;
    int seen = 0;
    for (size_t i = 0; i + 1 < marks.size(); i++)
        if (marks[i].tag == kLayerBegin && marks[i + 1].tag == kLayerEnd) {
            uint64_t v = marks[i + 1].insns - marks[i].insns;
            m.add(v > overhead ? v - overhead : 0, seen++ == 0);
        }
    std::printf("layer=%s macs=%" PRId64 " insns=%s insns_per_mac=%s runs=%d identical=%s\n", sig.c_str(), spec.macs(),
                fmt_count(c, m.insns).c_str(), fmt_ratio(c, m.insns, spec.macs()).c_str(), runs,
                !c.active() ? "-" : m.identical ? "yes" : "no");
    if (c.active() && !m.identical) throw mnv3::Error(sig + ": instruction counts differ between runs");
}

Options parse(int argc, char **argv) {
    Options o;
    for (int i = 1; i < argc; i++) {
        std::string a = argv[i];
        auto val = [&]() -> std::string {
            if (i + 1 >= argc) throw mnv3::Error(a + " needs a value");
            return argv[++i];
        };
        if (a == "--log") o.log = val();
        else if (a == "--runs") o.runs = std::stoi(val());
        else if (a == "--warmup") o.warmup = std::stoi(val());
        else if (a == "--layer") o.layers.push_back(val());
        else if (a == "--list") o.list = true;
        else if (!a.empty() && a[0] == '-') throw mnv3::Error("unknown option " + a);
        else o.models.push_back(a);
    }
    if (o.runs < 1 || o.warmup < 1) throw mnv3::Error("--runs and --warmup must be at least 1");
    if (!o.list && o.models.empty() && o.layers.empty())
        throw mnv3::Error("usage: bench_insns --log FILE [--runs N] [--warmup W] (MODEL... | --layer SIGNATURE...) | --list");
    return o;
}

}  // namespace

int main(int argc, char **argv) {
    try {
        const Options o = parse(argc, argv);
        if (o.list) {
            for (const mnv3::LayerEntry &e : mnv3::find_layer_table("")->layers()) std::printf("%s\n", e.signature);
            return 0;
        }
        mnv3::Network::set_threads(1);
        Counter c(o.log);
        std::vector<Summary> summary;
        for (const std::string &m : o.models) bench_model(c, m, o.runs, o.warmup, summary);
        if (!summary.empty()) print_summary(c, summary);
        for (const std::string &l : o.layers) bench_layer(c, l, o.runs, o.warmup);
        return 0;
    } catch (const std::exception &e) {
        std::fprintf(stderr, "bench_insns: %s\n", e.what());
        return 1;
    }
}

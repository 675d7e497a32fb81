#include "mnv3/network.h"

#include "mnv3/error.h"
#include "pack.h"
#include "registry.h"

#include "HalideBuffer.h"
#include "HalideRuntime.h"

#include <algorithm>
#include <chrono>
#include <cstring>
#include <map>
#include <mutex>

namespace mnv3 {

namespace {

// Halide reports errors through a process-wide handler; the default one prints and, in
// some runtimes, aborts. Ours keeps the last message so that run() can throw it.
// It may be called from a worker thread, hence the lock.
std::mutex g_error_mutex;
std::string g_last_halide_error;
void record_error(void *, const char *msg) {
    std::lock_guard<std::mutex> lock(g_error_mutex);
    g_last_halide_error = msg ? msg : "unknown error";
    while (!g_last_halide_error.empty() && g_last_halide_error.back() == '\n') g_last_halide_error.pop_back();
}
void install_error_handler() {
    static std::once_flag once;
    std::call_once(once, [] { halide_set_error_handler(record_error); });
}

std::map<std::string, LayerTable> &tables() {
    static std::map<std::string, LayerTable> t;
    return t;
}

const LayerEntry *find_layer(const LayerTable &table, const std::string &sig) {
    for (const LayerEntry &e : table.layers())
        if (sig == e.signature) return &e;
    return nullptr;
}

}  // namespace

bool register_layer_table(const std::string &variant, LayerTable table) {
    tables()[variant] = table;
    return true;
}

const LayerTable *find_layer_table(const std::string &variant) {
    if (variant.empty()) {
        static const LayerTable own = default_layer_table();
        return &own;
    }
    auto it = tables().find(variant);
    return it == tables().end() ? nullptr : &it->second;
}

struct Network::Impl {
    ModelConfig config;
    std::vector<LayerSpec> layers;
    std::vector<PackedLayer> packed;                   // owns the weight data
    std::vector<float> input, ping, pong, logits;      // the activation plan
    std::vector<std::vector<Halide::Runtime::Buffer<float>>> buffers;  // views, per layer
    std::vector<std::vector<void *>> argv;             // per layer, in metadata order
    std::vector<const LayerEntry *> fns;
    std::vector<size_t> output_arg;                    // per layer: position of "output" in argv

    void call(size_t i) {
        int rc = fns[i]->argv_fn(argv[i].data());
        if (rc != 0) {
            std::lock_guard<std::mutex> lock(g_error_mutex);
            throw Error("layer " + layers[i].signature() + " failed (Halide error " + std::to_string(rc) +
                        "): " + g_last_halide_error);
        }
    }
    void check_input(const float *nhwc, size_t count) {
        if (!nhwc) throw Error("input is null");
        if (count != input.size())
            throw Error("input has " + std::to_string(count) + " floats, the model takes " +
                        std::to_string(config.resolution) + "x" + std::to_string(config.resolution) + "x3 = " +
                        std::to_string(input.size()));
        std::memcpy(input.data(), nhwc, count * sizeof(float));
    }
};

Network::Network(const Weights &weights, const std::string &variant) : impl_(new Impl) {
    install_error_handler();
    Impl &m = *impl_;
    m.config = weights.config;
    try {
        m.layers = build_layers(m.config);
    } catch (const std::exception &e) {
        throw Error(std::string("unsupported model: ") + e.what());
    }
    const LayerTable *table = find_layer_table(variant);
    if (!table) throw Error("no compiled layers for schedule variant '" + variant + "' in this program");
    for (const LayerSpec &l : m.layers) {
        const LayerEntry *e = find_layer(*table, l.signature());
        if (!e)
            throw Error("model " + m.config.name() + " is not compiled into this build (layer " + l.signature() +
                        " missing); add it to models.conf and rebuild");
        m.fns.push_back(e);
    }
    m.packed = pack_torchvision(m.layers, weights);

    // Activation plan: the image, then two ping-pong buffers big enough for every layer
    // boundary, then the logits. Allocated here, never during run().
    size_t biggest = 0;
    for (const LayerSpec &l : m.layers)
        if (l.kind != LayerKind::Last) biggest = std::max(biggest, size_t(l.out_c) * l.out_height() * l.out_width());
    m.input.resize(size_t(3) * m.config.resolution * m.config.resolution);
    m.ping.resize(biggest);
    m.pong.resize(biggest);
    m.logits.resize(m.config.classes);

    float *src = nullptr;
    for (size_t i = 0; i < m.layers.size(); i++) {
        const LayerSpec &l = m.layers[i];
        float *dst = (i % 2 == 0) ? m.ping.data() : m.pong.data();
        std::vector<Halide::Runtime::Buffer<float>> bufs;
        auto view = [](float *p, std::vector<int> dims) { return Halide::Runtime::Buffer<float>(p, dims); };
        std::map<std::string, size_t> index;
        for (auto &[name, arg] : m.packed[i]) {
            index[name] = bufs.size();
            bufs.push_back(view(arg.data.data(), arg.dims));
        }
        const int out_px = l.out_height() * l.out_width();
        if (l.kind == LayerKind::Stem) {
            index["input"] = bufs.size();
            bufs.push_back(view(m.input.data(), {3, l.width, l.height}));
        } else {
            index["input"] = bufs.size();
            bufs.push_back(view(src, {l.in_c, l.height * l.width}));
        }
        index["output"] = bufs.size();
        if (l.kind == LayerKind::Last) bufs.push_back(view(m.logits.data(), {l.classes}));
        else bufs.push_back(view(dst, {l.out_c, out_px}));
        src = dst;

        // Bind arguments by the names the generator declared, in its metadata order.
        const halide_filter_metadata_t *md = m.fns[i]->metadata();
        std::vector<void *> args;
        for (int a = 0; a < md->num_arguments; a++) {
            if (std::string(md->arguments[a].name) == "output") m.output_arg.push_back(size_t(a));
            auto it = index.find(md->arguments[a].name);
            if (it == index.end() || md->arguments[a].kind == halide_argument_kind_input_scalar)
                throw Error(std::string("layer ") + l.signature() + ": no value for argument " + md->arguments[a].name);
            args.push_back(bufs[it->second].raw_buffer());
        }
        m.buffers.push_back(std::move(bufs));
        m.argv.push_back(std::move(args));
    }
    // The raw_buffer() pointers in argv stay valid: moving a vector moves its storage, not
    // the Buffer objects in it.
}

Network::~Network() = default;

std::unique_ptr<Network> Network::load(const std::string &path, const std::string &variant) {
    return std::make_unique<Network>(read_weights(path), variant);
}

const ModelConfig &Network::config() const { return impl_->config; }
const std::vector<LayerSpec> &Network::layers() const { return impl_->layers; }
int Network::input_height() const { return impl_->config.resolution; }
int Network::input_width() const { return impl_->config.resolution; }
int Network::num_classes() const { return impl_->config.classes; }

const float *Network::run(const float *nhwc, size_t count) {
    impl_->check_input(nhwc, count);
    for (size_t i = 0; i < impl_->layers.size(); i++) impl_->call(i);
    return impl_->logits.data();
}

const float *Network::run_timed(const float *nhwc, size_t count, std::vector<double> &layer_seconds) {
    impl_->check_input(nhwc, count);
    layer_seconds.resize(impl_->layers.size(), 0.0);
    for (size_t i = 0; i < impl_->layers.size(); i++) {
        auto t0 = std::chrono::steady_clock::now();
        impl_->call(i);
        layer_seconds[i] += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    }
    return impl_->logits.data();
}

const float *Network::run_hooked(const float *nhwc, size_t count, const LayerHook &hook) {
    impl_->check_input(nhwc, count);
    for (size_t i = 0; i < impl_->layers.size(); i++) {
        if (hook) hook(i, true);
        impl_->call(i);
        if (hook) hook(i, false);
    }
    return impl_->logits.data();
}

const float *Network::layer_output(size_t i) const {
    if (i >= impl_->layers.size()) throw Error("layer index " + std::to_string(i) + " out of range");
    // The output buffer is the last argument bound by name "output": find it by position.
    const halide_buffer_t *b = static_cast<const halide_buffer_t *>(impl_->argv[i][impl_->output_arg[i]]);
    return reinterpret_cast<const float *>(b->host);
}

void Network::set_threads(int n) {
    if (n < 1 || n > 256) throw Error("thread count must be in [1, 256], got " + std::to_string(n));
    halide_set_num_threads(n);
}

std::vector<std::string> Network::compiled_models() {
    const LayerTable *t = find_layer_table("");
    return t ? t->models() : std::vector<std::string>{};
}

}  // namespace mnv3

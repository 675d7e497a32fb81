#include "mnv3/network.h"

#include "arena.h"
#include "halide_errors.h"
#include "mnv3/error.h"
#include "registry.h"

#include "HalideBuffer.h"
#include "HalideRuntime.h"

#include <chrono>
#include <cmath>
#include <cstring>
#include <map>

namespace mnv3 {

namespace {

halide_type_t halide_type(DType t) {
    switch (t) {
    case DType::U8: return halide_type_t(halide_type_uint, 8);
    case DType::I8: return halide_type_t(halide_type_int, 8);
    default: return halide_type_t(halide_type_float, 32);
    }
}

std::string type_string(const halide_type_t &t) {
    const char *c = t.code == halide_type_float ? "float" : t.code == halide_type_uint ? "uint" : "int";
    return c + std::to_string(t.bits);
}

}  // namespace

struct Network::Impl {
    ModelConfig config;
    Graph graph;
    std::vector<LayerSpec> layers;                   // graph.nodes[i].layer
    std::vector<PackedLayer> packed;                 // owns the weight data
    ArenaPlan plan;
    std::unique_ptr<unsigned char[]> arena_storage;  // every graph tensor
    unsigned char *arena = nullptr;                  // aligned start
    std::vector<std::vector<Halide::Runtime::Buffer<void>>> buffers;  // views, per layer
    std::vector<std::vector<void *>> argv;           // per layer, in metadata order
    std::vector<const LayerEntry *> fns;

    void *tensor_data(int t) { return arena + plan.offset[size_t(t)]; }
    const void *tensor_data(int t) const { return arena + plan.offset[size_t(t)]; }

    void call(size_t i) {
        int rc = fns[i]->argv_fn(argv[i].data());
        if (rc != 0)
            throw Error("layer " + layers[i].signature() + " failed (Halide error " + std::to_string(rc) +
                        "): " + last_halide_error());
    }
    void check_input(const float *nhwc, size_t count) {
        if (!nhwc) throw Error("input is null");
        const int in = graph.inputs.at(0);
        const TensorShape &s = graph.tensors[in].shape;
        if (count != s.elements())
            throw Error("input has " + std::to_string(count) + " floats, the model takes " + std::to_string(s.h) + "x" +
                        std::to_string(s.w) + "x" + std::to_string(s.c) + " = " + std::to_string(s.elements()));
        // NaN or Inf in the input would come out as finite-looking logits (max, clamps and
        // the pooling hide them): refuse it, checked in the same pass as the copy.
        float *dst = static_cast<float *>(tensor_data(in));
        for (size_t i = 0; i < count; i++) {
            if (!std::isfinite(nhwc[i]))
                throw Error("input element " + std::to_string(i) + " is " + std::to_string(nhwc[i]) +
                            " (the input must be finite)");
            dst[i] = nhwc[i];
        }
    }
    const float *first_output() const { return static_cast<const float *>(tensor_data(graph.outputs.at(0))); }
    int output_tensor(const std::string &name) const {
        for (int t : graph.outputs)
            if (graph.tensors[t].name == name) return t;
        throw Error("no model output named '" + name + "'");
    }

    void bind(const WeightSource &source, const LayerTable &table);
};

// Packs every node's weights, finds its compiled function, and binds its arguments by the
// names the generator declared, in its metadata order, checking each buffer's type.
void Network::Impl::bind(const WeightSource &source, const LayerTable &table) {
    for (const Node &n : graph.nodes) {
        const LayerSpec &l = n.layer;
        const LayerEntry *e = find_layer(table, l.signature());
        if (!e)
            throw Error("model " + config.name() + " is not compiled into this build (layer " + l.signature() +
                        " missing); add it to model/models.conf and rebuild");
        fns.push_back(e);
        PackedLayer p = l.kind->pack(l.params, source, n.name);
        if (!n.ranges.empty()) {
            const int pairs = l.clamp_slots();
            const Tensor &r = source.get(n.ranges, {2 * pairs});
            for (int k = 0; k < pairs; k++)
                if (!(r.data[2 * k] <= r.data[2 * k + 1]))
                    throw Error("weights for " + config.name() + ": " + n.ranges + " pair " + std::to_string(k) +
                                " has lo > hi");
            PackedArg a = PackedArg::f32({2 * pairs});
            std::memcpy(a.f32_data(), r.data.data(), r.data.size() * sizeof(float));
            p[arg::ranges] = std::move(a);
        } else {
            p[arg::ranges] = placeholder(1);
        }
        packed.push_back(std::move(p));
    }
    for (size_t i = 0; i < graph.nodes.size(); i++) {
        const Node &n = graph.nodes[i];
        std::vector<Halide::Runtime::Buffer<void>> bufs;
        std::map<std::string, size_t> index;
        for (auto &[name, a] : packed[i]) {
            index[name] = bufs.size();
            bufs.emplace_back(halide_type(a.dtype), a.bytes.data(), a.dims);
        }
        auto bind_ports = [&](const std::vector<Port> &ports, const std::vector<int> &tensors) {
            for (size_t k = 0; k < ports.size(); k++) {
                const TensorShape &s = graph.tensors[tensors[k]].shape;
                index[ports[k].arg] = bufs.size();
                bufs.emplace_back(halide_type(s.dtype), tensor_data(tensors[k]), s.dims());
            }
        };
        bind_ports(n.layer.inputs(), n.inputs);
        bind_ports(n.layer.outputs(), n.outputs);

        const halide_filter_metadata_t *md = fns[i]->metadata();
        std::vector<void *> args;
        for (int a = 0; a < md->num_arguments; a++) {
            const halide_filter_argument_t &arg = md->arguments[a];
            auto it = index.find(arg.name);
            if (it == index.end() || arg.kind == halide_argument_kind_input_scalar)
                throw Error("layer " + n.layer.signature() + ": no value for argument " + arg.name);
            halide_buffer_t *b = bufs[it->second].raw_buffer();
            if (!(b->type == arg.type))
                throw Error("layer " + n.layer.signature() + ": argument " + arg.name + " is " + type_string(arg.type) +
                            ", the runtime holds " + type_string(b->type));
            args.push_back(b);
        }
        buffers.push_back(std::move(bufs));
        argv.push_back(std::move(args));
    }
    // The raw_buffer() pointers in argv stay valid: moving a vector moves its storage, not
    // the Buffer objects in it.
}

namespace {
Graph zoo_graph(const ModelConfig &c) {
    try {
        return build_graph(c);
    } catch (const std::exception &e) {
        throw Error(std::string("unsupported model: ") + e.what());
    }
}
}  // namespace

Network::Network(const Weights &weights, const std::string &variant)
    : Network(zoo_graph(weights.config), weights, variant) {}

Network::Network(const Graph &graph, const Weights &weights, const std::string &variant) : impl_(new Impl) {
    install_halide_error_handler();
    Impl &m = *impl_;
    m.config = weights.config;
    m.graph = graph;
    try {
        m.graph.check();
    } catch (const std::exception &e) {
        throw Error(std::string("unsupported model: ") + e.what());
    }
    for (const Node &n : m.graph.nodes) m.layers.push_back(n.layer);
    const LayerTable *table = find_layer_table(variant);
    if (!table) throw Error("no compiled layers for schedule variant '" + variant + "' in this program");

    // One arena for every tensor, allocated here, never during run().
    m.plan = plan_arena(m.graph);
    m.arena_storage.reset(new unsigned char[m.plan.bytes + ArenaPlan::kAlign]());
    const uintptr_t base = reinterpret_cast<uintptr_t>(m.arena_storage.get());
    m.arena = m.arena_storage.get() + (ArenaPlan::kAlign - base % ArenaPlan::kAlign) % ArenaPlan::kAlign;

    m.bind(WeightSource(weights.tensors, weights.bn_eps, weights.config.name()), *table);
}

Network::~Network() = default;

std::unique_ptr<Network> Network::load(const std::string &path, const std::string &variant) {
    return std::make_unique<Network>(read_weights(path), variant);
}

const ModelConfig &Network::config() const { return impl_->config; }
const Graph &Network::graph() const { return impl_->graph; }
const std::vector<LayerSpec> &Network::layers() const { return impl_->layers; }
int Network::input_height() const { return impl_->graph.tensors[impl_->graph.inputs.at(0)].shape.h; }
int Network::input_width() const { return impl_->graph.tensors[impl_->graph.inputs.at(0)].shape.w; }
int Network::num_classes() const { return int(impl_->graph.tensors[impl_->graph.outputs.at(0)].shape.elements()); }
size_t Network::arena_bytes() const { return impl_->plan.bytes; }

const float *Network::run(const float *nhwc, size_t count) {
    impl_->check_input(nhwc, count);
    for (size_t i = 0; i < impl_->layers.size(); i++) impl_->call(i);
    return impl_->first_output();
}

const float *Network::run_timed(const float *nhwc, size_t count, std::vector<double> &layer_seconds) {
    impl_->check_input(nhwc, count);
    layer_seconds.resize(impl_->layers.size(), 0.0);
    for (size_t i = 0; i < impl_->layers.size(); i++) {
        auto t0 = std::chrono::steady_clock::now();
        impl_->call(i);
        layer_seconds[i] += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    }
    return impl_->first_output();
}

const float *Network::run_hooked(const float *nhwc, size_t count, const LayerHook &hook) {
    impl_->check_input(nhwc, count);
    for (size_t i = 0; i < impl_->layers.size(); i++) {
        if (hook) hook(i, true);
        impl_->call(i);
        if (hook) hook(i, false);
    }
    return impl_->first_output();
}

const float *Network::layer_output(size_t i) const {
    if (i >= impl_->layers.size()) throw Error("layer index " + std::to_string(i) + " out of range");
    return static_cast<const float *>(impl_->tensor_data(impl_->graph.nodes[i].outputs.at(0)));
}

std::vector<std::string> Network::output_names() const {
    std::vector<std::string> r;
    for (int t : impl_->graph.outputs) r.push_back(impl_->graph.tensors[t].name);
    return r;
}

const float *Network::output(const std::string &name) const {
    return static_cast<const float *>(impl_->tensor_data(impl_->output_tensor(name)));
}

size_t Network::output_size(const std::string &name) const {
    return impl_->graph.tensors[impl_->output_tensor(name)].shape.elements();
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

// MobileNetV3 (torchvision's Large or Small, any width) built from XNNPACK subgraph operators
// on the weights of a .mnv3w file: the engine TFLite runs float models on (its XNNPACK
// delegate builds the same kind of subgraph), as a peer for bench_latency. Independent of
// this project's runtime: its own weight reader, its own batch-norm folding, the network
// shapes read off the tensors and torchvision's stride/activation table.
//
//   xnnpack_mnv3 --model M.mnv3w --input IN.bin --threads N [--warmup W] [--runs R]
//                [--logits-out FILE] [--check REF.logits.bin [--tolerance T]] [--serve]
//
// IN.bin: float32 NHWC (1,R,R,3) as tools/export_torch.py writes it (XNNPACK's own layout:
// no transpose). Prints one JSON line like bench/ort/run_ort.js:
//   {"engine":"xnnpack","version":...,"threads":N,"times_ms":[...],"median_ms":...,"peak_rss_kb":...}
// --check compares the logits with a reference (max |diff| / max |ref|, default tolerance 1e-4)
// and fails when they disagree. --serve: after loading, warming up and writing the logits,
// prints {"ready":true,...} and then answers stdin lines "run W R" (W untimed + R timed runs)
// with {"times_ms":[...]} and "quit" with {"peak_rss_kb":...} (bench_latency's protocol, so
// rounds of every engine can be interleaved without reloading).
//
// Mapping (NHWC fp32, batch 1): conv+BN -> convolution_2d with BN folded into weights and
// bias, ReLU fused as output clamp, h-swish as a hardswish node; depthwise -> the
// depthwise_convolution_2d node; squeeze-excite -> global_average_pooling_2d, 1x1
// convolution (ReLU), 1x1 convolution whose weights and bias are pre-scaled so that
// h-sigmoid(x) = clamp(x/6 + 1/2, 0, 1) is its output clamp, multiply2 with broadcasting;
// residual -> add2; classifier -> fully_connected, hardswish, fully_connected (dropout is
// the identity in eval). Padding: symmetric (k-1)/2 as torchvision, or TF SAME when the
// file says "same".
#include <xnnpack.h>
#include <pthreadpool.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <fstream>
#include <iostream>
#include <limits>
#include <map>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#ifndef MNV3_XNNPACK_VERSION
#define MNV3_XNNPACK_VERSION "unknown"
#endif

namespace {

struct Error : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// ---- .mnv3w reader (docs/weights-format.md) ----

struct Tensor {
    std::vector<int> shape;
    std::vector<float> data;
};

struct WeightFile {
    std::string arch, width, padding;
    int resolution = 0, classes = 0;
    bool ranges = false;
    double bn_eps = 1e-3;
    std::map<std::string, Tensor> tensors;
    const Tensor *find(const std::string &name) const {
        auto it = tensors.find(name);
        return it == tensors.end() ? nullptr : &it->second;
    }
    const Tensor &at(const std::string &name) const {
        const Tensor *t = find(name);
        if (!t) throw Error("weight file has no tensor " + name);
        return *t;
    }
};

std::vector<std::string> split(const std::string &s, char sep) {
    std::vector<std::string> out;
    std::stringstream ss(s);
    std::string item;
    while (std::getline(ss, item, sep)) out.push_back(item);
    return out;
}

WeightFile read_mnv3w(const std::string &path) {
    std::ifstream f(path, std::ios::binary);
    if (!f) throw Error("cannot read " + path);
    std::string blob((std::istreambuf_iterator<char>(f)), {});
    if (blob.compare(0, 8, "MNV3WTS2") != 0) throw Error(path + ": not a version-2 .mnv3w file");
    size_t end = blob.find("\nend\n", 8);
    if (end == std::string::npos || end > (1u << 20)) throw Error(path + ": no header end");
    size_t header_end = end + 5, data_start = (header_end + 63) / 64 * 64;
    WeightFile w;
    uint64_t data_bytes = 0, checksum = 0;
    struct Spec { std::vector<int> shape; uint64_t off, nbytes; };
    std::map<std::string, Spec> specs;
    for (const std::string &line : split(blob.substr(8, header_end - 8 - 1), '\n')) {
        std::vector<std::string> t = split(line, ' ');
        if (t.empty()) continue;
        if (t[0] == "model" && t.size() >= 6) {
            w.arch = t[1], w.width = t[2], w.resolution = std::stoi(t[3]), w.padding = t[4];
            w.classes = std::stoi(t[5]);
            w.ranges = t.size() == 7 && t[6] == "ranges";
        } else if (t[0] == "bn_eps" && t.size() == 2) {
            w.bn_eps = std::stod(t[1]);
        } else if (t[0] == "tensor" && t.size() == 5) {
            Spec s;
            for (const std::string &d : split(t[2], ',')) s.shape.push_back(std::stoi(d));
            s.off = std::stoull(t[3]);
            s.nbytes = std::stoull(t[4]);
            specs[t[1]] = s;
        } else if (t[0] == "data_bytes" && t.size() == 2) {
            data_bytes = std::stoull(t[1]);
        } else if (t[0] == "checksum" && t.size() == 3) {
            checksum = std::stoull(t[2], nullptr, 16);
        }
    }
    if (blob.size() != data_start + data_bytes) throw Error(path + ": size does not match its header");
    // Version 2: FNV-1a 64 of the whole file with the checksum's 16 hex digits read as '0'.
    const size_t sum_at = blob.find("\nchecksum fnv1a64 ");
    if (sum_at == std::string::npos || sum_at > header_end) throw Error(path + ": no checksum line");
    const size_t hex_at = sum_at + std::string("\nchecksum fnv1a64 ").size();
    uint64_t h = 0xCBF29CE484222325ull;
    for (size_t i = 0; i < blob.size(); i++) {
        const uint8_t c = i >= hex_at && i < hex_at + 16 ? uint8_t('0') : uint8_t(blob[i]);
        h = (h ^ c) * 0x100000001B3ull;
    }
    if (h != checksum) throw Error(path + ": checksum mismatch");
    for (auto &kv : specs) {
        const Spec &s = kv.second;
        uint64_t n = 1;
        for (int d : s.shape) n *= uint64_t(d);
        if (s.nbytes != 4 * n || s.off + s.nbytes > data_bytes) throw Error(path + ": bad tensor " + kv.first);
        Tensor t{s.shape, std::vector<float>(n)};
        std::memcpy(t.data.data(), blob.data() + data_start + s.off, s.nbytes);
        w.tensors[kv.first] = std::move(t);
    }
    return w;
}

std::vector<float> read_floats(const std::string &path) {
    std::ifstream f(path, std::ios::binary);
    if (!f) throw Error("cannot read " + path);
    std::string bytes((std::istreambuf_iterator<char>(f)), {});
    std::vector<float> v(bytes.size() / 4);
    std::memcpy(v.data(), bytes.data(), v.size() * 4);
    return v;
}

// ---- the network as XNNPACK subgraph nodes ----

enum class Act { None, ReLU, HSwish };

struct Value {
    uint32_t id;
    int h, w, c;
};

void check(xnn_status s, const char *what) {
    if (s != xnn_status_success) throw Error(std::string(what) + " failed (xnn_status " + std::to_string(int(s)) + ")");
}

class Builder {
public:
    Builder(const WeightFile &wf, xnn_subgraph_t sg) : wf_(wf), sg_(sg) {}

    uint32_t tensor(const std::vector<size_t> &dims, const float *data = nullptr,
                    uint32_t external = XNN_INVALID_VALUE_ID, uint32_t flags = 0) {
        uint32_t id;
        check(xnn_define_tensor_value(sg_, xnn_datatype_fp32, dims.size(), dims.data(), data, external, flags, &id),
              "xnn_define_tensor_value");
        return id;
    }
    // Static data lives as long as the Builder (and so the runtime).
    const float *keep(std::vector<float> v) {
        store_.push_back(std::move(v));
        return store_.back().data();
    }

    // Folds `bn` (PREFIX.1.*) into a conv weight [co][...] (PREFIX.0.weight), or takes the
    // conv's own bias when the file has already folded it. Returns {weight, bias}.
    std::pair<std::vector<float>, std::vector<float>> folded(const std::string &prefix) const {
        const Tensor &w = wf_.at(prefix + ".0.weight");
        const int co = w.shape[0];
        const size_t per = w.data.size() / co;
        std::vector<float> wt = w.data, bias(co, 0.0f);
        if (const Tensor *b = wf_.find(prefix + ".0.bias")) {
            bias = b->data;
        } else {
            const Tensor &g = wf_.at(prefix + ".1.weight"), &be = wf_.at(prefix + ".1.bias"),
                         &mu = wf_.at(prefix + ".1.running_mean"), &var = wf_.at(prefix + ".1.running_var");
            for (int o = 0; o < co; o++) {
                double s = double(g.data[o]) / std::sqrt(double(var.data[o]) + wf_.bn_eps);
                for (size_t i = 0; i < per; i++) wt[o * per + i] = float(wt[o * per + i] * s);
                bias[o] = float(double(be.data[o]) - double(mu.data[o]) * s);
            }
        }
        return {wt, bias};
    }

    void pads(int in, int k, int s, uint32_t &before, uint32_t &after) const {
        if (wf_.padding == "same") {
            int out = (in + s - 1) / s, total = std::max((out - 1) * s + k - in, 0);
            before = total / 2, after = total - total / 2;
        } else {
            before = after = (k - 1) / 2;
        }
    }

    Value activation(Value v, Act act) {
        if (act != Act::HSwish) return v;
        Value o{tensor({1, size_t(v.h), size_t(v.w), size_t(v.c)}), v.h, v.w, v.c};
        check(xnn_define_hardswish(sg_, v.id, o.id, 0), "xnn_define_hardswish");
        return o;
    }

    // Dense k x k convolution + BN + activation. Weight [co][ci][k][k] -> OHWI.
    Value conv(Value in, const std::string &prefix, int stride, Act act) {
        auto [w, b] = folded(prefix);
        const std::vector<int> &shape = wf_.at(prefix + ".0.weight").shape;
        const int co = shape[0], ci = shape[1], k = shape[2];
        if (ci != in.c) throw Error(prefix + ": input channels do not match");
        std::vector<float> ohwi(w.size());
        for (int o = 0; o < co; o++)
            for (int i = 0; i < ci; i++)
                for (int y = 0; y < k; y++)
                    for (int x = 0; x < k; x++) ohwi[((o * k + y) * k + x) * ci + i] = w[((o * ci + i) * k + y) * k + x];
        uint32_t pt, pb, pl, pr;
        pads(in.h, k, stride, pt, pb);
        pads(in.w, k, stride, pl, pr);
        const int oh = (in.h + pt + pb - k) / stride + 1, ow = (in.w + pl + pr - k) / stride + 1;
        uint32_t wid = tensor({size_t(co), size_t(k), size_t(k), size_t(ci)}, keep(std::move(ohwi)));
        uint32_t bid = tensor({size_t(co)}, keep(std::move(b)));
        Value out{tensor({1, size_t(oh), size_t(ow), size_t(co)}), oh, ow, co};
        const float lo = act == Act::ReLU ? 0.0f : -std::numeric_limits<float>::infinity();
        check(xnn_define_convolution_2d(sg_, pt, pr, pb, pl, k, k, stride, stride, 1, 1, 1, ci, co, lo,
                                        std::numeric_limits<float>::infinity(), in.id, wid, bid, out.id, 0),
              "xnn_define_convolution_2d");
        return activation(out, act);
    }

    // Depthwise k x k + BN + activation. Weight [c][1][k][k] -> [1][k][k][c].
    Value depthwise(Value in, const std::string &prefix, int stride, Act act) {
        auto [w, b] = folded(prefix);
        const std::vector<int> &shape = wf_.at(prefix + ".0.weight").shape;
        const int c = shape[0], k = shape[2];
        if (c != in.c || shape[1] != 1) throw Error(prefix + ": not a depthwise weight of the input's width");
        std::vector<float> hwc(w.size());
        for (int ch = 0; ch < c; ch++)
            for (int y = 0; y < k; y++)
                for (int x = 0; x < k; x++) hwc[(y * k + x) * c + ch] = w[(ch * k + y) * k + x];
        uint32_t pt, pb, pl, pr;
        pads(in.h, k, stride, pt, pb);
        pads(in.w, k, stride, pl, pr);
        const int oh = (in.h + pt + pb - k) / stride + 1, ow = (in.w + pl + pr - k) / stride + 1;
        uint32_t wid = tensor({1, size_t(k), size_t(k), size_t(c)}, keep(std::move(hwc)));
        uint32_t bid = tensor({size_t(c)}, keep(std::move(b)));
        Value out{tensor({1, size_t(oh), size_t(ow), size_t(c)}), oh, ow, c};
        const float lo = act == Act::ReLU ? 0.0f : -std::numeric_limits<float>::infinity();
        check(xnn_define_depthwise_convolution_2d(sg_, pt, pr, pb, pl, k, k, stride, stride, 1, 1, 1, c, lo,
                                                  std::numeric_limits<float>::infinity(), in.id, wid, bid, out.id, 0),
              "xnn_define_depthwise_convolution_2d");
        return activation(out, act);
    }

    Value global_pool(Value in) {
        Value out{tensor({1, 1, 1, size_t(in.c)}), 1, 1, in.c};
        const float inf = std::numeric_limits<float>::infinity();
        check(xnn_define_global_average_pooling_2d(sg_, -inf, inf, in.id, out.id, 0),
              "xnn_define_global_average_pooling_2d");
        return out;
    }

    // 1x1 convolution with its own bias (SE fc1/fc2), weights scaled by `scale`, bias by
    // `scale` plus `shift`, output clamped to [lo, hi].
    Value pointwise_biased(Value in, const std::string &name, float scale, float shift, float lo, float hi) {
        const Tensor &w = wf_.at(name + ".weight"), &b = wf_.at(name + ".bias");
        const int co = w.shape[0], ci = w.shape[1];
        if (ci != in.c) throw Error(name + ": input channels do not match");
        std::vector<float> wt(w.data), bias(b.data);
        for (float &v : wt) v *= scale;
        for (float &v : bias) v = v * scale + shift;
        uint32_t wid = tensor({size_t(co), 1, 1, size_t(ci)}, keep(std::move(wt)));
        uint32_t bid = tensor({size_t(co)}, keep(std::move(bias)));
        Value out{tensor({1, size_t(in.h), size_t(in.w), size_t(co)}), in.h, in.w, co};
        check(xnn_define_convolution_2d(sg_, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, ci, co, lo, hi, in.id, wid, bid, out.id, 0),
              "xnn_define_convolution_2d (SE)");
        return out;
    }

    Value squeeze_excite(Value in, const std::string &prefix) {
        const float inf = std::numeric_limits<float>::infinity();
        Value s = global_pool(in);
        s = pointwise_biased(s, prefix + ".fc1", 1.0f, 0.0f, 0.0f, inf);       // ReLU
        s = pointwise_biased(s, prefix + ".fc2", 1.0f / 6, 0.5f, 0.0f, 1.0f);  // h-sigmoid
        Value out{tensor({1, size_t(in.h), size_t(in.w), size_t(in.c)}), in.h, in.w, in.c};
        check(xnn_define_multiply2(sg_, -inf, inf, in.id, s.id, out.id, 0), "xnn_define_multiply2");
        return out;
    }

    Value add(Value a, Value b) {
        const float inf = std::numeric_limits<float>::infinity();
        Value out{tensor({1, size_t(a.h), size_t(a.w), size_t(a.c)}), a.h, a.w, a.c};
        check(xnn_define_add2(sg_, -inf, inf, a.id, b.id, out.id, 0), "xnn_define_add2");
        return out;
    }

    Value linear(Value in, const std::string &name, Act act, uint32_t external = XNN_INVALID_VALUE_ID) {
        const Tensor &w = wf_.at(name + ".weight"), &b = wf_.at(name + ".bias");
        const int co = w.shape[0], ci = w.shape[1];
        if (ci != in.c) throw Error(name + ": input features do not match");
        uint32_t wid = tensor({size_t(co), size_t(ci)}, w.data.data());  // [out][in], as PyTorch
        uint32_t bid = tensor({size_t(co)}, b.data.data());
        const bool ext = external != XNN_INVALID_VALUE_ID;
        Value out{tensor({1, 1, 1, size_t(co)}, nullptr, external, ext ? XNN_VALUE_FLAG_EXTERNAL_OUTPUT : 0), 1, 1, co};
        const float inf = std::numeric_limits<float>::infinity();
        check(xnn_define_fully_connected(sg_, -inf, inf, in.id, wid, bid, out.id, 0), "xnn_define_fully_connected");
        return activation(out, act);
    }

private:
    const WeightFile &wf_;
    xnn_subgraph_t sg_;
    std::deque<std::vector<float>> store_;
};

// torchvision mobilenet_v3_large / _small: per bneck, stride and activation (the rest, kernel,
// widths and squeeze-excite, is read off the tensors).
struct BlockConf { int stride; Act act; };
const std::vector<BlockConf> &block_table(const std::string &arch) {
    static const std::vector<BlockConf> large = {
        {1, Act::ReLU}, {2, Act::ReLU}, {1, Act::ReLU}, {2, Act::ReLU}, {1, Act::ReLU}, {1, Act::ReLU},
        {2, Act::HSwish}, {1, Act::HSwish}, {1, Act::HSwish}, {1, Act::HSwish}, {1, Act::HSwish},
        {1, Act::HSwish}, {2, Act::HSwish}, {1, Act::HSwish}, {1, Act::HSwish}};
    static const std::vector<BlockConf> small = {
        {2, Act::ReLU}, {2, Act::ReLU}, {1, Act::ReLU}, {2, Act::HSwish}, {1, Act::HSwish}, {1, Act::HSwish},
        {1, Act::HSwish}, {1, Act::HSwish}, {2, Act::HSwish}, {1, Act::HSwish}, {1, Act::HSwish}};
    if (arch == "large") return large;
    if (arch == "small") return small;
    throw Error("architecture " + arch + " is not supported here (large or small)");
}

struct Model {
    xnn_subgraph_t subgraph = nullptr;
    xnn_runtime_t runtime = nullptr;
    pthreadpool_t pool = nullptr;
    std::unique_ptr<Builder> builder;
    std::vector<float> input, logits;
    ~Model() {
        if (runtime) xnn_delete_runtime(runtime);
        if (subgraph) xnn_delete_subgraph(subgraph);
        if (pool) pthreadpool_destroy(pool);
    }
};

void build(Model &m, const WeightFile &wf, int threads) {
    if (wf.ranges) throw Error("quantization-range models are not supported here");
    const std::vector<BlockConf> &table = block_table(wf.arch);
    check(xnn_create_subgraph(2, 0, &m.subgraph), "xnn_create_subgraph");
    m.builder.reset(new Builder(wf, m.subgraph));
    Builder &b = *m.builder;
    const int r = wf.resolution;
    Value x{b.tensor({1, size_t(r), size_t(r), 3}, nullptr, 0, XNN_VALUE_FLAG_EXTERNAL_INPUT), r, r, 3};
    x = b.conv(x, "features.0", 2, Act::HSwish);
    size_t i = 1;
    for (; wf.find("features." + std::to_string(i) + ".block.0.0.weight"); i++) {
        if (i - 1 >= table.size()) break;
        const BlockConf &bc = table[i - 1];
        const std::string p = "features." + std::to_string(i) + ".block.";
        int j = 0;
        Value in = x;
        if (wf.at(p + "0.0.weight").shape[2] == 1) x = b.conv(x, p + std::to_string(j++), 1, bc.act);  // expand
        x = b.depthwise(x, p + std::to_string(j++), bc.stride, bc.act);
        if (wf.find(p + std::to_string(j) + ".fc1.weight")) x = b.squeeze_excite(x, p + std::to_string(j++));
        x = b.conv(x, p + std::to_string(j++), 1, Act::None);  // project
        if (bc.stride == 1 && in.c == x.c) x = b.add(x, in);
    }
    if (i - 1 != table.size()) throw Error("weight file has " + std::to_string(i - 1) + " bnecks, " + wf.arch +
                                           " has " + std::to_string(table.size()));
    x = b.conv(x, "features." + std::to_string(i), 1, Act::HSwish);
    x = b.global_pool(x);
    x = b.linear(x, "classifier.0", Act::HSwish);
    x = b.linear(x, "classifier.3", Act::None, 1);
    if (x.c != wf.classes) throw Error("classifier width does not match the header's class count");

    if (threads > 1) m.pool = pthreadpool_create(size_t(threads));  // 1 thread: the caller, no pool
    check(xnn_create_runtime_v2(m.subgraph, m.pool, 0, &m.runtime), "xnn_create_runtime_v2");
    m.input.assign(size_t(r) * r * 3 + XNN_EXTRA_BYTES / sizeof(float), 0.0f);
    m.logits.assign(size_t(wf.classes), 0.0f);
    const xnn_external_value ext[2] = {{0, m.input.data()}, {1, m.logits.data()}};
    check(xnn_setup_runtime(m.runtime, 2, ext), "xnn_setup_runtime");
}

long peak_rss_kb() {
    std::ifstream f("/proc/self/status");
    std::string line;
    while (std::getline(f, line))
        if (line.rfind("VmHWM:", 0) == 0) return std::atol(line.c_str() + 6);
    return -1;
}

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    size_t n = v.size();
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

std::vector<double> timed_runs(Model &m, int warmup, int runs) {
    for (int i = 0; i < warmup; i++) check(xnn_invoke_runtime(m.runtime), "xnn_invoke_runtime");
    std::vector<double> t;
    for (int i = 0; i < runs; i++) {
        auto t0 = std::chrono::steady_clock::now();
        check(xnn_invoke_runtime(m.runtime), "xnn_invoke_runtime");
        t.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
    }
    return t;
}

std::string times_json(const std::vector<double> &t) {
    std::string s = "[";
    char buf[32];
    for (size_t i = 0; i < t.size(); i++) {
        std::snprintf(buf, sizeof buf, "%s%.4f", i ? "," : "", t[i]);
        s += buf;
    }
    return s + "]";
}

}  // namespace

int main(int argc, char **argv) {
    std::string model, input, logits_out, ref;
    int threads = 1, warmup = 3, runs = 20;
    double tolerance = 1e-4;
    bool serve = false;
    try {
        for (int i = 1; i < argc; i++) {
            std::string a = argv[i];
            auto val = [&]() -> std::string {
                if (i + 1 >= argc) throw Error(a + " needs a value");
                return argv[++i];
            };
            if (a == "--model") model = val();
            else if (a == "--input") input = val();
            else if (a == "--threads") threads = std::stoi(val());
            else if (a == "--warmup") warmup = std::stoi(val());
            else if (a == "--runs") runs = std::stoi(val());
            else if (a == "--logits-out") logits_out = val();
            else if (a == "--check") ref = val();
            else if (a == "--tolerance") tolerance = std::stod(val());
            else if (a == "--serve") serve = true;
            else throw Error("unknown argument " + a);
        }
        if (model.empty() || input.empty()) throw Error("--model and --input are required");
        if (threads < 1 || runs < 1 || warmup < 0) throw Error("--threads and --runs must be at least 1");

        auto t0 = std::chrono::steady_clock::now();
        check(xnn_initialize(nullptr), "xnn_initialize");
        const WeightFile wf = read_mnv3w(model);
        Model m;
        build(m, wf, threads);
        const std::vector<float> x = read_floats(input);
        if (x.size() != size_t(wf.resolution) * wf.resolution * 3)
            throw Error(input + ": expected " + std::to_string(wf.resolution) + "x" + std::to_string(wf.resolution) +
                        "x3 floats");
        std::copy(x.begin(), x.end(), m.input.begin());
        check(xnn_invoke_runtime(m.runtime), "xnn_invoke_runtime");
        const double load_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();

        if (!logits_out.empty()) {
            std::ofstream f(logits_out, std::ios::binary);
            f.write(reinterpret_cast<const char *>(m.logits.data()), std::streamsize(m.logits.size() * 4));
            if (!f) throw Error("cannot write " + logits_out);
        }
        if (!ref.empty()) {
            const std::vector<float> r = read_floats(ref);
            if (r.size() != m.logits.size()) throw Error(ref + ": wrong number of logits");
            double mx = 0, d = 0;
            for (size_t i = 0; i < r.size(); i++) {
                mx = std::max(mx, std::fabs(double(r[i])));
                d = std::max(d, std::fabs(double(m.logits[i]) - r[i]));
            }
            std::fprintf(stderr, "xnnpack_mnv3: max |diff| / max |ref| = %.3g (tolerance %g)\n", d / mx, tolerance);
            if (!(d / mx <= tolerance)) throw Error("logits disagree with " + ref);
        }

        const std::string head = std::string("{\"engine\":\"xnnpack\",\"version\":\"") + MNV3_XNNPACK_VERSION +
                                 "\",\"threads\":" + std::to_string(threads);
        if (!serve) {
            std::vector<double> t = timed_runs(m, warmup, runs);
            std::printf("%s,\"times_ms\":%s,\"median_ms\":%.4f,\"load_ms\":%.1f,\"peak_rss_kb\":%ld}\n", head.c_str(),
                        times_json(t).c_str(), median(t), load_ms, peak_rss_kb());
            return 0;
        }
        timed_runs(m, warmup, 0);
        std::printf("%s,\"ready\":true,\"load_ms\":%.1f}\n", head.c_str(), load_ms);
        std::fflush(stdout);
        std::string line;
        while (std::getline(std::cin, line)) {
            std::istringstream ss(line);
            std::string cmd;
            ss >> cmd;
            if (cmd == "run") {
                int w = 0, n = 0;
                ss >> w >> n;
                if (n < 1) throw Error("bad command: " + line);
                std::printf("{\"times_ms\":%s}\n", times_json(timed_runs(m, w, n)).c_str());
            } else if (cmd == "quit") {
                break;
            } else if (!cmd.empty()) {
                throw Error("unknown command: " + line);
            }
            std::fflush(stdout);
        }
        std::printf("{\"peak_rss_kb\":%ld}\n", peak_rss_kb());
        return 0;
    } catch (const std::exception &e) {
        std::fprintf(stderr, "xnnpack_mnv3: error: %s\n", e.what());
        return 1;
    }
}

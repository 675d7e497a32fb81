// classify: the top-K ImageNet labels of PNG photos with a pretrained MobileNetV3.
//
//   classify [--model FILE] [--labels FILE] [--top K] [--threads N] [--json]
//            [--crop FRACTION] [--dump-pixels FILE] IMAGE...
//
// FILE is a .tflite (a quantized TF-slim MobileNetV3, imported as float with its ranges),
// a .mnv3w weight file (tools/export_torch.py: torchvision conventions), or the name of an
// official pretrained model: "small" (the default) or "large-min", found or downloaded as
// runtime/include/mnv3/model_store.h says.
#include "mnv3/classifier.h"
#include "mnv3/error.h"
#include "mnv3/image.h"
#include "mnv3/model_store.h"
#include "mnv3/network.h"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

namespace {

const char *kUsage =
    "usage: classify [--model FILE] [--labels FILE] [--top K] [--threads N] [--json] "
    "[--crop FRACTION] [--dump-pixels FILE] IMAGE...";

struct Options {
    std::string model, labels, dump;
    int top = 5, threads = 1;
    double crop = 0.875;
    bool json = false;
    std::vector<std::string> images;
};

struct UsageError : mnv3::Error {
    using mnv3::Error::Error;
};

int parse_int(const std::string &flag, const std::string &v, int lo, int hi) {
    char *end = nullptr;
    long n = std::strtol(v.c_str(), &end, 10);
    if (v.empty() || *end || n < lo || n > hi)
        throw UsageError(flag + " needs an integer in [" + std::to_string(lo) + ", " + std::to_string(hi) + "], got '" + v + "'");
    return int(n);
}

Options parse(int argc, char **argv) {
    Options o;
    for (int i = 1; i < argc; i++) {
        std::string a = argv[i];
        auto value = [&]() -> std::string {
            if (i + 1 >= argc) throw UsageError(a + " needs a value");
            return argv[++i];
        };
        if (a == "--model") o.model = value();
        else if (a == "--labels") o.labels = value();
        else if (a == "--top") o.top = parse_int(a, value(), 1, 1000);
        else if (a == "--threads") o.threads = parse_int(a, value(), 1, 64);
        else if (a == "--json") o.json = true;
        else if (a == "--dump-pixels") o.dump = value();
        else if (a == "--crop") {
            std::string v = value();
            char *end = nullptr;
            o.crop = std::strtod(v.c_str(), &end);
            if (v.empty() || *end || !(o.crop > 0 && o.crop <= 1)) throw UsageError("--crop needs a fraction in (0, 1], got '" + v + "'");
        } else if (a == "--help" || a == "-h") {
            std::printf("%s\n", kUsage);
            std::exit(0);
        } else if (a.size() > 1 && a[0] == '-') throw UsageError("unknown option " + a);
        else o.images.push_back(a);
    }
    if (o.images.empty()) throw UsageError("no image given");
    if (!o.dump.empty() && o.images.size() != 1) throw UsageError("--dump-pixels takes exactly one image");
    return o;
}

bool ends_with(const std::string &s, const std::string &suffix) {
    return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

std::vector<std::string> read_labels(const std::string &path) {
    std::ifstream f(path);
    if (!f) throw mnv3::Error("cannot read labels '" + path + "'");
    std::vector<std::string> labels;
    std::string line;
    while (std::getline(f, line)) {
        if (!line.empty() && line.back() == '\r') line.pop_back();
        labels.push_back(line);
    }
    return labels;
}

std::string json_escape(const std::string &s) {
    std::string o;
    for (char c : s) {
        if (c == '"' || c == '\\') o += '\\';
        if (static_cast<unsigned char>(c) < 0x20) continue;
        o += c;
    }
    return o;
}

double ms_since(std::chrono::steady_clock::time_point t0) {
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
}

// The model file for --model: the official models by name, else a .tflite or .mnv3w path.
std::string resolve_model(const std::string &model) {
    if (model.empty() || model == "small") return mnv3::locate_model("v3-small_224_1.0_uint8.tflite");
    if (model == "large-min") return mnv3::locate_model("v3-large-minimalistic_224_1.0_uint8.tflite");
    if (!ends_with(model, ".tflite") && !ends_with(model, ".mnv3w"))
        throw mnv3::Error("model '" + model + "': expected a .tflite or .mnv3w file, or small or large-min");
    return model;
}

}  // namespace

int main(int argc, char **argv) {
    try {
        const Options o = parse(argc, argv);
        mnv3::Network::set_threads(o.threads);
        const std::string model_path = resolve_model(o.model);
        auto t0 = std::chrono::steady_clock::now();
        mnv3::Classifier m(model_path);
        const double load_ms = ms_since(t0);
        const std::vector<std::string> labels =
            read_labels(o.labels.empty() ? mnv3::data_dir() + "/labels/imagenet1000.txt" : o.labels);
        if (int(labels.size()) != m.num_labels())
            throw mnv3::Error("labels file has " + std::to_string(labels.size()) + " lines, the model has " +
                              std::to_string(m.num_labels()) + " classes");
        const int size = m.network().input_width();
        std::vector<float> x;
        // warm-up: start the thread pool, touch the buffers (reported times are steady)
        m.run(std::vector<float>(size_t(size) * size * 3, 0.0f));
        if (!o.json)
            std::printf("model %s (%s), loaded in %.1f ms\n", model_path.c_str(),
                        m.network().config().name().c_str(), load_ms);

        int failures = 0;
        for (const std::string &path : o.images) {
            try {
                t0 = std::chrono::steady_clock::now();
                mnv3::Image img = mnv3::load_png(path);
                const double decode_ms = ms_since(t0);
                if (img.width < 8 || img.height < 8)
                    throw mnv3::Error(path + ": image is " + std::to_string(img.width) + "x" + std::to_string(img.height) +
                                      ", too small to classify (at least 8x8)");
                t0 = std::chrono::steady_clock::now();
                mnv3::Image px = mnv3::crop_resize(img, size, o.crop);
                m.normalise(px.rgb.data(), px.rgb.size(), x);
                const double pre_ms = ms_since(t0);
                if (!o.dump.empty()) {
                    std::ofstream f(o.dump, std::ios::binary);
                    f.write(reinterpret_cast<const char *>(px.rgb.data()), std::streamsize(px.rgb.size()));
                    if (!f) throw mnv3::Error("cannot write '" + o.dump + "'");
                }
                t0 = std::chrono::steady_clock::now();
                const float *logits = m.run(x);
                const double net_ms = ms_since(t0);

                const std::vector<mnv3::Prediction> top = m.top_k(m.softmax(logits), o.top);
                auto label = [&](const mnv3::Prediction &p) {
                    return p.label < 0 ? std::string("background") : labels[p.label];
                };
                if (o.json) {
                    std::printf("{\"image\":\"%s\",\"decode_ms\":%.3f,\"preprocess_ms\":%.3f,\"network_ms\":%.3f,\"top\":[",
                                json_escape(path).c_str(), decode_ms, pre_ms, net_ms);
                    for (size_t i = 0; i < top.size(); i++)
                        std::printf("%s{\"class\":%d,\"label\":\"%s\",\"prob\":%.6f}", i ? "," : "", top[i].index,
                                    json_escape(label(top[i])).c_str(), top[i].probability);
                    std::printf("]}\n");
                } else {
                    std::printf("%s: %dx%d, decode %.2f ms, preprocess %.2f ms, network %.2f ms (%d thread%s)\n",
                                path.c_str(), img.width, img.height, decode_ms, pre_ms, net_ms, o.threads,
                                o.threads > 1 ? "s" : "");
                    for (size_t i = 0; i < top.size(); i++)
                        std::printf("  %zu. %6.2f%%  %s (%d)\n", i + 1, 100.0 * top[i].probability, label(top[i]).c_str(),
                                    top[i].index);
                }
                std::fflush(stdout);
            } catch (const mnv3::Error &e) {
                std::fprintf(stderr, "classify: %s\n", e.what());
                failures++;
            }
        }
        return failures ? 1 : 0;
    } catch (const UsageError &e) {
        std::fprintf(stderr, "classify: %s\n%s\n", e.what(), kUsage);
        return 2;
    } catch (const std::exception &e) {
        std::fprintf(stderr, "classify: %s\n", e.what());
        return 1;
    }
}

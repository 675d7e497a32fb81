// classify: the top-K ImageNet labels of PNG photos with a pretrained MobileNetV3.
//
//   classify [--model FILE] [--labels FILE] [--top K] [--threads N] [--json]
//            [--crop FRACTION] [--dump-pixels FILE] [--] IMAGE...
//
// FILE is a .tflite (a quantized TF-slim MobileNetV3, imported as float with its ranges),
// a .mnv3w weight file (tools/export_torch.py: torchvision conventions), or the name of an
// official pretrained model: "small" (the default) or "large-min", found or downloaded as
// runtime/include/mnv3/model_store.h says. Extensions are matched case-insensitively.
//
// Every input must be a regular file (a directory, FIFO or device is refused by name, before
// it is opened); --dump-pixels may not name an input (same path, or same device and inode).
// Every write is checked (standard output included): a failed write is an error, exit 1.
// Text output is printable (control characters in labels and paths are removed, invalid
// UTF-8 becomes U+FFFD); --json strings are escaped (mnv3/labels.h: json_string).
#include "mnv3/classifier.h"
#include "mnv3/error.h"
#include "mnv3/image.h"
#include "mnv3/input_file.h"
#include "mnv3/labels.h"
#include "mnv3/model_store.h"
#include "mnv3/network.h"

#include <cerrno>
#include <cmath>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <stdexcept>
#include <string>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

namespace {

const char *kUsage =
    "usage: classify [--model FILE] [--labels FILE] [--top K] [--threads N] [--json] "
    "[--crop FRACTION] [--dump-pixels FILE] [--] IMAGE...";

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

// A failed write to standard output: not per image, it ends the run.
struct WriteError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

int parse_int(const std::string &flag, const std::string &v, int lo, int hi) {
    char *end = nullptr;
    long n = std::strtol(v.c_str(), &end, 10);
    if (v.empty() || *end || n < lo || n > hi)
        throw UsageError(flag + " needs an integer in [" + std::to_string(lo) + ", " + std::to_string(hi) + "], got '" + v + "'");
    return int(n);
}

void flush_stdout();

Options parse(int argc, char **argv) {
    Options o;
    for (int i = 1; i < argc; i++) {
        std::string a = argv[i];
        auto value = [&]() -> std::string {
            if (i + 1 >= argc) throw UsageError(a + " needs a value");
            return argv[++i];
        };
        // A file name: "" is an error, not "the default".
        auto file = [&]() -> std::string {
            std::string v = value();
            if (v.empty()) throw UsageError(a + " needs a non-empty file name");
            return v;
        };
        if (a == "--") {
            for (i++; i < argc; i++) o.images.push_back(argv[i]);
            break;
        }
        if (a == "--model") o.model = file();
        else if (a == "--labels") o.labels = file();
        else if (a == "--top") o.top = parse_int(a, value(), 1, 1000);
        else if (a == "--threads") o.threads = parse_int(a, value(), 1, 64);
        else if (a == "--json") o.json = true;
        else if (a == "--dump-pixels") o.dump = file();
        else if (a == "--crop") {
            std::string v = value();
            char *end = nullptr;
            o.crop = std::strtod(v.c_str(), &end);
            if (v.empty() || *end || !(o.crop > 0 && o.crop <= 1)) throw UsageError("--crop needs a fraction in (0, 1], got '" + v + "'");
        } else if (a == "--help" || a == "-h") {
            std::printf("%s\n", kUsage);
            flush_stdout();  // a WriteError: "cannot write standard output", exit 1
            std::exit(0);
        } else if (a.size() > 1 && a[0] == '-') throw UsageError("unknown option " + a + " (a file name starting with '-' goes after --)");
        else o.images.push_back(a);
    }
    if (o.images.empty()) throw UsageError("no image given");
    if (!o.dump.empty() && o.images.size() != 1) throw UsageError("--dump-pixels takes exactly one image");
    return o;
}

// Refuses a path that is not a regular file (a directory, FIFO, device, ...) by what it is,
// before anything opens it (opening a FIFO with no writer would block).
void require_regular(const std::string &what, const std::string &path) {
    const std::string kind = mnv3::non_regular_kind(path);
    if (!kind.empty()) throw mnv3::Error(what + " '" + path + "': " + kind + ", not a regular file");
}

// Whether output path `out` names input `in`: the same path, or the same file (device and
// inode; symbolic and hard links included) when both exist.
bool same_file(const std::string &out, const std::string &in) {
    if (out == in) return true;
    struct stat a, b;
    return ::stat(out.c_str(), &a) == 0 && ::stat(in.c_str(), &b) == 0 && a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

// Writes `size` bytes to a new or truncated file, checking every step (open, each write,
// close). A FIFO without a reader is an error rather than a wait.
void write_file(const std::string &path, const void *data, size_t size) {
    const std::string where = "cannot write pixels to '" + path + "': ";
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_NONBLOCK | O_CLOEXEC, 0666);
    if (fd < 0) {
        if (errno == ENXIO) throw mnv3::Error(where + "a FIFO with no reader");
        throw mnv3::Error(where + std::strerror(errno));
    }
    const int flags = ::fcntl(fd, F_GETFL);
    if (flags >= 0) ::fcntl(fd, F_SETFL, flags & ~O_NONBLOCK);
    const char *p = static_cast<const char *>(data);
    while (size > 0) {
        const ssize_t n = ::write(fd, p, size);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            const int err = n < 0 ? errno : EIO;
            ::close(fd);
            throw mnv3::Error(where + std::strerror(err));
        }
        p += n, size -= size_t(n);
    }
    if (::close(fd) != 0) throw mnv3::Error(where + std::strerror(errno));
}

// A probability as a JSON number: NaN and infinities (a corrupt model's logits) are null.
std::string json_number(double v) {
    if (!std::isfinite(v)) return "null";
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.6f", v);
    return buf;
}

// Flushes standard output; a failure (a full disk, a closed descriptor) ends the run.
void flush_stdout() {
    errno = 0;
    if (std::fflush(stdout) != 0 || std::ferror(stdout)) {
        const int err = errno;
        throw WriteError(std::string("cannot write standard output: ") + (err ? std::strerror(err) : "write error"));
    }
}

double ms_since(std::chrono::steady_clock::time_point t0) {
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
}

// The model file for --model: the official models by name, else a .tflite or .mnv3w path.
std::string resolve_model(const std::string &model) {
    if (model.empty() || model == "small") return mnv3::locate_model("v3-small_224_1.0_uint8.tflite");
    if (model == "large-min") return mnv3::locate_model("v3-large-minimalistic_224_1.0_uint8.tflite");
    require_regular("model", model);
    if (!mnv3::has_extension(model, ".tflite") && !mnv3::has_extension(model, ".mnv3w"))
        throw mnv3::Error("model '" + model + "': expected a .tflite or .mnv3w file, or small or large-min");
    return model;
}

}  // namespace

int main(int argc, char **argv) {
    try {
        const Options o = parse(argc, argv);
        mnv3::Network::set_threads(o.threads);
        const std::string model_path = resolve_model(o.model);
        const std::string labels_path = o.labels.empty() ? mnv3::data_dir() + "/labels/imagenet1000.txt" : o.labels;
        if (!o.dump.empty()) {
            std::vector<std::pair<std::string, std::string>> inputs = {{"model", model_path}, {"labels file", labels_path}};
            for (const std::string &im : o.images) inputs.push_back({"image", im});
            for (const auto &in : inputs)
                if (same_file(o.dump, in.second))
                    throw mnv3::Error("--dump-pixels '" + o.dump + "' is an input (" + in.first + " '" + in.second +
                                      "'): refusing to overwrite it");
        }
        auto t0 = std::chrono::steady_clock::now();
        mnv3::Classifier m(model_path);
        const double load_ms = ms_since(t0);
        const std::vector<std::string> labels = mnv3::read_labels(labels_path);
        if (int(labels.size()) != m.num_labels())
            throw mnv3::Error("labels file '" + labels_path + "' has " + std::to_string(labels.size()) + " lines, the model has " +
                              std::to_string(m.num_labels()) + " classes");
        const int size = m.network().input_width();
        std::vector<float> x;
        // warm-up: start the thread pool, touch the buffers (reported times are steady)
        m.run(std::vector<float>(size_t(size) * size * 3, 0.0f));
        if (!o.json)
            std::printf("model %s (%s), loaded in %.1f ms\n", mnv3::display_text(model_path).c_str(),
                        mnv3::display_text(m.network().config().name()).c_str(), load_ms);

        int failures = 0;
        for (const std::string &path : o.images) {
            try {
                require_regular("image", path);
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
                    write_file(o.dump, px.rgb.data(), px.rgb.size());
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
                                mnv3::json_string(path).c_str(), decode_ms, pre_ms, net_ms);
                    for (size_t i = 0; i < top.size(); i++)
                        std::printf("%s{\"class\":%d,\"label\":\"%s\",\"prob\":%s}", i ? "," : "", top[i].index,
                                    mnv3::json_string(label(top[i])).c_str(), json_number(top[i].probability).c_str());
                    std::printf("]}\n");
                } else {
                    std::printf("%s: %dx%d, decode %.2f ms, preprocess %.2f ms, network %.2f ms (%d thread%s)\n",
                                mnv3::display_text(path).c_str(), img.width, img.height, decode_ms, pre_ms, net_ms, o.threads,
                                o.threads > 1 ? "s" : "");
                    for (size_t i = 0; i < top.size(); i++)
                        std::printf("  %zu. %6.2f%%  %s (%d)\n", i + 1, 100.0 * top[i].probability,
                                    mnv3::display_text(label(top[i])).c_str(),
                                    top[i].index);
                }
                flush_stdout();
            } catch (const mnv3::Error &e) {
                flush_stdout();  // the results so far, before the message
                std::fprintf(stderr, "classify: %s\n", mnv3::display_text(e.what()).c_str());
                failures++;
            }
        }
        flush_stdout();
        return failures ? 1 : 0;
    } catch (const UsageError &e) {
        std::fprintf(stderr, "classify: %s\n%s\n", mnv3::display_text(e.what()).c_str(), kUsage);
        return 2;
    } catch (const std::exception &e) {
        std::fprintf(stderr, "classify: %s\n", mnv3::display_text(e.what()).c_str());
        return 1;
    }
}

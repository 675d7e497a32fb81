#include "mnv3/model_zoo.h"

#include "bneck/bneck.h"
#include "last/last.h"
#include "stem/stem.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <sstream>
#include <stdexcept>

namespace mnv3 {

namespace {

// One row of the paper's Tables 1 and 2: kernel, expansion, output, SE, activation, stride.
struct BneckRow {
    int k, exp, out;
    bool se;
    Act act;
    int stride;
};

constexpr Act RE = Act::ReLU, HS = Act::HSwish;

const std::vector<BneckRow> kLarge = {
    {3, 16, 16, false, RE, 1},   {3, 64, 24, false, RE, 2},   {3, 72, 24, false, RE, 1},
    {5, 72, 40, true, RE, 2},    {5, 120, 40, true, RE, 1},   {5, 120, 40, true, RE, 1},
    {3, 240, 80, false, HS, 2},  {3, 200, 80, false, HS, 1},  {3, 184, 80, false, HS, 1},
    {3, 184, 80, false, HS, 1},  {3, 480, 112, true, HS, 1},  {3, 672, 112, true, HS, 1},
    {5, 672, 160, true, HS, 2},  {5, 960, 160, true, HS, 1},  {5, 960, 160, true, HS, 1},
};
const std::vector<BneckRow> kSmall = {
    {3, 16, 16, true, RE, 2},   {3, 72, 24, false, RE, 2},  {3, 88, 24, false, RE, 1},
    {5, 96, 40, true, HS, 2},   {5, 240, 40, true, HS, 1},  {5, 240, 40, true, HS, 1},
    {5, 120, 48, true, HS, 1},  {5, 144, 48, true, HS, 1},  {5, 288, 96, true, HS, 2},
    {5, 576, 96, true, HS, 1},  {5, 576, 96, true, HS, 1},
};

std::string fmt_width(float w) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.2f", w);
    std::string s = buf;
    while (s.size() > 3 && s.back() == '0') s.pop_back();  // 1.00 -> 1.0, 0.75 stays
    return s;
}

}  // namespace


int make_divisible(double v, int divisor) {
    int n = std::max(divisor, int(v + divisor / 2.0) / divisor * divisor);
    if (n < 0.9 * v) n += divisor;
    return n;
}

namespace {
std::string join_taps(const std::vector<int> &taps) {
    std::string s;
    for (int t : taps) s += "_t" + std::to_string(t);
    return s;
}
}  // namespace

std::string ModelConfig::name() const {
    std::string a = arch == Arch::Large ? "large" : "small";
    if (minimalistic) a += "-min";
    return a + "_" + fmt_width(width) + "_" + std::to_string(resolution) + "_" +
           to_string(padding) + "_c" + std::to_string(classes) + (ranges ? "_ranges" : "") + join_taps(taps);
}

void ModelConfig::validate() const {
    if (!(width > 0.05f && width <= 4.0f))
        throw std::invalid_argument("width multiplier must be in (0.05, 4], got " + fmt_width(width));
    if (resolution < 96 || resolution > 320 || resolution % 32 != 0)
        throw std::invalid_argument("resolution must be a multiple of 32 from 96 to 320, got " +
                                    std::to_string(resolution));
    if (classes < 1 || classes > 100000)
        throw std::invalid_argument("class count must be in [1, 100000], got " + std::to_string(classes));
    const int blocks = arch == Arch::Large ? 15 : 11;
    for (int t : taps)
        if (t < 1 || t > blocks)
            throw std::invalid_argument("tap " + std::to_string(t) + ": not a bneck layer (features.1 to features." +
                                        std::to_string(blocks) + ")");
}

ModelConfig ModelConfig::parse(const std::string &text) {
    std::string t = text;
    for (char &c : t)
        if (c == '_') c = ' ';
    std::istringstream in(t);
    std::string arch, width, res, pad, classes, flag;
    if (!(in >> arch >> width >> res >> pad))
        throw std::invalid_argument("model configuration '" + text +
                                    "': expected 'ARCH WIDTH RESOLUTION PADDING [CLASSES]'");
    in >> classes;
    ModelConfig c;
    // Flags: "ranges", and taps as "tap=13" (line form) or "t13" (name form).
    while (in >> flag) {
        if (flag == "ranges") {
            c.ranges = true;
            continue;
        }
        std::string num;
        if (flag.rfind("tap=", 0) == 0) num = flag.substr(4);
        else if (flag.size() > 1 && flag[0] == 't' && std::isdigit(static_cast<unsigned char>(flag[1]))) num = flag.substr(1);
        else throw std::invalid_argument("model configuration '" + text + "': unknown flag '" + flag + "'");
        size_t used = 0;
        int v = -1;
        try { v = std::stoi(num, &used); } catch (const std::exception &) {}
        if (v < 0 || used != num.size()) throw std::invalid_argument("model configuration '" + text + "': bad tap '" + flag + "'");
        c.taps.push_back(v);
    }
    if (arch == "large" || arch == "large-min") c.arch = Arch::Large;
    else if (arch == "small" || arch == "small-min") c.arch = Arch::Small;
    else throw std::invalid_argument("unknown architecture '" + arch + "' (large, small, large-min, small-min)");
    c.minimalistic = arch.size() > 4 && arch.substr(arch.size() - 4) == "-min";
    try {
        size_t used = 0;
        c.width = std::stof(width, &used);
        if (used != width.size()) throw std::invalid_argument("");
        c.resolution = std::stoi(res, &used);
        if (used != res.size()) throw std::invalid_argument("");
        if (!classes.empty()) {
            if (classes[0] == 'c') classes = classes.substr(1);
            c.classes = std::stoi(classes, &used);
            if (used != classes.size()) throw std::invalid_argument("");
        }
    } catch (const std::exception &) {
        throw std::invalid_argument("model configuration '" + text + "': bad number");
    }
    if (pad == "sym" || pad == "symmetric") c.padding = Padding::Symmetric;
    else if (pad == "same") c.padding = Padding::Same;
    else throw std::invalid_argument("unknown padding '" + pad + "' (sym or same)");
    c.validate();
    return c;
}

int LayerSpec::get(const std::string &name) const {
    auto it = params.find(name);
    if (it == params.end()) throw std::out_of_range(std::string(generator()) + " has no parameter " + name);
    return it->second;
}

std::vector<LayerSpec> build_layers(const ModelConfig &cfg) {
    cfg.validate();
    auto ch = [&](int c) { return make_divisible(c * double(cfg.width)); };
    const auto &rows = cfg.arch == Arch::Large ? kLarge : kSmall;
    std::vector<LayerSpec> layers;

    StemParams stem;
    stem.in_c = 3;
    stem.out_c = ch(16);
    stem.kernel = 3;
    stem.stride = 2;
    stem.act = cfg.minimalistic ? Act::ReLU : Act::HSwish;
    stem.height = stem.width = cfg.resolution;
    stem.padding = cfg.padding;
    stem.clamps = cfg.ranges;
    layers.push_back(make_layer("stem", stem));

    int c = stem.out_c, h = stem_out_height(stem), w = stem_out_width(stem);
    for (const BneckRow &r : rows) {
        BneckParams b;
        b.in_c = c;
        b.exp_c = ch(r.exp);
        b.out_c = ch(r.out);
        b.kernel = cfg.minimalistic ? 3 : r.k;
        b.stride = r.stride;
        b.se_c = (r.se && !cfg.minimalistic) ? make_divisible(b.exp_c / 4) : 0;
        b.act = cfg.minimalistic ? Act::ReLU : r.act;
        b.height = h;
        b.width = w;
        b.padding = cfg.padding;
        b.clamps = cfg.ranges;
        b.tap = std::find(cfg.taps.begin(), cfg.taps.end(), int(layers.size())) != cfg.taps.end();
        if (b.tap && !bneck_has_expand(b))
            throw std::invalid_argument("tap " + std::to_string(layers.size()) + ": the block has no expansion");
        layers.push_back(make_layer("bneck", b));
        c = b.out_c;
        h = bneck_out_height(b);
        w = bneck_out_width(b);
    }

    LastParams last;
    last.in_c = c;
    last.exp_c = 6 * c;
    // torchvision scales the classifier width with alpha (TF-slim keeps it for alpha < 1
    // in finegrain mode; its released checkpoints are alpha 1.0, where both agree).
    last.head_c = ch(cfg.arch == Arch::Large ? 1280 : 1024);
    last.classes = cfg.classes;
    last.act = cfg.minimalistic ? Act::ReLU : Act::HSwish;
    last.head_act = cfg.minimalistic ? Act::ReLU : Act::HSwish;
    last.height = h;
    last.width = w;
    last.clamps = cfg.ranges;
    layers.push_back(make_layer("last", last));
    for (const LayerSpec &l : layers) l.kind->validate(l.params);
    return layers;
}

}  // namespace mnv3

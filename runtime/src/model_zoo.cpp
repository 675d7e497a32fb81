#include "mnv3/model_zoo.h"

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

int out_size(int in, int k, int s, int d, Padding p) {
    if (p == Padding::Same) return (in + s - 1) / s;
    int pad = (k - 1) / 2 * d;
    return (in + 2 * pad - d * (k - 1) - 1) / s + 1;
}

int pad_before(int in, int k, int s, int d, Padding p) {
    if (p == Padding::Symmetric) return (k - 1) / 2 * d;
    int out = out_size(in, k, s, d, p);
    int total = std::max((out - 1) * s + d * (k - 1) + 1 - in, 0);
    return total / 2;
}

}  // namespace

const char *to_string(Act a) { return a == Act::ReLU ? "relu" : "hswish"; }
const char *to_string(Padding p) { return p == Padding::Same ? "same" : "sym"; }

int make_divisible(double v, int divisor) {
    int n = std::max(divisor, int(v + divisor / 2.0) / divisor * divisor);
    if (n < 0.9 * v) n += divisor;
    return n;
}

std::string ModelConfig::name() const {
    std::string a = arch == Arch::Large ? "large" : "small";
    if (minimalistic) a += "-min";
    return a + "_" + fmt_width(width) + "_" + std::to_string(resolution) + "_" +
           to_string(padding) + "_c" + std::to_string(classes) + (ranges ? "_ranges" : "");
}

void ModelConfig::validate() const {
    if (!(width > 0.05f && width <= 4.0f))
        throw std::invalid_argument("width multiplier must be in (0.05, 4], got " + fmt_width(width));
    if (resolution < 96 || resolution > 320 || resolution % 32 != 0)
        throw std::invalid_argument("resolution must be a multiple of 32 from 96 to 320, got " +
                                    std::to_string(resolution));
    if (classes < 1 || classes > 100000)
        throw std::invalid_argument("class count must be in [1, 100000], got " + std::to_string(classes));
}

ModelConfig ModelConfig::parse(const std::string &text) {
    std::string t = text;
    for (char &c : t)
        if (c == '_') c = ' ';
    std::istringstream in(t);
    std::string arch, width, res, pad, classes, flag, extra;
    if (!(in >> arch >> width >> res >> pad))
        throw std::invalid_argument("model configuration '" + text +
                                    "': expected 'ARCH WIDTH RESOLUTION PADDING [CLASSES]'");
    in >> classes >> flag;
    if (in >> extra) throw std::invalid_argument("model configuration '" + text + "': unexpected '" + extra + "'");
    ModelConfig c;
    if (flag == "ranges") c.ranges = true;
    else if (!flag.empty()) throw std::invalid_argument("model configuration '" + text + "': unknown flag '" + flag + "'");
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

int LayerSpec::clamp_points() const {
    switch (kind) {
    case LayerKind::Stem: return 2;   // conv, activation
    case LayerKind::Bneck: return 9;  // see generators/bneck_generator.cpp
    default: return 5;                // conv, activation, head, head activation, logits
    }
}

int LayerSpec::out_height() const {
    return kind == LayerKind::Last ? 1 : out_size(height, kernel, stride, dilation, padding);
}
int LayerSpec::out_width() const {
    return kind == LayerKind::Last ? 1 : out_size(width, kernel, stride, dilation, padding);
}
int LayerSpec::pad_top() const { return pad_before(height, kernel, stride, dilation, padding); }
int LayerSpec::pad_left() const { return pad_before(width, kernel, stride, dilation, padding); }

const char *LayerSpec::generator() const {
    switch (kind) {
    case LayerKind::Stem: return "stem";
    case LayerKind::Bneck: return "bneck";
    default: return "last";
    }
}

std::string LayerSpec::signature() const {
    std::ostringstream s;
    const char *a = act == Act::ReLU ? "re" : "hs";
    switch (kind) {
    case LayerKind::Stem:
        s << "stem_k" << kernel << "_s" << stride << "_i" << in_c << "_o" << out_c << "_h" << height
          << "_w" << width << "_" << a << "_" << to_string(padding);
        break;
    case LayerKind::Bneck:
        s << "bneck_k" << kernel << "_s" << stride;
        if (dilation != 1) s << "_d" << dilation;
        s << "_i" << in_c << "_e" << exp_c << "_o" << out_c << "_h" << height << "_w" << width;
        if (se_c) s << "_se" << se_c;
        s << "_" << a << "_" << to_string(padding);
        break;
    case LayerKind::Last:
        s << "last_i" << in_c << "_e" << exp_c << "_f" << head_c << "_c" << classes << "_h" << height
          << "_w" << width << "_" << a << "_" << (head_act == Act::ReLU ? "re" : "hs");
        break;
    }
    if (clamps) s << "_cl";
    return s.str();
}

int64_t LayerSpec::macs() const {
    int64_t hw = int64_t(out_height()) * out_width();
    switch (kind) {
    case LayerKind::Stem: return hw * out_c * in_c * kernel * kernel;
    case LayerKind::Bneck: {
        int64_t m = has_expand() ? int64_t(height) * width * in_c * exp_c : 0;
        m += hw * exp_c * kernel * kernel + hw * exp_c * out_c;
        if (se_c) m += 2 * int64_t(exp_c) * se_c;
        return m;
    }
    default:
        return int64_t(height) * width * in_c * exp_c + int64_t(exp_c) * head_c +
               int64_t(head_c) * classes;
    }
}

std::vector<std::string> LayerSpec::generator_params() const {
    auto p = [](const char *k, int v) { return std::string(k) + "=" + std::to_string(v); };
    std::vector<std::string> r = {p("in_c", in_c), p("out_c", out_c), p("height", height),
                                  p("width", width), std::string("act=") + to_string(act)};
    if (kind != LayerKind::Last) {
        r.push_back(p("kernel", kernel));
        r.push_back(p("stride", stride));
        r.push_back(std::string("padding=") + to_string(padding));
    }
    if (kind == LayerKind::Bneck) {
        r.push_back(p("exp_c", exp_c));
        r.push_back(p("se_c", se_c));
        r.push_back(p("dilation", dilation));
    }
    if (kind == LayerKind::Last) {
        r = {p("in_c", in_c), p("exp_c", exp_c), p("head_c", head_c), p("classes", classes),
             p("height", height), p("width", width), std::string("act=") + to_string(act),
             std::string("head_act=") + to_string(head_act)};
    }
    if (clamps) r.push_back("clamps=true");
    return r;
}

std::vector<LayerSpec> build_layers(const ModelConfig &cfg) {
    cfg.validate();
    auto ch = [&](int c) { return make_divisible(c * double(cfg.width)); };
    const auto &rows = cfg.arch == Arch::Large ? kLarge : kSmall;
    std::vector<LayerSpec> layers;

    LayerSpec stem;
    stem.kind = LayerKind::Stem;
    stem.in_c = 3;
    stem.out_c = ch(16);
    stem.kernel = 3;
    stem.stride = 2;
    stem.act = cfg.minimalistic ? Act::ReLU : Act::HSwish;
    stem.height = stem.width = cfg.resolution;
    stem.padding = cfg.padding;
    stem.clamps = cfg.ranges;
    layers.push_back(stem);

    int c = stem.out_c, h = stem.out_height(), w = stem.out_width();
    for (const BneckRow &r : rows) {
        LayerSpec b;
        b.kind = LayerKind::Bneck;
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
        layers.push_back(b);
        c = b.out_c;
        h = b.out_height();
        w = b.out_width();
    }

    LayerSpec last;
    last.kind = LayerKind::Last;
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
    last.padding = cfg.padding;
    last.clamps = cfg.ranges;
    layers.push_back(last);
    return layers;
}

}  // namespace mnv3

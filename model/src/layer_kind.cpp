#include "mnv3/layer_kind.h"

#include <stdexcept>

namespace mnv3 {

std::vector<int> TensorShape::dims() const {
    switch (layout) {
    case Layout::CXY: return {c, w, h};
    case Layout::C: return {c};
    default: return {c, h * w};
    }
}

std::string to_string(const TensorShape &s) {
    const char *l = s.layout == Layout::CXY ? "cxy" : s.layout == Layout::C ? "c" : "cp";
    return std::string(to_string(s.dtype)) + " " + l + " " + std::to_string(s.c) + "x" + std::to_string(s.h) + "x" +
           std::to_string(s.w);
}

std::string param_value_string(const std::string &type, int v) {
    if (type == "bool") return v ? "true" : "false";
    if (type == "Act") return to_string(static_cast<Act>(v));
    if (type == "Padding") return to_string(static_cast<Padding>(v));
    return std::to_string(v);
}

std::vector<std::string> LayerKind::generator_params(const Params &p) const {
    std::vector<std::string> r;
    for (const ParamDecl &d : params()) {
        auto it = p.find(d.name);
        r.push_back(d.name + "=" + param_value_string(d.type, it == p.end() ? d.def : it->second));
    }
    return r;
}

void LayerKind::check_knobs(const std::map<std::string, std::string> &values) const {
    const std::vector<KnobDecl> decls = knobs();
    for (const auto &[name, text] : values) {
        const KnobDecl *d = nullptr;
        for (const KnobDecl &k : decls)
            if (k.name == name) d = &k;
        if (!d) throw std::invalid_argument(std::string(this->name()) + " has no knob '" + name + "'");
        int v = 0;
        if (d->type == "bool") {
            if (text != "true" && text != "false")
                throw std::invalid_argument(std::string(this->name()) + " knob " + name + " is true or false, not '" + text + "'");
            v = text == "true";
        } else {
            size_t used = 0;
            try {
                v = std::stoi(text, &used);
            } catch (const std::exception &) {
                used = 0;
            }
            if (used == 0 || used != text.size())
                throw std::invalid_argument(std::string(this->name()) + " knob " + name + " is an integer, not '" + text + "'");
        }
        if (v < d->lo || v > d->hi)
            throw std::invalid_argument(std::string(this->name()) + " knob " + name + "=" + text + " is outside [" +
                                        std::to_string(d->lo) + ", " + std::to_string(d->hi) + "]");
    }
}

std::string knobs_markdown() {
    std::string s = "| kind | knob | type | range | default | meaning |\n|---|---|---|---|---|---|\n";
    for (const LayerKind *k : all_kinds())
        for (const KnobDecl &d : k->knobs()) {
            const std::string range = d.type == "bool" ? "true/false" : std::to_string(d.lo) + "-" + std::to_string(d.hi);
            s += std::string("| ") + k->name() + " | `" + d.name + "` | " + d.type + " | " + range + " | " +
                 param_value_string(d.type, d.def) + " | " + d.doc + " |\n";
        }
    return s;
}

const LayerKind *find_kind(const std::string &name) {
    for (const LayerKind *k : all_kinds())
        if (name == k->name()) return k;
    return nullptr;
}

}  // namespace mnv3

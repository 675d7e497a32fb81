#include "kind_case.h"

#include <sstream>
#include <stdexcept>

namespace mnv3ref {

CaseParams::CaseParams(const char *text) {
    std::istringstream in(text);
    std::string kv;
    while (in >> kv) {
        const size_t eq = kv.find('=');
        if (eq == std::string::npos) throw std::invalid_argument("bad parameter '" + kv + "'");
        kv_[kv.substr(0, eq)] = kv.substr(eq + 1);
    }
}

const std::string &CaseParams::str(const std::string &k) const {
    auto it = kv_.find(k);
    if (it == kv_.end()) throw std::invalid_argument("instance does not set shape parameter " + k);
    return it->second;
}

bool CaseParams::flag(const std::string &k) const {
    auto it = kv_.find(k);
    return it != kv_.end() && it->second == "true";
}

Ranges random_ranges(const CaseParams &params, int points, Rng &rng) {
    Ranges r;
    if (!params.flag("clamps")) return r;
    for (int i = 0; i < points; i++) {
        r.lohi.push_back(float(rng.uniform(-1.5, 0.0)));
        r.lohi.push_back(float(rng.uniform(0.3, 2.0)));
    }
    return r;
}

}  // namespace mnv3ref

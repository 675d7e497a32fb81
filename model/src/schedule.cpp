#include "mnv3/schedule.h"

#include <fstream>
#include <sstream>
#include <stdexcept>

namespace mnv3 {

ScheduleFile ScheduleFile::read(const std::string &path) {
    ScheduleFile f;
    std::ifstream in(path);
    if (!in) return f;
    std::string line;
    int lineno = 0;
    while (std::getline(in, line)) {
        lineno++;
        line = line.substr(0, line.find('#'));
        std::istringstream ls(line);
        std::string key, kv;
        if (!(ls >> key)) continue;
        Knobs &k = f.entries_[key];
        while (ls >> kv) {
            const size_t eq = kv.find('=');
            if (eq == std::string::npos || eq == 0 || eq + 1 == kv.size())
                throw std::invalid_argument(path + ":" + std::to_string(lineno) + ": bad knob '" + kv + "' for " + key +
                                            " (want name=value)");
            k[kv.substr(0, eq)] = kv.substr(eq + 1);
        }
    }
    return f;
}

Knobs ScheduleFile::resolve(const LayerSpec &layer, const Knobs &overrides) const {
    Knobs r;
    for (const std::string &key :
         {std::string("default.") + layer.generator(), layer.shape_key(), layer.signature()}) {
        auto it = entries_.find(key);
        if (it == entries_.end()) continue;
        try {
            layer.kind->check_knobs(it->second);
        } catch (const std::invalid_argument &e) {
            throw std::invalid_argument("schedule entry " + key + ": " + e.what());
        }
        for (const auto &[k, v] : it->second) r[k] = v;
    }
    // Overrides (a build variant's knobs) apply to the kinds that declare them.
    for (const auto &[k, v] : overrides) {
        bool declared = false;
        for (const KnobDecl &d : layer.kind->knobs()) declared |= d.name == k;
        if (declared) r[k] = v;
    }
    layer.kind->check_knobs(r);
    return r;
}

}  // namespace mnv3

// The tables of AOT-compiled layers: the build's own (the generated registry of the default
// schedules) and any schedule variants linked into the program.
#include "registry.h"

#include <map>

namespace mnv3 {

namespace {
std::map<std::string, LayerTable> &tables() {
    static std::map<std::string, LayerTable> t;
    return t;
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

const LayerEntry *find_layer(const LayerTable &table, const std::string &signature) {
    for (const LayerEntry &e : table.layers())
        if (signature == e.signature) return &e;
    return nullptr;
}

}  // namespace mnv3

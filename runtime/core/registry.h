// Tables of AOT-compiled layers (generated: cmake/registry.cpp.in), one per schedule variant.
#pragma once
#include <string>
#include <vector>

struct halide_filter_metadata_t;

namespace mnv3 {

struct LayerEntry {
    const char *signature;
    int (*argv_fn)(void **args);  // arguments in metadata order, buffers as halide_buffer_t*
    const halide_filter_metadata_t *(*metadata)();
};

struct LayerTable {
    const std::vector<LayerEntry> &(*layers)();
    // Names (ModelConfig::name()) of the model configurations the table was made for.
    const std::vector<std::string> &(*models)();
};

// Called by each generated registry at static initialisation. Returns true.
bool register_layer_table(const std::string &variant, LayerTable table);
// The build's own table (defined by the generated registry of the default schedules).
LayerTable default_layer_table();
// The table of a variant ("" = the build's schedules); nullptr if not linked in.
const LayerTable *find_layer_table(const std::string &variant);
// The compiled function of a layer signature in a table; nullptr if absent.
const LayerEntry *find_layer(const LayerTable &table, const std::string &signature);

}  // namespace mnv3

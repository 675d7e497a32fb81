// The table of AOT-compiled layers in this build (generated: registry.cpp.in).
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

const std::vector<LayerEntry> &compiled_layers();
// Names (ModelConfig::name()) of the model configurations this build was made for.
const std::vector<std::string> &compiled_models();

}  // namespace mnv3

// The Markdown report on stdout: checks, end to end, peak memory, per layer.
#pragma once
#include "options.h"
#include "results.h"

#include <vector>

namespace mnv3::bench {

void print_markdown(const Options &o, const std::vector<ModelResult> &all);

}  // namespace mnv3::bench

// The --json file: options and every raw time, for bench/report/write_report.py (and
// tools/bench-compare.sh). Its field names and number format are that script's input.
#pragma once
#include "options.h"
#include "results.h"

#include <vector>

namespace mnv3::bench {

// Writes o.json; throws mnv3::Error when it cannot.
void write_json(const Options &o, const std::vector<ModelResult> &all);

}  // namespace mnv3::bench

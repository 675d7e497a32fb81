// Schedule files (schedules/*.sched, format in schedules/README.md): knob values per layer,
// keyed from the most general to the most specific: "default.<kind>", the layer's shape
// key, its signature. Knob names and values are checked against the kind's declarations.
#pragma once
#include "mnv3/model_zoo.h"

#include <map>
#include <string>
#include <vector>

namespace mnv3 {

using Knobs = std::map<std::string, std::string>;  // name -> value text

class ScheduleFile {
public:
    // An empty file: every knob takes its generator default.
    ScheduleFile() = default;
    // Reads a file; a missing file is empty. Throws std::invalid_argument
    // ("FILE:LINE: bad knob 'x' for KEY (want name=value)"), also for what is not a regular
    // file or exceeds the limits below.
    static ScheduleFile read(const std::string &path);
    // Parses a file's text; `where` names it in messages.
    static ScheduleFile parse(const std::string &text, const std::string &where);
    // A schedule file is at most 1 MiB, a line at most 4096 bytes of printable ASCII or tabs.
    static constexpr size_t kMaxBytes = 1 << 20, kMaxLine = 4096;

    // The knobs of one layer instance: default.<kind>, then its shape key, then its
    // signature, then `overrides` (only those the kind declares), later ones winning knob
    // by knob. Throws std::invalid_argument when a knob is not the kind's or out of range.
    Knobs resolve(const LayerSpec &layer, const Knobs &overrides = {}) const;

private:
    std::map<std::string, Knobs> entries_;
};

}  // namespace mnv3

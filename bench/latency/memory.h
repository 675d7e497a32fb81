// Peak resident memory (VmHWM). Ours is measured in a process of its own, this program
// started again with --rss-probe, so that the peers' pipes and the other models loaded
// here do not count.
#pragma once
#include "options.h"

#include <string>

namespace mnv3::bench {

long peak_rss_kb();  // this process's, KiB; -1 when /proc does not say

// Our peak RSS (KiB) for the model NAME at o.threads and o.variant; -1 on failure.
long probe_our_rss(const Options &o, const std::string &name);

// The --rss-probe mode: load o.names[0], run it, print {"engine":"ours","peak_rss_kb":N}.
int rss_probe(const Options &o);

}  // namespace mnv3::bench

#include "memory.h"

#include "../bench_io.h"
#include "json.h"
#include "mnv3/network.h"

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <unistd.h>
#include <vector>

namespace mnv3::bench {

long peak_rss_kb() {
    std::ifstream f("/proc/self/status");
    std::string line;
    while (std::getline(f, line))
        if (line.rfind("VmHWM:", 0) == 0) return std::atol(line.c_str() + 6);
    return -1;
}

long probe_our_rss(const Options &o, const std::string &name) {
    std::string cmd = "'/proc/" + std::to_string(getpid()) + "/exe' --rss-probe --models '" + o.models + "' --names " +
                      name + " --threads " + std::to_string(o.threads);
    if (!o.variant.empty()) cmd += " --variant " + o.variant;
    // /proc/PID/exe of this process stays valid while we wait.
    FILE *p = popen(cmd.c_str(), "r");
    if (!p) return -1;
    char buf[256] = {0};
    size_t n = fread(buf, 1, sizeof buf - 1, p);
    buf[n] = 0;
    if (pclose(p) != 0) return -1;
    return long(json_number(buf, "peak_rss_kb", -1));
}

int rss_probe(const Options &o) {
    const std::string base = o.models + "/" + o.names.at(0);
    auto net = mnv3::Network::load(base + ".mnv3w", o.variant);
    mnv3::Network::set_threads(o.threads);
    std::vector<float> input = read_floats(base + ".input.bin");
    for (int i = 0; i < 20; i++) net->run(input.data(), input.size());
    std::printf("{\"engine\":\"ours\",\"peak_rss_kb\":%ld}\n", peak_rss_kb());
    return 0;
}

}  // namespace mnv3::bench

// Small helpers shared by the measuring programs (bench/, autotune/): the raw float files
// tools/export_torch.py writes, and comma lists on command lines.
#pragma once
#include "mnv3/error.h"

#include <cstring>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>
#include <vector>

namespace mnv3::bench {

// A raw little-endian float32 file (NAME.input.bin, NAME.logits.bin). Throws mnv3::Error.
inline std::vector<float> read_floats(const std::string &path) {
    std::ifstream f(path, std::ios::binary);
    if (!f) throw mnv3::Error("cannot read " + path);
    std::vector<char> bytes((std::istreambuf_iterator<char>(f)), {});
    std::vector<float> v(bytes.size() / 4);
    std::memcpy(v.data(), bytes.data(), v.size() * 4);
    return v;
}

// "a,b,,c" -> {"a", "b", "c"}.
inline std::vector<std::string> split(const std::string &s, char sep) {
    std::vector<std::string> out;
    std::stringstream ss(s);
    std::string item;
    while (std::getline(ss, item, sep))
        if (!item.empty()) out.push_back(item);
    return out;
}

}  // namespace mnv3::bench

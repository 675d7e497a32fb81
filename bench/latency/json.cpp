#include "json.h"

#include "../bench_io.h"
#include "mnv3/error.h"

#include <cstdint>
#include <cstdio>
#include <cstdlib>

namespace mnv3::bench {

bool json_has(const std::string &line, const std::string &key) {
    return line.find("\"" + key + "\":") != std::string::npos;
}

double json_number(const std::string &line, const std::string &key, double fallback) {
    size_t at = line.find("\"" + key + "\":");
    if (at == std::string::npos) return fallback;
    return std::strtod(line.c_str() + at + key.size() + 3, nullptr);
}

std::vector<double> json_numbers(const std::string &line, const std::string &key) {
    size_t at = line.find("\"" + key + "\":[");
    if (at == std::string::npos) throw mnv3::Error("no " + key + " in: " + line.substr(0, 200));
    size_t start = at + key.size() + 4, end = line.find(']', start);
    std::vector<double> v;
    for (const std::string &s : split(line.substr(start, end - start), ',')) v.push_back(std::stod(s));
    return v;
}

std::string json_escape(const std::string &s) {
    std::string o;
    for (char c : s) {
        if (c == '"' || c == '\\') o += '\\', o += c;
        else if (c == '\n') o += "\\n";
        else if (uint8_t(c) < 0x20) o += ' ';
        else o += c;
    }
    return o;
}

std::string json_num(double v) {
    if (!std::isfinite(v)) return "null";
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.6g", v);
    return buf;
}

std::string json_array(const std::vector<double> &v) {
    std::string s = "[";
    for (size_t i = 0; i < v.size(); i++) s += (i ? "," : "") + json_num(v[i]);
    return s + "]";
}

}  // namespace mnv3::bench

// Just enough JSON for bench_latency: reading the flat one-line objects the peers print
// (our own format, so no general parser), and writing numbers, strings and arrays.
#pragma once
#include <cmath>
#include <string>
#include <vector>

namespace mnv3::bench {

// Reading a peer's line.
bool json_has(const std::string &line, const std::string &key);
double json_number(const std::string &line, const std::string &key, double fallback = NAN);
// KEY's array of numbers; throws mnv3::Error when there is none.
std::vector<double> json_numbers(const std::string &line, const std::string &key);

// Writing. Non-finite numbers become null; %.6g, which the report and its readers expect.
std::string json_escape(const std::string &s);
std::string json_num(double v);
std::string json_array(const std::vector<double> &v);

}  // namespace mnv3::bench

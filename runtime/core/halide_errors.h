// Halide reports errors through a process-wide handler; the default one prints and, in
// some runtimes, aborts. Ours keeps the last message so that a failing layer can throw it.
#pragma once
#include <string>

namespace mnv3 {

void install_halide_error_handler();  // once per process; later calls do nothing
std::string last_halide_error();

}  // namespace mnv3

#include "halide_errors.h"

#include "HalideRuntime.h"

#include <mutex>

namespace mnv3 {

namespace {
// The handler may be called from a worker thread, hence the lock.
std::mutex g_mutex;
std::string g_last;
void record_error(void *, const char *msg) {
    std::lock_guard<std::mutex> lock(g_mutex);
    g_last = msg ? msg : "unknown error";
    while (!g_last.empty() && g_last.back() == '\n') g_last.pop_back();
}
}  // namespace

void install_halide_error_handler() {
    static std::once_flag once;
    std::call_once(once, [] { halide_set_error_handler(record_error); });
}

std::string last_halide_error() {
    std::lock_guard<std::mutex> lock(g_mutex);
    return g_last;
}

}  // namespace mnv3

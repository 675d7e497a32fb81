// libFuzzer target for the .mnv3w weight-file reader (mnv3::parse_weights): any input must
// parse or throw mnv3::Error (no crash, no sanitizer report, no other exception, no
// allocation beyond -rss_limit_mb), and what parses must satisfy the format's guarantees.
// Each input is parsed as given and, when that differs, with its checksum recomputed:
// otherwise nearly every mutation dies at the checksum and the fuzzer never gets past it.
// Seeds: small files written by tools/mnv3w.py (or build/tests/refs/*.mnv3w, which are
// larger and slower to mutate).
#include "mnv3/error.h"
#include "mnv3/packing.h"
#include "mnv3/weights.h"

#include <cinttypes>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

namespace {

void parse(const uint8_t *data, size_t size) {
    try {
        const mnv3::Weights w = mnv3::parse_weights(data, size, "fuzz input");
        size_t total = 0;
        for (const auto &[name, t] : w.tensors) {
            size_t n = 1;
            for (int d : t.shape) {
                if (d < 1) std::abort();
                n *= size_t(d);
            }
            if (t.shape.empty() || t.shape.size() > 4 || n != t.data.size()) std::abort();
            const bool ranges = name.rfind("ranges.", 0) == 0;
            for (float v : t.data)
                if (std::isnan(v) || (!ranges && !(std::fabs(v) <= mnv3::kMaxWeight))) std::abort();
            total += 4 * n;
        }
        if (total > size) std::abort();  // tensors do not overlap and lie inside the file
        if (!(w.bn_eps > 0 && w.bn_eps < 1)) std::abort();
        w.config.validate();
    } catch (const mnv3::Error &) {
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    parse(data, size);
    // Reseal: the checksum's 16 hex digits set to the FNV-1a 64 of the file with them as '0'.
    static const char prefix[] = "checksum fnv1a64 ";
    const size_t plen = sizeof prefix - 1;
    const size_t limit = size < mnv3::kMaxWeightHeaderBytes ? size : mnv3::kMaxWeightHeaderBytes;
    for (size_t i = 0; i + plen + 16 <= limit; i++) {
        if (std::memcmp(data + i, prefix, plen) != 0 || (i > 0 && data[i - 1] != '\n')) continue;
        std::vector<uint8_t> copy(data, data + size);
        std::memset(copy.data() + i + plen, '0', 16);
        uint64_t h = 14695981039346656037ull;
        for (uint8_t c : copy) h = (h ^ c) * 1099511628211ull;
        char hex[17];
        std::snprintf(hex, sizeof hex, "%016" PRIx64, h);
        std::memcpy(copy.data() + i + plen, hex, 16);
        if (std::memcmp(copy.data(), data, size) != 0) parse(copy.data(), copy.size());
        break;
    }
    return 0;
}

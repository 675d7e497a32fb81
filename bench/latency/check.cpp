#include "check.h"

#include <algorithm>
#include <cmath>

namespace mnv3::bench {

double max_rel_diff(const float *a, size_t n, const std::vector<float> &ref) {
    if (n != ref.size() || ref.empty()) return INFINITY;
    double m = 0, d = 0;
    for (size_t i = 0; i < n; i++) {
        m = std::max(m, std::fabs(double(ref[i])));
        d = std::max(d, std::fabs(double(a[i]) - ref[i]));
    }
    return std::isnan(d) ? INFINITY : d / m;
}

}  // namespace mnv3::bench

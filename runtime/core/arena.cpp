#include "arena.h"

#include <algorithm>
#include <numeric>

namespace mnv3 {

ArenaPlan plan_arena(const Graph &g) {
    const size_t n = g.tensors.size(), steps = g.nodes.size();
    std::vector<size_t> first(n, 0), last(n, 0);
    for (size_t s = 0; s < steps; s++) {
        for (int t : g.nodes[s].outputs) first[t] = last[t] = s;
        for (int t : g.nodes[s].inputs) last[t] = std::max(last[t], s);
    }
    for (int t : g.inputs) first[t] = 0;
    for (int t : g.outputs) last[t] = steps;

    auto size_of = [&](size_t t) {
        return (g.tensors[t].shape.bytes() + ArenaPlan::kAlign - 1) / ArenaPlan::kAlign * ArenaPlan::kAlign;
    };
    std::vector<size_t> order(n);
    std::iota(order.begin(), order.end(), size_t(0));
    std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return size_of(a) > size_of(b); });

    ArenaPlan plan;
    plan.offset.assign(n, 0);
    std::vector<size_t> placed;
    for (size_t t : order) {
        // Byte ranges of already placed tensors live at the same time, by start.
        std::vector<std::pair<size_t, size_t>> busy;
        for (size_t u : placed)
            if (first[u] <= last[t] && first[t] <= last[u]) busy.push_back({plan.offset[u], plan.offset[u] + size_of(u)});
        std::sort(busy.begin(), busy.end());
        size_t at = 0;
        for (const auto &[lo, hi] : busy) {
            if (at + size_of(t) <= lo) break;
            at = std::max(at, hi);
        }
        plan.offset[t] = at;
        plan.bytes = std::max(plan.bytes, at + size_of(t));
        placed.push_back(t);
    }
    return plan;
}

}  // namespace mnv3

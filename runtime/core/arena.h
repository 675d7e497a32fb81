// The activation memory plan: one arena for every tensor of a graph, offsets chosen from
// the tensors' lifetimes at load time, so that run() allocates nothing and tensors that are
// never live at once share memory.
#pragma once
#include "mnv3/graph.h"

#include <cstddef>
#include <vector>

namespace mnv3 {

struct ArenaPlan {
    std::vector<size_t> offset;  // per graph tensor, bytes from the arena start
    size_t bytes = 0;            // arena size
    static constexpr size_t kAlign = 64;  // every tensor starts on a cache line
};

// A tensor is live from the node that writes it (graph inputs: from the start) to the last
// node that reads it (graph outputs: to the end, so they survive the run). Tensors whose
// lifetimes overlap get disjoint byte ranges: largest first, each at the lowest offset
// that clears every overlapping tensor placed before it.
ArenaPlan plan_arena(const Graph &g);

}  // namespace mnv3

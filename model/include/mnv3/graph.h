// A model as a graph: layer instances (nodes) over named, typed tensors. A node reads one
// or more tensors and writes one or more (a bneck with a tap writes its output and its
// expansion); the graph has named inputs and outputs. Nodes are kept in an order in which
// every tensor is written before it is read, so the runtime runs them as listed.
#pragma once
#include "mnv3/model_zoo.h"

#include <string>
#include <vector>

namespace mnv3 {

struct GraphTensor {
    std::string name;
    TensorShape shape;
};

struct Node {
    std::string name;         // e.g. "features.3": also the prefix of its trained tensors
    LayerSpec layer;
    std::vector<int> inputs;  // tensor ids, in the order of layer.inputs()
    std::vector<int> outputs; // tensor ids, in the order of layer.outputs()
    std::string ranges;       // its trained clamp-ranges tensor ("ranges.3") when the layer clamps
};

class Graph {
public:
    std::vector<GraphTensor> tensors;
    std::vector<Node> nodes;
    std::vector<int> inputs, outputs;  // tensor ids

    // Adds a graph input. Throws std::invalid_argument on a duplicate name.
    int add_input(const std::string &name, const TensorShape &shape);
    // Appends a node reading the named tensors; its outputs become new tensors, named by
    // `output_names` or by default "<node>" for the first and "<node>.<arg>" for the rest.
    // Throws std::invalid_argument when a tensor is unknown or its shape is not the port's.
    Node &add_node(const std::string &name, const LayerSpec &layer, const std::vector<std::string> &input_names,
                   std::vector<std::string> output_names = {});
    void add_output(const std::string &tensor_name);
    int find(const std::string &tensor_name) const;  // -1 if absent
    // Every tensor is written by exactly one node (or is an input) before it is read, and
    // every output is written. Throws std::invalid_argument.
    void check() const;
};

// The graph of a zoo configuration: input "image" (the normalised NHWC image), nodes
// features.0 ... features.N+1, output "logits", then one output per tap
// ("features.<i>.expansion").
Graph build_graph(const ModelConfig &cfg);

}  // namespace mnv3

#include "mnv3/graph.h"

#include <stdexcept>

namespace mnv3 {

int Graph::find(const std::string &name) const {
    for (size_t i = 0; i < tensors.size(); i++)
        if (tensors[i].name == name) return int(i);
    return -1;
}

int Graph::add_input(const std::string &name, const TensorShape &shape) {
    if (find(name) >= 0) throw std::invalid_argument("graph: tensor '" + name + "' defined twice");
    tensors.push_back({name, shape});
    inputs.push_back(int(tensors.size() - 1));
    return inputs.back();
}

Node &Graph::add_node(const std::string &name, const LayerSpec &layer, const std::vector<std::string> &input_names,
                      std::vector<std::string> output_names) {
    const std::vector<Port> in_ports = layer.inputs(), out_ports = layer.outputs();
    if (input_names.size() != in_ports.size())
        throw std::invalid_argument("graph: node " + name + " (" + layer.generator() + ") reads " +
                                    std::to_string(in_ports.size()) + " tensors, given " +
                                    std::to_string(input_names.size()));
    Node n{name, layer, {}, {}, ""};
    for (size_t i = 0; i < in_ports.size(); i++) {
        const int t = find(input_names[i]);
        if (t < 0) throw std::invalid_argument("graph: node " + name + " reads unknown tensor '" + input_names[i] + "'");
        if (tensors[t].shape != in_ports[i].shape)
            throw std::invalid_argument("graph: node " + name + " argument " + in_ports[i].arg + " wants " +
                                        to_string(in_ports[i].shape) + ", tensor " + input_names[i] + " is " +
                                        to_string(tensors[t].shape));
        n.inputs.push_back(t);
    }
    for (size_t i = 0; i < out_ports.size(); i++) {
        std::string tn = i < output_names.size() ? output_names[i] : i == 0 ? name : name + "." + out_ports[i].arg;
        if (find(tn) >= 0) throw std::invalid_argument("graph: tensor '" + tn + "' defined twice");
        tensors.push_back({tn, out_ports[i].shape});
        n.outputs.push_back(int(tensors.size() - 1));
    }
    nodes.push_back(std::move(n));
    return nodes.back();
}

void Graph::add_output(const std::string &name) {
    const int t = find(name);
    if (t < 0) throw std::invalid_argument("graph: output '" + name + "' is not a tensor");
    outputs.push_back(t);
}

void Graph::check() const {
    std::vector<int> written(tensors.size(), 0);
    for (int i : inputs) written[i]++;
    for (const Node &n : nodes) {
        for (int t : n.inputs)
            if (!written[t]) throw std::invalid_argument("graph: node " + n.name + " reads " + tensors[t].name + " before it is written");
        for (int t : n.outputs)
            if (written[t]++) throw std::invalid_argument("graph: tensor " + tensors[t].name + " is written twice");
    }
    if (outputs.empty()) throw std::invalid_argument("graph: no outputs");
    for (int t : outputs)
        if (!written[t]) throw std::invalid_argument("graph: output " + tensors[t].name + " is never written");
}

Graph build_graph(const ModelConfig &cfg) {
    const std::vector<LayerSpec> layers = build_layers(cfg);
    Graph g;
    g.add_input("image", layers.front().inputs().front().shape);
    std::string prev = "image";
    for (size_t i = 0; i < layers.size(); i++) {
        const std::string name = "features." + std::to_string(i);
        const bool last = i + 1 == layers.size();
        Node &n = g.add_node(name, layers[i], {prev}, last ? std::vector<std::string>{"logits"} : std::vector<std::string>{});
        // Weight files keep a clamping layer's ranges as "ranges.<layer index>".
        if (n.layer.clamp_slots() > 0) n.ranges = "ranges." + std::to_string(i);
        prev = g.tensors[n.outputs[0]].name;
    }
    g.add_output("logits");
    for (int t : cfg.taps) g.add_output("features." + std::to_string(t) + ".expansion");
    g.check();
    return g;
}

}  // namespace mnv3

// mnv3::Classifier (mnv3/classifier.h): the input conventions, softmax and top-k that
// apps/classify and examples/android share.
#include "mnv3/classifier.h"

#include "mnv3/error.h"

#include <algorithm>
#include <cmath>

namespace mnv3 {

bool has_extension(const std::string &s, const std::string &suffix) {
    if (s.size() < suffix.size()) return false;
    const size_t at = s.size() - suffix.size();
    for (size_t i = 0; i < suffix.size(); i++) {
        char c = s[at + i];
        if (c >= 'A' && c <= 'Z') c = char(c - 'A' + 'a');
        if (c != suffix[i]) return false;
    }
    return true;
}

Classifier::Classifier(const std::string &model_path) {
    if (has_extension(model_path, ".tflite")) {
        ImportedModel imp = import_tflite_file(model_path);
        net_ = std::make_unique<Network>(imp.weights);
        input_ = imp.input;
    } else if (has_extension(model_path, ".mnv3w")) {
        net_ = Network::load(model_path);
        input_ = PixelNormalisation::imagenet();
    } else {
        throw Error("model '" + model_path + "': expected a .tflite or .mnv3w file");
    }
}

Classifier::Classifier(const Weights &weights, const PixelNormalisation &input)
    : net_(std::make_unique<Network>(weights)), input_(input) {}

// The rule import_tflite uses for ImportedModel::background_class, for every model.
bool Classifier::background_class() const { return net_->num_classes() == 1001; }

int Classifier::num_labels() const { return net_->num_classes() - (background_class() ? 1 : 0); }

void Classifier::normalise(const uint8_t *rgb, size_t size, std::vector<float> &x) const {
    const size_t want = size_t(net_->input_height()) * net_->input_width() * 3;
    if (size != want)
        throw Error("classifier: " + std::to_string(size) + " bytes of RGB, the network takes " +
                    std::to_string(net_->input_width()) + "x" + std::to_string(net_->input_height()) + "x3 = " +
                    std::to_string(want));
    x.resize(size);
    if (input_.kind == PixelNormalisation::ImageNet) {
        static const float mean[3] = {0.485f, 0.456f, 0.406f}, std_[3] = {0.229f, 0.224f, 0.225f};
        for (size_t i = 0; i < size; i++) x[i] = (rgb[i] / 255.0f - mean[i % 3]) / std_[i % 3];
    } else {
        const float zero = input_.affine.zero, scale = input_.affine.scale;
        for (size_t i = 0; i < size; i++) x[i] = (float(rgb[i]) - zero) * scale;
    }
}

const float *Classifier::run(const std::vector<float> &x) { return net_->run(x.data(), x.size()); }

std::vector<float> Classifier::softmax(const float *logits) const {
    const int classes = net_->num_classes();
    std::vector<float> prob(classes);
    const float mx = *std::max_element(logits, logits + classes);
    double sum = 0;
    for (int c = 0; c < classes; c++) sum += prob[c] = std::exp(logits[c] - mx);
    for (float &p : prob) p = float(p / sum);
    return prob;
}

std::vector<Prediction> Classifier::top_k(const std::vector<float> &prob, int k) const {
    const int classes = net_->num_classes(), offset = background_class() ? 1 : 0;
    if (int(prob.size()) != classes)
        throw Error("classifier: top_k of " + std::to_string(prob.size()) + " probabilities, the network has " +
                    std::to_string(classes) + " classes");
    if (k < 1) throw Error("classifier: top_k needs k >= 1, got " + std::to_string(k));
    k = std::min(k, classes);
    std::vector<int> order(classes);
    for (int c = 0; c < classes; c++) order[c] = c;
    std::partial_sort(order.begin(), order.begin() + k, order.end(),
                      [&](int a, int b) { return prob[a] > prob[b] || (prob[a] == prob[b] && a < b); });
    std::vector<Prediction> top(k);
    for (int i = 0; i < k; i++) top[i] = {order[i], order[i] - offset, prob[order[i]]};
    return top;
}

}  // namespace mnv3

#include "mnv3_classifier.h"

#include "mnv3/classifier.h"
#include "mnv3/image.h"

#include <algorithm>
#include <exception>
#include <memory>
#include <string>
#include <vector>

struct mnv3_classifier {
    explicit mnv3_classifier(const char *path) : classifier(path) {}
    mnv3::Classifier classifier;
    std::vector<float> x;
};

namespace {
std::string g_error;
}

extern "C" mnv3_classifier *mnv3_classifier_create(const char *tflite_path, int threads, const char **error) {
    try {
        auto c = std::make_unique<mnv3_classifier>(tflite_path);
        mnv3::Network::set_threads(std::max(1, threads));
        return c.release();
    } catch (const std::exception &e) {
        g_error = e.what();
        if (error) *error = g_error.c_str();
        return nullptr;
    }
}

extern "C" int mnv3_classifier_top1(mnv3_classifier *c, const uint8_t *rgb, int width, int height, float *probability) {
    try {
        mnv3::Classifier &m = c->classifier;
        mnv3::Image img;
        img.width = width;
        img.height = height;
        img.rgb.assign(rgb, rgb + size_t(width) * height * 3);
        mnv3::Image px = mnv3::crop_resize(img, m.network().input_width());
        m.normalise(px.rgb.data(), px.rgb.size(), c->x);
        // The best two: when the first is the background class (1001 outputs, so there is a
        // second), the second is the best ImageNet class.
        const std::vector<mnv3::Prediction> top = m.top_k(m.softmax(m.run(c->x)), 2);
        const mnv3::Prediction &best = top[0].label < 0 ? top[1] : top[0];
        if (probability) *probability = best.probability;
        return best.label;
    } catch (const std::exception &e) {
        g_error = e.what();
        return -1;
    }
}

extern "C" void mnv3_classifier_destroy(mnv3_classifier *c) { delete c; }

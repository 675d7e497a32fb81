#include "mnv3_classifier.h"

#include "mnv3/image.h"
#include "mnv3/network.h"
#include "mnv3/tflite_import.h"

#include <algorithm>
#include <cmath>
#include <exception>
#include <memory>
#include <string>
#include <vector>

struct mnv3_classifier {
    std::unique_ptr<mnv3::Network> net;
    mnv3::InputConvention input;
    bool background = false;
    std::vector<float> x;
};

namespace {
std::string g_error;
}

extern "C" mnv3_classifier *mnv3_classifier_create(const char *tflite_path, int threads, const char **error) {
    try {
        auto c = std::make_unique<mnv3_classifier>();
        mnv3::ImportedModel imp = mnv3::import_tflite_file(tflite_path);
        c->net = std::make_unique<mnv3::Network>(imp.weights);
        c->input = imp.input;
        c->background = imp.background_class;
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
        mnv3::Image img;
        img.width = width;
        img.height = height;
        img.rgb.assign(rgb, rgb + size_t(width) * height * 3);
        mnv3::Image px = mnv3::crop_resize(img, c->net->input_width());
        c->x.resize(px.rgb.size());
        for (size_t i = 0; i < px.rgb.size(); i++) c->x[i] = (float(px.rgb[i]) - c->input.zero) * c->input.scale;
        const float *logits = c->net->run(c->x.data(), c->x.size());
        const int n = c->net->num_classes(), first = c->background ? 1 : 0;
        const int best = int(std::max_element(logits + first, logits + n) - logits);
        if (probability) {
            double sum = 0;
            for (int i = 0; i < n; i++) sum += std::exp(double(logits[i] - logits[best]));
            *probability = float(1.0 / sum);
        }
        return best - first;
    } catch (const std::exception &e) {
        g_error = e.what();
        return -1;
    }
}

extern "C" void mnv3_classifier_destroy(mnv3_classifier *c) { delete c; }

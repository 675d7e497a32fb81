// The example's C API on a Linux target (make arm checks the installed package with it):
//   classify_png MODEL.tflite IMAGE.png   prints the top-1 ImageNet class and its probability.
#include "mnv3_classifier.h"

#include "mnv3/image.h"

#include <cstdio>
#include <exception>

int main(int argc, char **argv) {
    if (argc != 3) {
        std::fprintf(stderr, "usage: classify_png MODEL.tflite IMAGE.png\n");
        return 2;
    }
    const char *error = nullptr;
    mnv3_classifier *c = mnv3_classifier_create(argv[1], 1, &error);
    if (!c) {
        std::fprintf(stderr, "classify_png: %s\n", error);
        return 1;
    }
    try {
        mnv3::Image img = mnv3::load_png(argv[2]);
        float p = 0;
        int top = mnv3_classifier_top1(c, img.rgb.data(), img.width, img.height, &p);
        std::printf("%s: class %d (%.3f)\n", argv[2], top, p);
        mnv3_classifier_destroy(c);
        return top < 0;
    } catch (const std::exception &e) {
        std::fprintf(stderr, "classify_png: %s\n", e.what());
        return 1;
    }
}

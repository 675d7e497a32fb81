// dump_logits: the logits of a fixed set of networks and inputs, written as raw float32
// files, so that two builds of the same code for different targets (x86 and ARM) can be
// compared on the very same weights and pixels (tests/arm_vs_x86.py).
//
//   dump_logits OUT_DIR REFS_DIR MODELS_DIR IMAGES_DIR [--threads N]
//
// Writes OUT_DIR/<name>.logits for
//   - the torchvision references (REFS_DIR/<m>.mnv3w on REFS_DIR/<m>.input.bin) for
//     large_1.0, large_0.75, small_1.0 and small_0.75;
//   - the two pretrained TFLite models (MODELS_DIR) on each PNG photo in IMAGES_DIR
//     (chelsea.png, coffee.png), preprocessed as classify does (0.875 central crop).
#include "mnv3/error.h"
#include "mnv3/image.h"
#include "mnv3/network.h"
#include "mnv3/tflite_import.h"
#include "test_data.h"

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

namespace {

void write_logits(const std::string &path, const float *v, int n) {
    std::ofstream f(path, std::ios::binary);
    f.write(reinterpret_cast<const char *>(v), std::streamsize(n * sizeof(float)));
    if (!f) throw mnv3::Error("cannot write '" + path + "'");
}

}  // namespace

int main(int argc, char **argv) {
    if (argc != 5 && !(argc == 7 && std::string(argv[5]) == "--threads")) {
        std::fprintf(stderr, "usage: dump_logits OUT_DIR REFS_DIR MODELS_DIR IMAGES_DIR [--threads N]\n");
        return 2;
    }
    const std::string out = argv[1], refs = argv[2], models = argv[3], images = argv[4];
    try {
        mnv3::Network::set_threads(argc == 7 ? std::atoi(argv[6]) : 1);
        for (const char *m : {"large_1.0", "large_0.75", "small_1.0", "small_0.75"}) {
            const std::string base = refs + "/" + m;
            auto net = mnv3::Network::load(base + ".mnv3w");
            std::vector<float> input = read_floats(base + ".input.bin");
            const float *logits = net->run(input.data(), input.size());
            write_logits(out + "/" + m + ".logits", logits, net->num_classes());
            std::printf("%s\n", m);
        }
        for (const char *m : {"v3-small_224_1.0_uint8", "v3-large-minimalistic_224_1.0_uint8"}) {
            mnv3::ImportedModel imp = mnv3::import_tflite_file(models + "/" + m + ".tflite");
            mnv3::Network net(imp.weights);
            for (const char *photo : {"chelsea", "coffee"}) {
                mnv3::Image px = mnv3::crop_resize(mnv3::load_png(images + "/" + photo + ".png"), net.input_width());
                std::vector<float> x(px.rgb.size());
                for (size_t i = 0; i < x.size(); i++) x[i] = (float(px.rgb[i]) - imp.input.zero) * imp.input.scale;
                const float *logits = net.run(x.data(), x.size());
                write_logits(out + "/" + m + "." + photo + ".logits", logits, net.num_classes());
                std::printf("%s.%s\n", m, photo);
            }
        }
    } catch (const std::exception &e) {
        std::fprintf(stderr, "dump_logits: %s\n", e.what());
        return 1;
    }
    return 0;
}

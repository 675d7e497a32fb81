// libFuzzer target for the TFLite reader: any input must parse or throw mnv3::Error (no
// crash, no sanitizer report, no other exception, no allocation beyond -rss_limit_mb).
// Seeds: tests/fuzz/seeds/tflite (hand-built models written by test_tflite_reader
// "[.write_seeds]"); the pretrained models can be added to the corpus directory as well.
#include "mnv3/error.h"
#include "mnv3/tflite.h"

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    namespace tfl = mnv3::tflite;
    try {
        tfl::Model m = tfl::parse(data, size);
        // The helpers the importer uses must be safe on anything parse() accepted.
        for (size_t i = 0; i < m.tensors.size(); i++) {
            try {
                (void)tfl::tensor_u8(m, int(i));
            } catch (const mnv3::Error &) {
            }
            try {
                (void)tfl::tensor_i32(m, int(i));
            } catch (const mnv3::Error &) {
            }
        }
        (void)tfl::summary(m);
    } catch (const mnv3::Error &) {
    }
    return 0;
}

// A small C API over mnv3 for an app's native library: load a pretrained TFLite
// MobileNetV3 once, classify 8-bit RGB frames (e.g. an Android Bitmap's pixels) with it.
#pragma once
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct mnv3_classifier mnv3_classifier;

// Loads a .tflite (v3-small_224_1.0_uint8.tflite, v3-large-minimalistic_...; a .mnv3w works
// too: mnv3::Classifier) and runs the network on `threads` threads. Returns NULL on failure,
// with the message in *error (a static buffer, valid until the next failing call) when error
// is not NULL.
mnv3_classifier *mnv3_classifier_create(const char *tflite_path, int threads, const char **error);
// Classifies width x height 8-bit RGB pixels (3 bytes a pixel, rows packed): central crop,
// bilinear resize, the network. Returns the ImageNet class (0-999, background excluded) or
// -1 on failure; *probability gets its softmax probability when not NULL.
int mnv3_classifier_top1(mnv3_classifier *c, const uint8_t *rgb, int width, int height, float *probability);
void mnv3_classifier_destroy(mnv3_classifier *c);

#ifdef __cplusplus
}
#endif

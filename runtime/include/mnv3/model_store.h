// Finds the official pretrained models (../shared/data/models/MODELS.md): in the directory
// named by $MNV3_MODELS_DIR, else the build's default data directory, else a download
// cache, downloading the public release archive there (sha256 checked) when it is absent.
#pragma once
#include <string>
#include <vector>

namespace mnv3 {

struct KnownModel {
    const char *file, *sha256, *archive_url;
};
const std::vector<KnownModel> &known_models();

// Path of a verified copy of `file` (one of known_models()). Throws mnv3::Error saying where
// it looked and how to get the file when it cannot be found or downloaded.
std::string locate_model(const std::string &file);

// The directory of the shared data (labels, images): $MNV3_DATA_DIR, else the build default.
std::string data_dir();

}  // namespace mnv3

#include "mnv3/model_store.h"

#include "mnv3/error.h"
#include "mnv3/sha256.h"

#include <cstdlib>
#include <sys/stat.h>

#ifndef MNV3_DEFAULT_DATA_DIR
#define MNV3_DEFAULT_DATA_DIR "../shared/data"
#endif

namespace mnv3 {

namespace {

bool is_file(const std::string &p) {
    struct stat st;
    return stat(p.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

std::string env(const char *name) {
    const char *v = std::getenv(name);
    return v ? v : "";
}

std::string cache_dir() {
    std::string base = env("XDG_CACHE_HOME");
    if (base.empty()) base = env("HOME").empty() ? "/tmp" : env("HOME") + "/.cache";
    return base + "/mnv3/models";
}

// Shell-quotes a path for the download command.
std::string quote(const std::string &s) {
    std::string q = "'";
    for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return q + "'";
}

}  // namespace

const std::vector<KnownModel> &known_models() {
    static const std::vector<KnownModel> models = {
        {"v3-small_224_1.0_uint8.tflite", "da341cf06fa50127a72dcbeb140ee5ee98013630aa044260a4c3d45c43fc89ce",
         "https://storage.googleapis.com/mobilenet_v3/checkpoints/v3-small_224_1.0_uint8.tgz"},
        {"v3-large-minimalistic_224_1.0_uint8.tflite", "62307453547ae5871dbb07b5be79c05c253fafeddeedccf9905b2c98f184749b",
         "https://storage.googleapis.com/mobilenet_v3/checkpoints/v3-large-minimalistic_224_1.0_uint8.tgz"},
    };
    return models;
}

std::string data_dir() {
    std::string d = env("MNV3_DATA_DIR");
    return d.empty() ? MNV3_DEFAULT_DATA_DIR : d;
}

std::string locate_model(const std::string &file) {
    const KnownModel *known = nullptr;
    for (const KnownModel &m : known_models())
        if (file == m.file) known = &m;
    if (!known) throw Error("unknown pretrained model '" + file + "'");

    std::vector<std::string> dirs;
    if (!env("MNV3_MODELS_DIR").empty()) dirs.push_back(env("MNV3_MODELS_DIR"));
    dirs.push_back(data_dir() + "/models");
    dirs.push_back(cache_dir());
    std::string looked;
    for (const std::string &d : dirs) {
        const std::string p = d + "/" + file;
        looked += (looked.empty() ? "" : ", ") + d;
        if (!is_file(p)) continue;
        if (sha256_file(p) != known->sha256) throw Error(p + ": sha256 does not match the release (corrupted copy?)");
        return p;
    }

    // Not found: download the release archive into the cache and check the model's hash.
    const std::string cache = cache_dir(), target = cache + "/" + file;
    const std::string cmd = "mkdir -p " + quote(cache) + " && (curl -fsSL --max-time 120 " + quote(known->archive_url) +
                            " || wget -q -T 120 -O - " + quote(known->archive_url) + ") 2>/dev/null | tar -xzf - -C " +
                            quote(cache) + " --no-anchored --transform='s,.*/,,' " + quote(file) + " 2>/dev/null";
    if (env("MNV3_NO_DOWNLOAD").empty() && std::system(cmd.c_str()) == 0 && is_file(target)) {
        if (sha256_file(target) == known->sha256) return target;
        std::remove(target.c_str());
        throw Error("downloaded " + file + " but its sha256 does not match the release; removed it");
    }
    throw Error("pretrained model " + file + " not found (looked in " + looked + ") and could not download " +
                known->archive_url + "; set MNV3_MODELS_DIR to a folder holding it");
}

}  // namespace mnv3

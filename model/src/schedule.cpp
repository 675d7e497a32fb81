#include "mnv3/schedule.h"

#include <cstdint>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <sys/stat.h>

namespace mnv3 {

ScheduleFile ScheduleFile::read(const std::string &path) {
    // Plain C++ without the runtime's InputFile: this also runs inside the configure-time
    // lister. stat first (a FIFO would block), then read at most kMaxBytes + 1.
    struct stat st;
    if (::stat(path.c_str(), &st) != 0) return {};  // no file: generator defaults
    if (!S_ISREG(st.st_mode)) throw std::invalid_argument(path + ": not a regular file");
    if (uint64_t(st.st_size) > kMaxBytes)
        throw std::invalid_argument(path + ": larger than the " + std::to_string(kMaxBytes >> 20) + " MiB limit");
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::invalid_argument("cannot read " + path);
    std::string text(kMaxBytes + 1, '\0');
    in.read(&text[0], std::streamsize(text.size()));
    text.resize(size_t(in.gcount()));
    if (text.size() > kMaxBytes) throw std::invalid_argument(path + ": grew past the limit while read");
    return parse(text, path);
}

ScheduleFile ScheduleFile::parse(const std::string &text, const std::string &where) {
    if (text.size() > kMaxBytes) throw std::invalid_argument(where + ": larger than the limit");
    ScheduleFile f;
    std::istringstream in(text);
    std::string line;
    int lineno = 0;
    while (std::getline(in, line)) {
        lineno++;
        const std::string at = where + ":" + std::to_string(lineno);
        if (line.size() > kMaxLine) throw std::invalid_argument(at + ": line longer than 4096 bytes");
        for (char c : line)
            if ((c < ' ' || c > '~') && c != '\t' && c != '\r')
                throw std::invalid_argument(at + ": byte " + std::to_string(int(static_cast<unsigned char>(c))) +
                                            " (schedule files are printable ASCII)");
        line = line.substr(0, line.find('#'));
        std::istringstream ls(line);
        std::string key, kv;
        if (!(ls >> key)) continue;
        Knobs &k = f.entries_[key];
        while (ls >> kv) {
            const size_t eq = kv.find('=');
            if (eq == std::string::npos || eq == 0 || eq + 1 == kv.size())
                throw std::invalid_argument(at + ": bad knob '" + kv + "' for " + key + " (want name=value)");
            k[kv.substr(0, eq)] = kv.substr(eq + 1);
        }
    }
    return f;
}

Knobs ScheduleFile::resolve(const LayerSpec &layer, const Knobs &overrides) const {
    Knobs r;
    for (const std::string &key :
         {std::string("default.") + layer.generator(), layer.shape_key(), layer.signature()}) {
        auto it = entries_.find(key);
        if (it == entries_.end()) continue;
        try {
            layer.kind->check_knobs(it->second);
        } catch (const std::invalid_argument &e) {
            throw std::invalid_argument("schedule entry " + key + ": " + e.what());
        }
        for (const auto &[k, v] : it->second) r[k] = v;
    }
    // Overrides (a build variant's knobs) apply to the kinds that declare them.
    for (const auto &[k, v] : overrides) {
        bool declared = false;
        for (const KnobDecl &d : layer.kind->knobs()) declared |= d.name == k;
        if (declared) r[k] = v;
    }
    layer.kind->check_knobs(r);
    return r;
}

}  // namespace mnv3

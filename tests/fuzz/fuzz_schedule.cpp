// libFuzzer target: ScheduleFile::parse on arbitrary text returns entries or throws
// std::invalid_argument; the knobs it resolves for every layer of two zoo configurations
// either are refused (std::invalid_argument) or pass the kind's own knob check, so the
// build never hands a generator an undeclared or out-of-range knob. Anything else aborts.
#include "mnv3/model_zoo.h"
#include "mnv3/schedule.h"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <stdexcept>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    static const std::vector<mnv3::LayerSpec> layers = [] {
        std::vector<mnv3::LayerSpec> l = mnv3::build_layers(mnv3::ModelConfig::parse("large 1.0 224 sym 1000 tap=13"));
        for (const mnv3::LayerSpec &s : mnv3::build_layers(mnv3::ModelConfig::parse("small-min 0.75 96 same 1001 ranges")))
            l.push_back(s);
        return l;
    }();
    mnv3::ScheduleFile f;
    try {
        f = mnv3::ScheduleFile::parse(std::string(reinterpret_cast<const char *>(data), size), "fuzz.sched");
    } catch (const std::invalid_argument &) {
        return 0;
    }
    for (const mnv3::LayerSpec &l : layers) {
        try {
            const mnv3::Knobs k = f.resolve(l, {{"fuse", "false"}});
            l.kind->check_knobs(k);  // must hold for whatever resolve returned
        } catch (const std::invalid_argument &) {
        }
    }
    return 0;
}

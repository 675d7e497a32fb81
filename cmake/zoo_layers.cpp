// Build-time tool (run by cmake/Mnv3Layers.cmake at configure time): the one source the
// build reads about layers. From the model zoo and the kinds' descriptors it prints
//   model NAME                                 each configuration in MODELS_FILE
//   layer SIGNATURE KIND name=value...         each distinct layer instance: its shape
//                                              parameters, then its schedule knobs
//                                              (SCHEDULE_FILE resolved, then OVERRIDES)
//   zoo_layers --knobs-markdown                the knob table of schedules/README.md
// Invalid knobs or configurations are reported before anything is compiled.
#include "mnv3/model_zoo.h"
#include "mnv3/schedule.h"

#include <fstream>
#include <iostream>
#include <set>

int main(int argc, char **argv) {
    if (argc == 2 && std::string(argv[1]) == "--knobs-markdown") {
        std::cout << mnv3::knobs_markdown();
        return 0;
    }
    if (argc < 3) {
        std::cerr << "usage: zoo_layers MODELS_FILE SCHEDULE_FILE [knob=value...] | --knobs-markdown\n";
        return 2;
    }
    std::ifstream in(argv[1]);
    if (!in) {
        std::cerr << "zoo_layers: cannot read " << argv[1] << "\n";
        return 1;
    }
    mnv3::Knobs overrides;
    for (int i = 3; i < argc; i++) {
        const std::string kv = argv[i];
        const size_t eq = kv.find('=');
        if (eq == std::string::npos) {
            std::cerr << "zoo_layers: bad knob override '" << kv << "' (want name=value)\n";
            return 1;
        }
        overrides[kv.substr(0, eq)] = kv.substr(eq + 1);
    }
    mnv3::ScheduleFile sched;
    try {
        sched = mnv3::ScheduleFile::read(argv[2]);
    } catch (const std::exception &e) {
        std::cerr << e.what() << "\n";
        return 1;
    }
    std::set<std::string> seen;
    std::string line;
    int lineno = 0;
    while (std::getline(in, line)) {
        lineno++;
        line = line.substr(0, line.find('#'));
        if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
        try {
            mnv3::ModelConfig cfg = mnv3::ModelConfig::parse(line);
            std::cout << "model " << cfg.name() << "\n";
            for (const mnv3::LayerSpec &l : mnv3::build_layers(cfg)) {
                if (!seen.insert(l.signature()).second) continue;
                std::cout << "layer " << l.signature() << " " << l.generator();
                for (const std::string &p : l.generator_params()) std::cout << " " << p;
                for (const auto &[k, v] : sched.resolve(l, overrides)) std::cout << " " << k << "=" << v;
                std::cout << "\n";
            }
        } catch (const std::exception &e) {
            std::cerr << argv[1] << ":" << lineno << ": " << e.what() << "\n";
            return 1;
        }
    }
    return 0;
}

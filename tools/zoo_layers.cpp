// Build-time tool: reads models.conf and prints each distinct layer instance the listed
// models need, one per line: "SIGNATURE GENERATOR name=value ..." (the generator's shape
// parameters). CMake runs it at configure time to stamp out one Halide library per line.
#include "mnv3/model_zoo.h"

#include <fstream>
#include <iostream>
#include <set>
#include <sstream>

int main(int argc, char **argv) {
    if (argc != 2) {
        std::cerr << "usage: zoo_layers MODELS_FILE\n";
        return 2;
    }
    std::ifstream in(argv[1]);
    if (!in) {
        std::cerr << "zoo_layers: cannot read " << argv[1] << "\n";
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
                std::cout << "\n";
            }
        } catch (const std::exception &e) {
            std::cerr << argv[1] << ":" << lineno << ": " << e.what() << "\n";
            return 1;
        }
    }
    return 0;
}

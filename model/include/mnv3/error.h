// Every failure the runtime reports is an mnv3::Error with a one-line message.
#pragma once
#include <stdexcept>
#include <string>

namespace mnv3 {

class Error : public std::runtime_error {
public:
    explicit Error(const std::string &what) : std::runtime_error(what) {}
};

}  // namespace mnv3

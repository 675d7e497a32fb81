// SHA-256 (FIPS 180-4), for checking downloaded model files against MODELS.md.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>

namespace mnv3 {

std::string sha256_hex(const uint8_t *data, size_t size);
// Hash of a file's contents; throws mnv3::Error when it cannot be read.
std::string sha256_file(const std::string &path);

}  // namespace mnv3

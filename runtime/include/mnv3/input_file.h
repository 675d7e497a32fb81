// The one way every reader (weights, TFLite, PNG, labels) opens its input: the path must be
// a regular file (a directory, FIFO, socket or device is refused before anything is read,
// so nothing blocks or streams forever), and its size is checked against the reader's
// documented limit before a byte is read, so peak memory is bounded by that limit.
// Errors are mnv3::Error with one line: "<what> '<path>': <reason>".
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace mnv3 {

class InputFile {
public:
    // Opens `path` for reading. `what` names the input in messages ("weight file").
    // Throws when it cannot be opened, is not a regular file, or is larger than `limit`.
    InputFile(const std::string &path, const std::string &what, uint64_t limit);
    ~InputFile();
    InputFile(const InputFile &) = delete;
    InputFile &operator=(const InputFile &) = delete;

    uint64_t size() const { return size_; }
    const std::string &path() const { return path_; }
    // "<what> '<path>'", for messages.
    std::string where() const;
    // Reads up to n bytes at the current position; returns how many (0 at the end).
    size_t read_some(void *dst, size_t n);
    // Reads exactly n bytes at `offset`; throws ("truncated") when the file is shorter.
    void read_at(uint64_t offset, void *dst, size_t n);
    // The whole file (at most `limit` bytes, checked at open).
    std::vector<uint8_t> read_all();

private:
    int fd_ = -1;
    uint64_t size_ = 0, pos_ = 0;
    std::string path_, what_;
};

// What a path is, for messages: "a directory", "a FIFO", "a device", ...; "" for a regular file.
std::string non_regular_kind(const std::string &path);

}  // namespace mnv3

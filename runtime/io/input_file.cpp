#include "mnv3/input_file.h"

#include "mnv3/error.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace mnv3 {

namespace {

std::string kind_of(mode_t m) {
    if (S_ISREG(m)) return "";
    if (S_ISDIR(m)) return "a directory";
    if (S_ISFIFO(m)) return "a FIFO";
    if (S_ISSOCK(m)) return "a socket";
    if (S_ISCHR(m) || S_ISBLK(m)) return "a device";
    return "not a regular file";
}

std::string size_text(uint64_t n) {
    if (n >= (1ull << 20) && n % (1ull << 20) == 0) return std::to_string(n >> 20) + " MiB";
    return std::to_string(n) + " bytes";
}

}  // namespace

std::string non_regular_kind(const std::string &path) {
    struct stat st;
    if (::stat(path.c_str(), &st) != 0) return "";
    return kind_of(st.st_mode);
}

InputFile::InputFile(const std::string &path, const std::string &what, uint64_t limit) : path_(path), what_(what) {
    if (path.empty()) throw Error(what + ": empty path");
    // stat before open: opening a FIFO with no writer would block.
    struct stat st;
    if (::stat(path.c_str(), &st) != 0) throw Error("cannot open " + where() + ": " + std::strerror(errno));
    if (!S_ISREG(st.st_mode)) throw Error(where() + ": " + kind_of(st.st_mode) + ", not a regular file");
    fd_ = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd_ < 0) throw Error("cannot open " + where() + ": " + std::strerror(errno));
    // The path may have been replaced between stat and open: check what was opened.
    if (::fstat(fd_, &st) != 0 || !S_ISREG(st.st_mode)) {
        ::close(fd_);
        fd_ = -1;
        throw Error(where() + ": not a regular file");
    }
    size_ = uint64_t(st.st_size);
    if (size_ > limit) {
        ::close(fd_);
        fd_ = -1;
        throw Error(where() + ": file of " + std::to_string(size_) + " bytes exceeds the " + size_text(limit) + " limit");
    }
}

InputFile::~InputFile() {
    if (fd_ >= 0) ::close(fd_);
}

std::string InputFile::where() const { return what_ + " '" + path_ + "'"; }

size_t InputFile::read_some(void *dst, size_t n) {
    // Never past the size seen at open: a file that grows while it is read is not read on.
    if (pos_ >= size_) return 0;
    if (n > size_ - pos_) n = size_t(size_ - pos_);
    for (;;) {
        const ssize_t got = ::pread(fd_, dst, n, off_t(pos_));
        if (got < 0 && errno == EINTR) continue;
        if (got < 0) throw Error("cannot read " + where() + ": " + std::strerror(errno));
        pos_ += uint64_t(got);
        return size_t(got);
    }
}

void InputFile::read_at(uint64_t offset, void *dst, size_t n) {
    if (offset > size_ || n > size_ - offset) throw Error(where() + ": truncated");
    pos_ = offset;
    size_t done = 0;
    while (done < n) {
        const size_t got = read_some(static_cast<char *>(dst) + done, n - done);
        if (got == 0) throw Error(where() + ": truncated (it shrank while being read)");
        done += got;
    }
}

std::vector<uint8_t> InputFile::read_all() {
    std::vector<uint8_t> data(static_cast<size_t>(size_));
    if (size_) read_at(0, data.data(), data.size());
    return data;
}

}  // namespace mnv3

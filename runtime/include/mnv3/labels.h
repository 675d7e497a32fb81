// Class labels files (one label per line, e.g. ../shared/data/labels/imagenet1000.txt) and
// making untrusted text (labels, file names) safe to print. Part of mnv3_classifier;
// errors are mnv3::Error with a one-line message.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace mnv3 {

// Limits of a labels file, checked before (the size) or while (lines) it is parsed, so
// memory stays bounded by about the file size.
constexpr uint64_t kMaxLabelsFileBytes = 16ull << 20;  // 16 MiB
constexpr size_t kMaxLabelBytes = 4096;                // one label, without its line end
constexpr size_t kMaxLabels = 1 << 20;                 // lines

// Parses the bytes of a labels file: lines end with "\n" (a "\r" before it is dropped);
// a last line without "\n" counts; a UTF-8 byte order mark at the start is dropped. Labels
// are kept byte for byte otherwise (control characters and invalid UTF-8 included): print
// them through json_string() or display_text(). Throws for a line longer than
// kMaxLabelBytes or more than kMaxLabels lines; `where` starts those messages.
std::vector<std::string> parse_labels(const uint8_t *data, size_t size, const std::string &where = "labels");

// Reads a labels file through mnv3::InputFile: a regular file of at most
// kMaxLabelsFileBytes ("labels file '<path>': a directory, not a regular file", ...).
std::vector<std::string> read_labels(const std::string &path);

// `s` as the contents of a JSON string (without the quotes), always valid UTF-8: " and \
// escaped, \n \t \r \b \f as such, other control characters (and DEL) as \u00XX; valid
// UTF-8 is kept as is, so valid text round-trips exactly; each maximal invalid subsequence
// (Unicode's "substitution of maximal subparts": stray bytes, overlongs, surrogates, beyond
// U+10FFFF, truncated sequences) becomes U+FFFD.
std::string json_string(const std::string &s);

// `s` for a terminal or a text log: valid UTF-8 without control characters. C0 controls
// (newline and tab included), DEL and C1 controls (U+0080..U+009F) are removed, so no
// escape sequence reaches the terminal and a message stays on one line; invalid UTF-8
// becomes U+FFFD as in json_string().
std::string display_text(const std::string &s);

}  // namespace mnv3

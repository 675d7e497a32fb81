// Labels files and printable text (mnv3/labels.h).
#include "mnv3/labels.h"

#include "mnv3/error.h"
#include "mnv3/input_file.h"

namespace mnv3 {

namespace {

// Decodes one UTF-8 sequence at s[i], advancing i. Returns the code point, or -1 for a
// maximal invalid subpart (i then skips it: at least one byte, never a byte that could
// start a valid sequence).
int32_t next_code_point(const std::string &s, size_t &i) {
    const auto byte = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
    const unsigned char b = byte(i);
    if (b < 0x80) {
        i++;
        return b;
    }
    int need;
    int32_t cp;
    unsigned char lo = 0x80, hi = 0xBF;  // the range of the second byte
    if (b >= 0xC2 && b <= 0xDF) need = 1, cp = b & 0x1F;
    else if (b >= 0xE0 && b <= 0xEF) {
        need = 2, cp = b & 0x0F;
        if (b == 0xE0) lo = 0xA0;       // overlong
        else if (b == 0xED) hi = 0x9F;  // surrogates
    } else if (b >= 0xF0 && b <= 0xF4) {
        need = 3, cp = b & 0x07;
        if (b == 0xF0) lo = 0x90;       // overlong
        else if (b == 0xF4) hi = 0x8F;  // beyond U+10FFFF
    } else {
        i++;
        return -1;
    }
    size_t k = i + 1;
    for (int n = 0; n < need; n++, k++) {
        const unsigned char c = k < s.size() ? byte(k) : 0;
        const unsigned char l = n == 0 ? lo : 0x80, h = n == 0 ? hi : 0xBF;
        if (k >= s.size() || c < l || c > h) {
            i = k;
            return -1;
        }
        cp = cp << 6 | (c & 0x3F);
    }
    i = k;
    return cp;
}

void append_utf8(std::string &o, int32_t cp) {
    if (cp < 0x80) o += char(cp);
    else if (cp < 0x800) o += char(0xC0 | cp >> 6), o += char(0x80 | (cp & 0x3F));
    else if (cp < 0x10000)
        o += char(0xE0 | cp >> 12), o += char(0x80 | (cp >> 6 & 0x3F)), o += char(0x80 | (cp & 0x3F));
    else
        o += char(0xF0 | cp >> 18), o += char(0x80 | (cp >> 12 & 0x3F)), o += char(0x80 | (cp >> 6 & 0x3F)),
            o += char(0x80 | (cp & 0x3F));
}

constexpr int32_t kReplacement = 0xFFFD;

}  // namespace

std::vector<std::string> parse_labels(const uint8_t *data, size_t size, const std::string &where) {
    std::vector<std::string> labels;
    size_t at = 0;
    if (size >= 3 && data[0] == 0xEF && data[1] == 0xBB && data[2] == 0xBF) at = 3;
    while (at < size) {
        size_t end = at;
        while (end < size && data[end] != '\n') end++;
        size_t len = end - at;
        if (len && data[at + len - 1] == '\r') len--;
        if (len > kMaxLabelBytes)
            throw Error(where + ": line " + std::to_string(labels.size() + 1) + " is longer than " +
                        std::to_string(kMaxLabelBytes) + " bytes");
        if (labels.size() == kMaxLabels)
            throw Error(where + ": more than " + std::to_string(kMaxLabels) + " lines");
        labels.emplace_back(reinterpret_cast<const char *>(data + at), len);
        at = end + 1;
    }
    return labels;
}

std::vector<std::string> read_labels(const std::string &path) {
    InputFile f(path, "labels file", kMaxLabelsFileBytes);
    const std::vector<uint8_t> bytes = f.read_all();
    return parse_labels(bytes.data(), bytes.size(), f.where());
}

std::string json_string(const std::string &s) {
    static const char hex[] = "0123456789abcdef";
    std::string o;
    o.reserve(s.size() + 8);
    for (size_t i = 0; i < s.size();) {
        const int32_t cp = next_code_point(s, i);
        switch (cp) {
        case '"': o += "\\\""; break;
        case '\\': o += "\\\\"; break;
        case '\n': o += "\\n"; break;
        case '\t': o += "\\t"; break;
        case '\r': o += "\\r"; break;
        case '\b': o += "\\b"; break;
        case '\f': o += "\\f"; break;
        default:
            if (cp < 0) append_utf8(o, kReplacement);
            else if (cp < 0x20 || cp == 0x7F) o += "\\u00", o += hex[cp >> 4], o += hex[cp & 15];
            else append_utf8(o, cp);
        }
    }
    return o;
}

std::string display_text(const std::string &s) {
    std::string o;
    o.reserve(s.size());
    for (size_t i = 0; i < s.size();) {
        const int32_t cp = next_code_point(s, i);
        if (cp < 0) append_utf8(o, kReplacement);
        else if (cp < 0x20 || (cp >= 0x7F && cp <= 0x9F)) continue;
        else append_utf8(o, cp);
    }
    return o;
}

}  // namespace mnv3

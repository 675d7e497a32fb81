// libFuzzer target: parse_labels on arbitrary bytes returns labels or throws mnv3::Error,
// within its limits; every label (and the raw input as one string, as a path would be)
// goes through json_string and display_text, whose output is checked:
//   - json_string: valid UTF-8, no raw control character or DEL, only the escapes
//     \" \\ \n \t \r \b \f \u00XX; decoded back, it equals the input when the input is
//     valid UTF-8 (paths and labels are preserved exactly);
//   - display_text: valid UTF-8 without C0, DEL or C1 controls.
// Any violation aborts. Seeds: tests/fuzz/seeds/labels (when present).
#include "mnv3/error.h"
#include "mnv3/labels.h"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

namespace {

// Strict UTF-8 check (no overlongs, surrogates or code points beyond U+10FFFF); appends the
// code points to `cps`.
bool utf8(const std::string &s, std::vector<uint32_t> *cps) {
    for (size_t i = 0; i < s.size();) {
        const unsigned char b = s[i];
        int n;
        uint32_t cp;
        if (b < 0x80) n = 0, cp = b;
        else if (b >= 0xC2 && b <= 0xDF) n = 1, cp = b & 0x1F;
        else if (b >= 0xE0 && b <= 0xEF) n = 2, cp = b & 0x0F;
        else if (b >= 0xF0 && b <= 0xF4) n = 3, cp = b & 0x07;
        else return false;
        if (i + size_t(n) >= s.size()) return false;
        for (int k = 1; k <= n; k++) {
            const unsigned char c = s[i + k];
            if ((c & 0xC0) != 0x80) return false;
            cp = cp << 6 | (c & 0x3F);
        }
        if ((n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
            return false;
        if (cps) cps->push_back(cp);
        i += size_t(n) + 1;
    }
    return true;
}

std::vector<uint32_t> code_points(const std::string &s) {
    std::vector<uint32_t> cps;
    if (!utf8(s, &cps)) std::abort();
    return cps;
}

void check_json(const std::string &in) {
    const std::string j = mnv3::json_string(in);
    const std::vector<uint32_t> cps = code_points(j);
    // Decode the JSON string contents back to code points.
    std::vector<uint32_t> back;
    for (size_t i = 0; i < cps.size(); i++) {
        const uint32_t c = cps[i];
        if (c < 0x20 || c == 0x7F || c == '"') std::abort();
        if (c != '\\') {
            back.push_back(c);
            continue;
        }
        if (++i >= cps.size()) std::abort();
        switch (cps[i]) {
        case '"': back.push_back('"'); break;
        case '\\': back.push_back('\\'); break;
        case 'n': back.push_back('\n'); break;
        case 't': back.push_back('\t'); break;
        case 'r': back.push_back('\r'); break;
        case 'b': back.push_back('\b'); break;
        case 'f': back.push_back('\f'); break;
        case 'u': {
            if (i + 4 >= cps.size()) std::abort();
            uint32_t v = 0;
            for (int k = 1; k <= 4; k++) {
                const uint32_t h = cps[i + k];
                v = v << 4 | (h >= '0' && h <= '9' ? h - '0' : h >= 'a' && h <= 'f' ? h - 'a' + 10 : (std::abort(), 0));
            }
            if (!(v < 0x20 || v == 0x7F)) std::abort();  // only control characters are \u-escaped
            back.push_back(v);
            i += 4;
            break;
        }
        default: std::abort();
        }
    }
    std::vector<uint32_t> orig;
    if (utf8(in, &orig)) {
        if (back != orig) std::abort();
    } else {
        bool replaced = false;
        for (uint32_t c : back) replaced |= c == 0xFFFD;
        if (!replaced) std::abort();
    }
}

void check_display(const std::string &in) {
    const std::string d = mnv3::display_text(in);
    for (uint32_t c : code_points(d))
        if (c < 0x20 || (c >= 0x7F && c <= 0x9F)) std::abort();
    if (d.size() > 3 * in.size()) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    const std::string raw(reinterpret_cast<const char *>(data), size);
    check_json(raw);
    check_display(raw);
    try {
        const std::vector<std::string> labels = mnv3::parse_labels(data, size, "labels");
        if (labels.size() > mnv3::kMaxLabels || labels.size() > size) std::abort();
        for (const std::string &l : labels) {
            if (l.size() > mnv3::kMaxLabelBytes || l.find('\n') != std::string::npos) std::abort();
            check_json(l);
            check_display(l);
        }
    } catch (const mnv3::Error &) {
    }
    return 0;
}

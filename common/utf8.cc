#include "common/utf8.h"

namespace esim {

namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD

bool IsControl(uint32_t code) {
  return (code < 0x20 && code != '\t' && code != '\n') || (code >= 0x7F && code <= 0x9F);
}

bool IsPlainAscii(char c) { return (c >= 0x20 && c < 0x7F) || c == '\n' || c == '\t'; }

}  // namespace

std::optional<Utf8Char> DecodeUtf8At(std::string_view text, size_t pos) {
  auto byte = [&](size_t k) { return static_cast<unsigned char>(text[k]); };
  unsigned char lead = byte(pos);
  if (lead < 0x80) return Utf8Char{lead, 1};
  size_t length;
  uint32_t code;
  if ((lead & 0xE0) == 0xC0) {
    length = 2;
    code = lead & 0x1Fu;
  } else if ((lead & 0xF0) == 0xE0) {
    length = 3;
    code = lead & 0x0Fu;
  } else if ((lead & 0xF8) == 0xF0) {
    length = 4;
    code = lead & 0x07u;
  } else {
    return std::nullopt;
  }
  if (pos + length > text.size()) return std::nullopt;
  for (size_t k = 1; k < length; ++k) {
    if ((byte(pos + k) & 0xC0) != 0x80) return std::nullopt;
    code = (code << 6) | (byte(pos + k) & 0x3Fu);
  }
  static constexpr uint32_t kMinimum[] = {0, 0, 0x80, 0x800, 0x10000};
  if (code < kMinimum[length] || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) {
    return std::nullopt;
  }
  return Utf8Char{code, length};
}

bool IsValidUtf8(std::string_view text) {
  for (size_t pos = 0; pos < text.size();) {
    std::optional<Utf8Char> c = DecodeUtf8At(text, pos);
    if (!c) return false;
    pos += c->length;
  }
  return true;
}

std::string TerminalText(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t pos = 0; pos < text.size();) {
    // Printable ASCII, the bulk of every listing, is copied a run at a time.
    size_t run = pos;
    while (run < text.size() && IsPlainAscii(text[run])) ++run;
    out.append(text.substr(pos, run - pos));
    pos = run;
    if (pos == text.size()) break;
    std::optional<Utf8Char> c = DecodeUtf8At(text, pos);
    if (c && !IsControl(c->code)) {
      out.append(text.substr(pos, c->length));
      pos += c->length;
    } else {
      out.append(kReplacement);
      pos += c ? c->length : 1;
    }
  }
  return out;
}

size_t TerminalWidth(std::string_view text) {
  size_t width = 0;
  for (size_t pos = 0; pos < text.size(); ++width) {
    std::optional<Utf8Char> c = DecodeUtf8At(text, pos);
    pos += c ? c->length : 1;  // a control is replaced by one character, a bad byte too
  }
  return width;
}

}  // namespace esim

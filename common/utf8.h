// UTF-8 checks for text that crosses a trust boundary: nicknames typed by the user, and strings
// a card sends (profile names, addresses) before they reach a terminal. Stateless; thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace esim {

// One decoded character: its code point and the bytes its encoding takes.
struct Utf8Char {
  uint32_t code;
  size_t length;
};

// The character whose well-formed encoding starts at text[pos]; nullopt for a stray or
// truncated sequence, an overlong form, a surrogate or a code point above U+10FFFF.
std::optional<Utf8Char> DecodeUtf8At(std::string_view text, size_t pos);

// True if `text` is well-formed UTF-8 throughout.
bool IsValidUtf8(std::string_view text);

// `text` made safe to write to a terminal: every byte that is not well-formed UTF-8 and every
// control character (C0 except tab and newline, DEL, C1) becomes U+FFFD, so a card cannot move
// the cursor, retitle the window or hide text with escape sequences. Other text is unchanged.
std::string TerminalText(std::string_view text);

// How many characters TerminalText(text) shows: one per well-formed character, one per
// replaced byte. (Code points, not terminal cells: East Asian wide characters count one.)
size_t TerminalWidth(std::string_view text);

}  // namespace esim

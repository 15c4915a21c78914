#include "common/utf8.h"

#include <gtest/gtest.h>

namespace esim {
namespace {

constexpr const char* kReplacement = "\xEF\xBF\xBD";

TEST(DecodeUtf8AtTest, DecodesEachLength) {
  const std::string text = "a\xC3\xA9\xE2\x9C\x88\xF0\x9F\x93\xB1";  // a é ✈ 📱
  struct Expected {
    size_t pos;
    uint32_t code;
    size_t length;
  };
  for (const Expected& e : {Expected{0, 0x61, 1}, Expected{1, 0xE9, 2}, Expected{3, 0x2708, 3},
                            Expected{6, 0x1F4F1, 4}}) {
    std::optional<Utf8Char> c = DecodeUtf8At(text, e.pos);
    ASSERT_TRUE(c) << "at " << e.pos;
    EXPECT_EQ(c->code, e.code) << "at " << e.pos;
    EXPECT_EQ(c->length, e.length) << "at " << e.pos;
  }
}

TEST(DecodeUtf8AtTest, RejectsMalformedSequences) {
  // Truncated, overlong, surrogate, above U+10FFFF, invalid lead byte, stray continuation.
  for (std::string_view bad : {"\xC3", "\xC0\xAF", "\xED\xA0\x80", "\xF4\x90\x80\x80", "\xFF", "\x80",
                               "\xE2\x9C"}) {
    EXPECT_FALSE(DecodeUtf8At(bad, 0)) << bad;
    EXPECT_FALSE(IsValidUtf8(bad)) << bad;
  }
  EXPECT_FALSE(IsValidUtf8("ab\x80"));
  EXPECT_TRUE(IsValidUtf8("Reisen \xE2\x9C\x88 \xF0\x9F\x93\xB1"));
  EXPECT_TRUE(IsValidUtf8(""));
}

TEST(TerminalTextTest, KeepsPrintableTextTabsAndNewlines) {
  const std::string text = "Travel \xE2\x9C\x88\tData\nline 2 \xC3\xA9";
  EXPECT_EQ(TerminalText(text), text);
}

TEST(TerminalTextTest, ReplacesEscapeSequencesAndControls) {
  // ESC ] 0 ; title BEL would retitle the window; ESC [ 2 J would clear the screen.
  EXPECT_EQ(TerminalText("a\x1B]0;pwned\x07" "b"), std::string("a") + kReplacement + "]0;pwned" + kReplacement + "b");
  EXPECT_EQ(TerminalText("\x1B[2J"), std::string(kReplacement) + "[2J");
  EXPECT_EQ(TerminalText("x\ry"), std::string("x") + kReplacement + "y");
  EXPECT_EQ(TerminalText(std::string_view("\0", 1)), kReplacement);
  EXPECT_EQ(TerminalText("\x7F"), kReplacement);
  EXPECT_EQ(TerminalText("\xC2\x9B" "31m"), std::string(kReplacement) + "31m");  // C1 CSI, well-formed
}

TEST(TerminalTextTest, ReplacesEachInvalidByte) {
  EXPECT_EQ(TerminalText("ok\xFF\xFE!"), std::string("ok") + kReplacement + kReplacement + "!");
  EXPECT_EQ(TerminalText("\xE2\x9C"), std::string(kReplacement) + kReplacement);
  // U+FFFD itself is printable text and stays one character.
  EXPECT_EQ(TerminalText(kReplacement), kReplacement);
}

TEST(TerminalWidthTest, CountsWhatTerminalTextShows) {
  for (std::string_view text : {"", "plain", "Reisen \xE2\x9C\x88 \xF0\x9F\x93\xB1", "a\x1B[2J", "ok\xFF\xFE!",
                                "\xE2\x9C", "a\x80\x80", "\xC2\x9B" "31m"}) {
    const std::string shown = TerminalText(text);
    size_t characters = 0;
    for (char c : shown) characters += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
    EXPECT_EQ(TerminalWidth(text), characters) << text;
  }
}

}  // namespace
}  // namespace esim

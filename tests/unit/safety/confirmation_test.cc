// TerminalConfirmer on string streams: --yes, no terminal, the exact answer (blanks and CR
// forgiven), and everything else (wrong digits, "y", "yes", empty line, end of input) refused.
#include "src/safety/confirmation.h"

#include <sstream>
#include <string>

#include <gtest/gtest.h>

namespace esim {
namespace {

const ConfirmationRequest kDelete{
    "About to DELETE a profile:\n  ICCID:     8999020020000002021\nThis is PERMANENT.\n", "2021",
    "Type the last four digits of the ICCID to delete it: "};

// What is left unread in `in`.
std::string Unread(std::istringstream& in) {
  std::string rest;
  std::getline(in, rest, '\0');
  return rest;
}

Status ConfirmWith(const std::string& input, std::string* printed = nullptr,
                   const ConfirmationRequest& request = kDelete) {
  std::istringstream in(input);
  std::ostringstream out;
  TerminalConfirmer confirmer(in, out, /*in_is_tty=*/true, /*assume_yes=*/false);
  Status status = confirmer.Confirm(request);
  if (printed) *printed = out.str();
  return status;
}

TEST(safetyTerminalConfirmer, YesConfirmsWithoutReadingOrPrinting) {
  for (bool tty : {true, false}) {
    std::istringstream in("0000\n");
    std::ostringstream out;
    TerminalConfirmer confirmer(in, out, tty, /*assume_yes=*/true);
    Status status = confirmer.Confirm(kDelete);
    EXPECT_TRUE(status.ok()) << "tty=" << tty << ": " << status.message();
    EXPECT_EQ(out.str(), "") << "tty=" << tty;
    EXPECT_EQ(Unread(in), "0000\n") << "tty=" << tty;
  }
}

TEST(safetyTerminalConfirmer, NoTerminalIsConfirmationRequiredAndReadsNothing) {
  std::istringstream in("2021\n");
  std::ostringstream out;
  TerminalConfirmer confirmer(in, out, /*in_is_tty=*/false, /*assume_yes=*/false);
  Status status = confirmer.Confirm(kDelete);
  EXPECT_EQ(status.code(), ErrorCode::kConfirmationRequired);
  EXPECT_NE(status.message().find("--yes"), std::string::npos) << status.message();
  EXPECT_NE(status.message().find("Nothing was sent"), std::string::npos) << status.message();
  EXPECT_EQ(Unread(in), "2021\n");  // even the right answer is not read without a terminal
  EXPECT_EQ(out.str().find("last four digits"), std::string::npos) << out.str();
}

TEST(safetyTerminalConfirmer, RightAnswerConfirmsAfterShowingSummaryThenPrompt) {
  std::string printed;
  Status status = ConfirmWith("2021\n", &printed);
  EXPECT_TRUE(status.ok()) << status.message();
  EXPECT_EQ(printed, kDelete.summary + kDelete.prompt);
}

TEST(safetyTerminalConfirmer, RightAnswerReadsOnlyOneLine) {
  std::istringstream in("2021\nsomething else\n");
  std::ostringstream out;
  TerminalConfirmer confirmer(in, out, true, false);
  EXPECT_TRUE(confirmer.Confirm(kDelete).ok());
  EXPECT_EQ(Unread(in), "something else\n");
}

TEST(safetyTerminalConfirmer, SurroundingBlanksAndCarriageReturnAreForgiven) {
  for (const char* input : {" 2021\n", "2021 \n", "\t 2021 \t\n", "2021\r\n", "  2021  \r\n", "2021"}) {
    std::string printed;
    Status status = ConfirmWith(input, &printed);
    EXPECT_TRUE(status.ok()) << "[" << input << "]: " << status.message();
    EXPECT_NE(printed.find(kDelete.prompt), std::string::npos) << "[" << input << "]";
  }
}

TEST(safetyTerminalConfirmer, SummaryWithoutFinalNewlineGetsOneBeforeThePrompt) {
  ConfirmationRequest request{"About to RESET the eUICC", "reset", "Type 'reset' to reset the eUICC: "};
  std::string printed;
  EXPECT_TRUE(ConfirmWith("reset\n", &printed, request).ok());
  EXPECT_EQ(printed, "About to RESET the eUICC\nType 'reset' to reset the eUICC: ");
}

TEST(safetyTerminalConfirmer, AnythingButTheExactAnswerIsNotConfirmed) {
  for (const char* input : {"2020\n", "1018\n", "y\n", "Y\n", "yes\n", "YES\n", "\n", "   \n", "\r\n",
                                  "021\n", "20211\n", "2 021\n", "02021\n", "8999020020000002021\n"}) {
    std::string printed;
    Status status = ConfirmWith(input, &printed);
    EXPECT_EQ(status.code(), ErrorCode::kNotConfirmed) << "[" << input << "]";
    EXPECT_NE(status.message().find("nothing was sent"), std::string::npos) << status.message();
    // The person was asked before being refused.
    EXPECT_NE(printed.find(kDelete.prompt), std::string::npos) << "[" << input << "]";
  }
}

TEST(safetyTerminalConfirmer, WrongWordForResetIsNotConfirmed) {
  ConfirmationRequest request{"About to RESET\n", "reset", "Type 'reset' to reset the eUICC: "};
  EXPECT_TRUE(ConfirmWith("reset\n", nullptr, request).ok());
  for (const char* input : {"Reset\n", "RESET\n", "y\n", "yes\n", "res\n", "resets\n"}) {
    EXPECT_EQ(ConfirmWith(input, nullptr, request).code(), ErrorCode::kNotConfirmed) << "[" << input << "]";
  }
}

TEST(safetyTerminalConfirmer, EndOfInputIsNotConfirmed) {
  std::string printed;
  Status status = ConfirmWith("", &printed);
  EXPECT_EQ(status.code(), ErrorCode::kNotConfirmed);
  EXPECT_NE(status.message().find("no answer"), std::string::npos) << status.message();
  // The prompt was shown, then a newline so the shell prompt does not continue on its line.
  EXPECT_EQ(printed, kDelete.summary + kDelete.prompt + "\n");
}

TEST(safetyIccidConfirmationDigits, LastFourDigits) {
  EXPECT_EQ(IccidConfirmationDigits("8999020020000002021"), "2021");
  EXPECT_EQ(IccidConfirmationDigits("8999010010000001018"), "1018");
  EXPECT_EQ(IccidConfirmationDigits("89990100100000010189"), "0189");
  EXPECT_EQ(IccidConfirmationDigits("A0000005591010FFFFFFFF8900001100"), "1100");
  EXPECT_EQ(IccidConfirmationDigits("12345"), "2345");
  EXPECT_EQ(IccidConfirmationDigits("1234"), "1234");
  EXPECT_EQ(IccidConfirmationDigits("123"), "123");
  EXPECT_EQ(IccidConfirmationDigits(""), "");
}

TEST(safetyTerminalConfirmer, ControlCharactersInTheSummaryAreDefused) {
  // The summary names the profile as the card does: ESC [2J would clear the screen around the
  // question. It is shown, but as U+FFFD, and the answer is still checked.
  const ConfirmationRequest hostile{"About to DELETE \"Travel\x1B[2J\r\"\n", "2021", "Type 2021: "};
  std::string printed;
  Status status = ConfirmWith("2021\n", &printed, hostile);
  EXPECT_TRUE(status.ok()) << status.message();
  EXPECT_EQ(printed, "About to DELETE \"Travel\xEF\xBF\xBD[2J\xEF\xBF\xBD\"\nType 2021: ");
}

}  // namespace
}  // namespace esim

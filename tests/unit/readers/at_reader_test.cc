// AtReader against a scripted modem on a real pty (tests/unit/readers/fake_modem.h).
#include "readers/at_reader.h"

#include <gtest/gtest.h>

#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <csignal>

#include "fake_modem.h"

namespace esim {
namespace {

using testing::FakeModem;
using testing::FakeModemConfig;
using testing::kGsmaIsdr;

AtReaderOptions Fast() {
  AtReaderOptions options;
  options.probe_timeout_ms = 500;
  options.command_timeout_ms = 1000;
  return options;
}

Bytes Hex(const std::string& text) { return FromHex(text).value(); }

const Bytes kOpenChannel = Hex("0070000001");
Bytes SelectIsdr(uint8_t channel) {
  Bytes select = Hex("00A4040010" + std::string(kGsmaIsdr) + "00");
  select[0] = channel;
  return select;
}

// Opens a channel and selects the ISD-R on it; returns the channel.
uint8_t OpenIsdr(AtReader& reader) {
  Result<Bytes> open = reader.Transmit(kOpenChannel);
  EXPECT_TRUE(open.ok()) << open.status().message();
  if (!open.ok() || open.value().size() != 3) return 0;
  const uint8_t channel = open.value()[0];
  Result<Bytes> select = reader.Transmit(SelectIsdr(channel));
  EXPECT_TRUE(select.ok()) << select.status().message();
  if (select.ok()) {
    EXPECT_EQ(ToHex(select.value()), "9000");
  }
  return channel;
}

TEST(AtReaderTest, CglaSessionWithEchoUrcsAndPieces) {
  FakeModemConfig config;
  config.urcs = true;
  config.split = true;
  config.session_offset = 5;  // sid != channel
  FakeModem modem(config);
  {
    auto reader = AtReader::Open(modem.path(), Fast());
    ASSERT_TRUE(reader.ok()) << reader.status().message();
    EXPECT_EQ((*reader)->Mode(), "cgla");
    EXPECT_EQ((*reader)->Name(), "at:" + modem.path());
    EXPECT_TRUE((*reader)->Atr().empty());
    const uint8_t channel = OpenIsdr(**reader);
    ASSERT_EQ(channel, 1);
    EXPECT_TRUE(modem.ReceivedLine("AT+CCHO=\"" + std::string(kGsmaIsdr) + "\""));
    Result<Bytes> answer = (*reader)->Transmit(Hex("81E2910003BF2D0000"));
    ASSERT_TRUE(answer.ok()) << answer.status().message();
    // The modem's own channel bits (1) come back: the answer is the card's.
    EXPECT_EQ(ToHex(answer.value()), "81E291009000");
    EXPECT_TRUE(modem.ReceivedLine("AT+CGLA=6,18,\"81E2910003BF2D0000\""));
    Result<Bytes> close = (*reader)->Transmit(Hex("0070800100"));
    ASSERT_TRUE(close.ok());
    EXPECT_EQ(ToHex(close.value()), "9000");
    EXPECT_TRUE(modem.ReceivedLine("AT+CCHC=6"));
  }
}

TEST(AtReaderTest, BareCchoAnswerAndStickyEcho) {
  FakeModemConfig config;
  config.ccho_plain = true;
  config.sticky_echo = true;
  config.session_offset = 10;
  FakeModem modem(config);
  auto reader = AtReader::Open(modem.path(), Fast());
  ASSERT_TRUE(reader.ok()) << reader.status().message();
  ASSERT_EQ(OpenIsdr(**reader), 1);
  Result<Bytes> answer = (*reader)->Transmit(Hex("81E2910003BF2D0000"));
  ASSERT_TRUE(answer.ok()) << answer.status().message();
  EXPECT_TRUE(modem.ReceivedLine("AT+CGLA=11,18,\"81E2910003BF2D0000\""));
}

TEST(AtReaderTest, JunkBeforeFirstAtIsRetried) {
  FakeModemConfig config;
  config.junk_at = 1;
  FakeModem modem(config);
  auto reader = AtReader::Open(modem.path(), Fast());
  ASSERT_TRUE(reader.ok()) << reader.status().message();
}

// A program killed while its command ran leaves that command's answer in flight: Open must not
// take it for the answer to its own AT and read every probe after it one answer late (here a
// CSIM-only modem would look like CGLA, then like neither).
TEST(AtReaderTest, AKilledProgramsLateAnswerDoesNotShiftTheProbes) {
  FakeModemConfig config;
  config.stale_answer = true;
  config.answer_delay_ms = 3;
  config.csim_only = true;
  FakeModem modem(config);
  auto reader = AtReader::Open(modem.path(), Fast());
  ASSERT_TRUE(reader.ok()) << reader.status().message();
  EXPECT_EQ((*reader)->Mode(), "csim");
  Result<Bytes> open = (*reader)->Transmit(kOpenChannel);
  ASSERT_TRUE(open.ok()) << open.status().message();
  EXPECT_EQ(ToHex(open.value()), "019000");  // the answer to this command, not an older one
}

TEST(AtReaderTest, UnknownAidGives6A82AfterOneStaleRetry) {
  FakeModem modem(FakeModemConfig{});
  auto reader = AtReader::Open(modem.path(), Fast());
  ASSERT_TRUE(reader.ok());
  Result<Bytes> open = (*reader)->Transmit(kOpenChannel);
  ASSERT_TRUE(open.ok());
  Bytes select = Hex("01A4040008A00000015141434C00");
  Result<Bytes> answer = (*reader)->Transmit(select);
  ASSERT_TRUE(answer.ok()) << answer.status().message();
  EXPECT_EQ(ToHex(answer.value()), "6A82");
  EXPECT_TRUE(modem.ReceivedLine("AT+CCHC=1"));
  EXPECT_TRUE(modem.ReceivedLine("AT+CCHC=4"));
  // The stale retry happens once per reader: the channel stays usable for the next AID.
  Result<Bytes> isdr = (*reader)->Transmit(SelectIsdr(open.value()[0]));
  ASSERT_TRUE(isdr.ok());
  EXPECT_EQ(ToHex(isdr.value()), "9000");
}

TEST(AtReaderTest, StaleChannelsAreClosedThenCchoSucceeds) {
  FakeModemConfig config;
  config.stale_channels = true;
  FakeModem modem(config);
  auto reader = AtReader::Open(modem.path(), Fast());
  ASSERT_TRUE(reader.ok());
  ASSERT_EQ(OpenIsdr(**reader), 1);
  EXPECT_TRUE(modem.ReceivedLine("AT+CCHC=2"));
  Result<Bytes> answer = (*reader)->Transmit(Hex("81E2910003BF2D0000"));
  ASSERT_TRUE(answer.ok()) << answer.status().message();
}

TEST(AtReaderTest, BasicChannelIsRefusedInCglaMode) {
  FakeModem modem(FakeModemConfig{});
  auto reader = AtReader::Open(modem.path(), Fast());
  ASSERT_TRUE(reader.ok());
  Result<Bytes> answer = (*reader)->Transmit(Hex("80E2910003BF2D0000"));
  ASSERT_FALSE(answer.ok());
  EXPECT_EQ(answer.status().code(), ErrorCode::kReaderError);
  EXPECT_NE(answer.status().message().find("addressed to the basic channel"), std::string::npos);
  // An opened but unmapped channel too.
  ASSERT_TRUE((*reader)->Transmit(kOpenChannel).ok());
  EXPECT_FALSE((*reader)->Transmit(Hex("81E2910003BF2D0000")).ok());
}

TEST(AtReaderTest, CsimFallbackPassesApdusAndRefusesBasicChannel) {
  FakeModemConfig config;
  config.csim_only = true;
  config.urcs = true;
  FakeModem modem(config);
  auto reader = AtReader::Open(modem.path(), Fast());
  ASSERT_TRUE(reader.ok()) << reader.status().message();
  EXPECT_EQ((*reader)->Mode(), "csim");
  Result<Bytes> open = (*reader)->Transmit(kOpenChannel);
  ASSERT_TRUE(open.ok()) << open.status().message();
  EXPECT_EQ(ToHex(open.value()), "019000");
  EXPECT_TRUE(modem.ReceivedLine("AT+CSIM=10,\"0070000001\""));
  Result<Bytes> select = (*reader)->Transmit(SelectIsdr(1));
  ASSERT_TRUE(select.ok());
  Result<Bytes> basic = (*reader)->Transmit(Hex("80E2910003BF2D0000"));
  ASSERT_FALSE(basic.ok());
  EXPECT_EQ(basic.status().code(), ErrorCode::kReaderError);
}

TEST(AtReaderTest, NeitherCglaNorCsimIsAnError) {
  FakeModemConfig config;
  config.csim_only = true;
  config.no_csim = true;
  FakeModem modem(config);
  auto reader = AtReader::Open(modem.path(), Fast());
  ASSERT_FALSE(reader.ok());
  EXPECT_EQ(reader.status().code(), ErrorCode::kReaderError);
  EXPECT_NE(reader.status().message().find("neither AT+CGLA nor AT+CSIM"), std::string::npos);
}

TEST(AtReaderTest, TimeoutThenLateAnswerIsNotTakenForTheNext) {
  FakeModemConfig config;
  config.late_apdu = 1;
  config.late_ms = 250;
  FakeModem modem(config);
  AtReaderOptions options = Fast();
  options.command_timeout_ms = 150;
  auto reader = AtReader::Open(modem.path(), options);
  ASSERT_TRUE(reader.ok());
  ASSERT_EQ(OpenIsdr(**reader), 1);
  Result<Bytes> lost = (*reader)->Transmit(Hex("81E2110003BF2D0000"));
  ASSERT_FALSE(lost.ok());
  EXPECT_EQ(lost.status().code(), ErrorCode::kReaderError);
  Result<Bytes> next = (*reader)->Transmit(Hex("81E2910103BF2D0000"));
  ASSERT_TRUE(next.ok()) << next.status().message();
  EXPECT_EQ(ToHex(next.value()), "81E291019000");  // P2 01: this command's answer, not the late one
}

TEST(AtReaderTest, HangUpIsCardRemoved) {
  FakeModemConfig config;
  config.hangup_apdu = 1;
  FakeModem modem(config);
  auto reader = AtReader::Open(modem.path(), Fast());
  ASSERT_TRUE(reader.ok());
  ASSERT_EQ(OpenIsdr(**reader), 1);
  Result<Bytes> answer = (*reader)->Transmit(Hex("81E2910003BF2D0000"));
  ASSERT_FALSE(answer.ok());
  EXPECT_EQ(answer.status().code(), ErrorCode::kCardRemoved);
}

TEST(AtReaderTest, LineLimitIsLearnedFromAPlainError) {
  FakeModemConfig config;
  config.line_limit = 200;
  FakeModem modem(config);
  auto reader = AtReader::Open(modem.path(), Fast());
  ASSERT_TRUE(reader.ok());
  EXPECT_EQ((*reader)->MaxCommandSize(), static_cast<size_t>(-1));
  EXPECT_FALSE((*reader)->BasicChannelUsable());  // sessions must open a logical channel
  ASSERT_EQ(OpenIsdr(**reader), 1);
  Bytes big = Hex("81E29100");
  big.push_back(115);
  big.resize(big.size() + 115, 0xAB);
  big.push_back(0x00);  // 121 bytes: a 259-character line
  Result<Bytes> refused = (*reader)->Transmit(big);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), ErrorCode::kReaderError);
  EXPECT_NE(refused.status().message().find("refused a 258-character command line"), std::string::npos)
      << refused.status().message();
  const size_t max = (*reader)->MaxCommandSize();
  EXPECT_LT(max, big.size());
  EXPECT_GE(max, 22u);
  // A command of the new maximum fits.
  Bytes fits = Hex("81E29100");
  fits.push_back(static_cast<uint8_t>(max - 6));
  fits.resize(max - 1, 0xCD);
  fits.push_back(0x00);
  Result<Bytes> answer = (*reader)->Transmit(fits);
  ASSERT_TRUE(answer.ok()) << answer.status().message();
}

TEST(AtReaderTest, ErrorToAnAcceptedLengthIsNotALineLimit) {
  FakeModemConfig config;
  config.error_apdu = 2;
  FakeModem modem(config);
  auto reader = AtReader::Open(modem.path(), Fast());
  ASSERT_TRUE(reader.ok());
  ASSERT_EQ(OpenIsdr(**reader), 1);
  Bytes command = Hex("81E29100") ;
  command.push_back(40);
  command.resize(45, 0x11);
  command.push_back(0x00);
  ASSERT_TRUE((*reader)->Transmit(command).ok());
  // The same length refused with a plain ERROR: the modem's (or card's) failure, not its limit.
  Result<Bytes> refused = (*reader)->Transmit(command);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), ErrorCode::kReaderError);
  EXPECT_NE(refused.status().message().find("answered ERROR to AT+CGLA"), std::string::npos)
      << refused.status().message();
  EXPECT_EQ((*reader)->MaxCommandSize(), static_cast<size_t>(-1));
}

TEST(AtReaderTest, SecondOpenOfTheSamePortIsBusy) {
  FakeModem modem(FakeModemConfig{});
  auto first = AtReader::Open(modem.path(), Fast());
  ASSERT_TRUE(first.ok());
  auto second = AtReader::Open(modem.path(), Fast());
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().code(), ErrorCode::kReaderBusy);
}

TEST(AtReaderTest, MissingDeviceIsNotFound) {
  auto reader = AtReader::Open("/dev/esimctl-no-such-port", Fast());
  ASSERT_FALSE(reader.ok());
  EXPECT_EQ(reader.status().code(), ErrorCode::kReaderNotFound);
}

TEST(AtReaderTest, DestructorClosesOpenSessions) {
  FakeModemConfig config;
  config.session_offset = 2;
  FakeModem modem(config);
  {
    auto reader = AtReader::Open(modem.path(), Fast());
    ASSERT_TRUE(reader.ok());
    ASSERT_EQ(OpenIsdr(**reader), 1);
    EXPECT_FALSE(modem.ReceivedLine("AT+CCHC=3"));
  }
  EXPECT_TRUE(modem.WaitFor("AT+CCHC=3"));
}

TEST(AtReaderTest, ReconnectForgetsChannelsAndWorksAgain) {
  FakeModem modem(FakeModemConfig{});
  auto reader = AtReader::Open(modem.path(), Fast());
  ASSERT_TRUE(reader.ok());
  ASSERT_EQ(OpenIsdr(**reader), 1);
  ASSERT_TRUE((*reader)->Reconnect(false).ok());
  EXPECT_TRUE(modem.ReceivedLine("AT+CCHC=1"));
  Result<Bytes> lost = (*reader)->Transmit(Hex("81E2910003BF2D0000"));
  ASSERT_FALSE(lost.ok());
  // Says what happened to channel 1 (not that it was the basic channel): a card reset to the session.
  EXPECT_EQ(lost.status().code(), ErrorCode::kCardRemoved);
  EXPECT_NE(lost.status().message().find("logical channel 1 was lost: the modem reset"), std::string::npos)
      << lost.status().message();
  ASSERT_EQ(OpenIsdr(**reader), 1);
}

TEST(AtReaderTest, SignalClosesOpenSessionsThenKills) {
  FakeModemConfig config;
  config.session_offset = 4;
  FakeModem modem(config);
  pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    auto reader = AtReader::Open(modem.path(), Fast());
    if (!reader.ok()) ::_exit(2);
    Result<Bytes> open = (*reader)->Transmit(kOpenChannel);
    if (!open.ok() || !(*reader)->Transmit(SelectIsdr(1)).ok()) ::_exit(3);
    ::raise(SIGTERM);
    ::_exit(4);  // not reached: the default action ends the process
  }
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFSIGNALED(status)) << "child exit " << WEXITSTATUS(status);
  EXPECT_EQ(WTERMSIG(status), SIGTERM);
  EXPECT_TRUE(modem.WaitFor("AT+CCHC=5"));
}

}  // namespace
}  // namespace esim

#include "readers/pcsc_error.h"

#include <PCSC/pcsclite.h>
#include <gtest/gtest.h>

namespace esim {
namespace {

TEST(PcscErrorTest, NoServiceSaysPcscdIsNotRunning) {
  Status s = PcscError(SCARD_E_NO_SERVICE, "connecting to pcscd");
  EXPECT_EQ(s.code(), ErrorCode::kNoService);
  EXPECT_NE(s.message().find("pcscd is not running"), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("start it"), std::string::npos) << s.message();
  EXPECT_EQ(s.message().rfind("connecting to pcscd: ", 0), 0u) << s.message();
  EXPECT_NE(s.message().find("(SCARD_E_NO_SERVICE)"), std::string::npos) << s.message();
}

TEST(PcscErrorTest, DaemonGoneMapsToNoService) {
  EXPECT_EQ(PcscError(SCARD_E_SERVICE_STOPPED, "x").code(), ErrorCode::kNoService);
  EXPECT_EQ(PcscError(SCARD_F_COMM_ERROR, "x").code(), ErrorCode::kNoService);
  EXPECT_EQ(PcscError(SCARD_E_INVALID_HANDLE, "x", PcscStage::kConnected).code(),
            ErrorCode::kNoService);
}

TEST(PcscErrorTest, NoReaders) {
  EXPECT_EQ(PcscError(SCARD_E_NO_READERS_AVAILABLE, "x").code(), ErrorCode::kNoReader);
  EXPECT_EQ(PcscError(SCARD_E_UNKNOWN_READER, "x").code(), ErrorCode::kReaderNotFound);
}

TEST(PcscErrorTest, NoCardAtConnect) {
  EXPECT_EQ(PcscError(SCARD_E_NO_SMARTCARD, "x").code(), ErrorCode::kNoCard);
  EXPECT_EQ(PcscError(SCARD_W_REMOVED_CARD, "x").code(), ErrorCode::kNoCard);
  EXPECT_NE(PcscError(SCARD_E_NO_SMARTCARD, "x").message().find("insert"), std::string::npos);
}

TEST(PcscErrorTest, CardRemovedAfterConnect) {
  for (LONG rv : {SCARD_W_REMOVED_CARD, SCARD_E_NOT_TRANSACTED, SCARD_E_NO_SMARTCARD,
                  SCARD_W_RESET_CARD, SCARD_W_UNPOWERED_CARD}) {
    Status s = PcscError(rv, "sending", PcscStage::kConnected);
    EXPECT_EQ(s.code(), ErrorCode::kCardRemoved) << PcscCodeName(rv);
  }
  EXPECT_EQ(PcscError(SCARD_E_NOT_TRANSACTED, "x").code(), ErrorCode::kReaderError);
}

TEST(PcscErrorTest, SharingViolationIsBusy) {
  Status s = PcscError(SCARD_E_SHARING_VIOLATION, "connecting");
  EXPECT_EQ(s.code(), ErrorCode::kReaderBusy);
  EXPECT_NE(s.message().find("in use by another program"), std::string::npos) << s.message();
}

TEST(PcscErrorTest, CommunicationErrorsAreReaderErrors) {
  for (LONG rv : {SCARD_E_COMM_DATA_LOST, SCARD_W_UNRESPONSIVE_CARD, SCARD_E_PROTO_MISMATCH,
                  SCARD_E_READER_UNAVAILABLE, SCARD_E_TIMEOUT, SCARD_F_INTERNAL_ERROR,
                  SCARD_E_NOT_READY}) {
    EXPECT_EQ(PcscError(rv, "x", PcscStage::kConnected).code(), ErrorCode::kReaderError)
        << PcscCodeName(rv);
  }
  EXPECT_EQ(PcscError(SCARD_E_INSUFFICIENT_BUFFER, "x").code(), ErrorCode::kInternal);
}

TEST(PcscErrorTest, EveryCodeHasANameAndAMessage) {
  // 0x80100001..0x80100031 and 0x80100065..0x8010006F: every code pcsc-lite defines.
  for (long v = 0x80100001L; v <= 0x8010006FL; ++v) {
    if (v > 0x80100031L && v < 0x80100065L) continue;
    if (v == 0x80100022L) continue;  // unused in pcsc-lite
    const LONG rv = static_cast<LONG>(v);
    Status s = PcscError(rv, "op");
    EXPECT_FALSE(s.ok());
    EXPECT_EQ(PcscCodeName(rv).rfind("SCARD_", 0), 0u) << std::hex << v;
    EXPECT_EQ(s.message().find("unknown PC/SC error"), std::string::npos)
        << std::hex << v << ": " << s.message();
  }
}

TEST(PcscErrorTest, UnknownCodeShowsHex) {
  EXPECT_EQ(PcscCodeName(static_cast<LONG>(0x80100099L)), "0x80100099");
  Status s = PcscError(static_cast<LONG>(0x80100099L), "op");
  EXPECT_EQ(s.code(), ErrorCode::kReaderError);
  EXPECT_NE(s.message().find("0x80100099"), std::string::npos);
}

TEST(PcscErrorTest, SuccessIsABug) {
  EXPECT_EQ(PcscError(SCARD_S_SUCCESS, "op").code(), ErrorCode::kInternal);
}

}  // namespace
}  // namespace esim

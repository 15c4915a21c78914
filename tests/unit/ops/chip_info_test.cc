// ReadChipInfo over the virtual eUICC: the Rules Authorisation Table (GetRAT) read with the rest,
// its exchange count, and a card that does not answer GetRAT.
#include "src/ops/chip_info.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "src/session/card_session.h"
#include "vcard/virtual_reader.h"

namespace esim {
namespace {

const std::string kDefaultState = std::string(ESIM_SOURCE_DIR) + "/vcard/default-state.json";

// The virtual card, except that a GetRAT request (BF43) is answered `sw` (an older card).
class NoRatReader : public Reader {
 public:
  NoRatReader(std::unique_ptr<Reader> inner, Bytes sw) : inner_(std::move(inner)), sw_(std::move(sw)) {}
  Result<Bytes> Transmit(ByteView command) override {
    const Bytes rat_tag{0xBF, 0x43};
    if (command.size() > 6 && command[1] == 0xE2 &&
        std::search(command.begin(), command.end(), rat_tag.begin(), rat_tag.end()) != command.end()) {
      return sw_;
    }
    return inner_->Transmit(command);
  }
  Bytes Atr() const override { return inner_->Atr(); }
  std::string Name() const override { return inner_->Name(); }
  Status Reconnect(bool reset) override { return inner_->Reconnect(reset); }
  bool SupportsExtendedLength() const override { return inner_->SupportsExtendedLength(); }

 private:
  std::unique_ptr<Reader> inner_;
  Bytes sw_;
};

std::unique_ptr<Reader> VirtualReader() {
  vcard::VirtualEuicc::Options card;
  card.persist = false;
  auto reader = vcard::OpenVirtualReader(kDefaultState, card);
  EXPECT_TRUE(reader.ok()) << reader.status().message();
  return reader.ok() ? std::move(*reader) : nullptr;
}

TEST(ChipInfoTest, ReadsTheRatInFiveExchanges) {
  auto session = CardSession::OnReader(VirtualReader(), {});
  ASSERT_TRUE(session.ok()) << session.status().message();
  auto info = ReadChipInfo(**session);
  ASSERT_TRUE(info.ok()) << info.status().message();
  ASSERT_TRUE(info->rat.ok()) << info->rat.status().message();
  // vcard/default-state.json: one rule, ppr1 and ppr2 for MCC 001 MNC 01, no consent flag.
  ASSERT_EQ(info->rat->rat.size(), 1u);
  const es10::ProfilePolicyAuthorisationRule& rule = info->rat->rat[0];
  ASSERT_FALSE(rule.pprIds.empty());
  EXPECT_EQ(rule.pprIds[0] & 0x60, 0x60);  // bits 1 (ppr1) and 2 (ppr2)
  ASSERT_EQ(rule.allowedOperators.size(), 1u);
  EXPECT_EQ(ToHex(rule.allowedOperators[0].mccMnc), "00F110");
  // SELECT, GetEID, GetEUICCInfo2, GetEuiccConfiguredAddresses, GetRAT (docs/performance.md).
  EXPECT_EQ((*session)->exchanges(), 5u);
}

TEST(ChipInfoTest, ACardWithoutGetRatStillShowsTheRest) {
  auto session = CardSession::OnReader(std::make_unique<NoRatReader>(VirtualReader(), Bytes{0x6D, 0x00}), {});
  ASSERT_TRUE(session.ok()) << session.status().message();
  auto info = ReadChipInfo(**session);
  ASSERT_TRUE(info.ok()) << info.status().message();
  EXPECT_EQ(info->eid, "89049032000000000000000012345644");
  EXPECT_EQ(info->addresses.rootDsAddress, "lpa.ds.gsma.com");
  EXPECT_FALSE(info->rat.ok());
}

}  // namespace
}  // namespace esim

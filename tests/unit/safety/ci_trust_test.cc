// ci_trust.h: which shipped GSMA CIs a TLS client trusts for a card (RSP2 Root CI1 always, the
// live CIs the card lists, test CIs it lists only with --trust-test-ci), why a chain is refused,
// the card's list from EUICCInfo1, and the shipped data itself (data/ci: every file's SKI is its
// name, the kinds are the README's).
#include <cstdlib>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "src/safety/ci_trust.h"

namespace esim {
namespace {

const std::string kRoot(kRsp2RootCi1Ski);
const std::string kOiste = "4c27967ad20c14b391e9601e41e604ad57c0222f";
const std::string kEntrust = "16704b7f351e3607f18c4b70005c3a003dfd414a";
const std::string kSgp26 = "f54172bdf98a95d65cbeb88a38a1c11d800a85c3";
const std::string kSgp26v3 = "34eecf13156518d48d30bdf06853404d115f955d";

std::vector<CiEntry> Available() {
  return {{kEntrust, CiKind::kLive, "Entrust eSIM Certification Authority"},
          {kOiste, CiKind::kLive, "OISTE GSMA CI G1"},
          {kRoot, CiKind::kLive, "GSM Association - RSP2 Root CI1"},
          {kSgp26v3, CiKind::kTest, "Test CI"},
          {kSgp26, CiKind::kTest, "GSMA Test CI"}};
}

CardCiList Card(std::vector<std::string> skis) { return CardCiList{true, std::move(skis)}; }

TEST(SelectTrustedCisTest, Rsp2RootCi1IsAlwaysTrusted) {
  EXPECT_EQ(SelectTrustedCis(Available(), CardCiList{}, false), std::vector<std::string>{kRoot});
  EXPECT_EQ(SelectTrustedCis(Available(), Card({}), true), std::vector<std::string>{kRoot});
}

TEST(SelectTrustedCisTest, LiveCisOnlyWhenTheCardListsThem) {
  EXPECT_EQ(SelectTrustedCis(Available(), Card({kOiste}), false), (std::vector<std::string>{kOiste, kRoot}));
  // Entrust is shipped but not listed: not trusted.
  auto trusted = SelectTrustedCis(Available(), Card({kOiste, kRoot}), false);
  EXPECT_EQ(std::count(trusted.begin(), trusted.end(), kEntrust), 0);
  EXPECT_EQ(trusted.size(), 2u);
}

TEST(SelectTrustedCisTest, TestCisOnlyWithTheOptionAndOnlyWhenListed) {
  EXPECT_EQ(SelectTrustedCis(Available(), Card({kSgp26}), false), std::vector<std::string>{kRoot});
  EXPECT_EQ(SelectTrustedCis(Available(), Card({kSgp26}), true), (std::vector<std::string>{kRoot, kSgp26}));
  // The option does not trust test CIs the card does not list, nor any when the list is unknown.
  EXPECT_EQ(SelectTrustedCis(Available(), Card({kOiste}), true), (std::vector<std::string>{kOiste, kRoot}));
  EXPECT_EQ(SelectTrustedCis(Available(), CardCiList{}, true), std::vector<std::string>{kRoot});
}

TEST(SelectTrustedCisTest, ListedKeysEsimctlDoesNotShipAreIgnored) {
  EXPECT_EQ(SelectTrustedCis(Available(), Card({std::string(40, 'a')}), true), std::vector<std::string>{kRoot});
}

TEST(ExplainUntrustedIssuerTest, TestCiWithoutTheOption) {
  std::string why = ExplainUntrustedIssuer(Available(), Card({kSgp26, kRoot}), false, kSgp26, "CN=Test CI");
  EXPECT_EQ(why, "its certificate is issued under the test CI 'GSMA Test CI' (" + kSgp26 +
                     "), which esimctl trusts only with --trust-test-ci (for test servers)");
}

TEST(ExplainUntrustedIssuerTest, CiTheCardDoesNotList) {
  std::string why = ExplainUntrustedIssuer(Available(), Card({kOiste}), false, kEntrust, "CN=Entrust");
  EXPECT_EQ(why, "its certificate is issued under the CI 'Entrust eSIM Certification Authority' (" + kEntrust +
                     "), which this card does not list (the card lists: " + kOiste + ")");
  // Not listed wins over "test CI": the option would not help.
  why = ExplainUntrustedIssuer(Available(), Card({kSgp26v3}), false, kSgp26, "");
  EXPECT_NE(why.find("which this card does not list (the card lists: " + kSgp26v3 + ")"), std::string::npos) << why;
  why = ExplainUntrustedIssuer(Available(), Card({}), true, kSgp26, "");
  EXPECT_NE(why.find("does not list (the card lists: none)"), std::string::npos) << why;
}

TEST(ExplainUntrustedIssuerTest, UnknownIssuerAndUnknownCardList) {
  std::string why = ExplainUntrustedIssuer(Available(), Card({kRoot}), false, "0102", "CN=Private CA");
  EXPECT_EQ(why, "its certificate is not under any CA or GSMA CI esimctl trusts (issuer 'CN=Private CA', key 0102); "
                 "for a private CA add --ca-file");
  why = ExplainUntrustedIssuer(Available(), Card({kRoot}), false, "", "");
  EXPECT_EQ(why, "its certificate is not under any CA or GSMA CI esimctl trusts; for a private CA add --ca-file");
  why = ExplainUntrustedIssuer(Available(), CardCiList{}, false, kOiste, "");
  EXPECT_NE(why.find("the card's CI list could not be read"), std::string::npos) << why;
}

TEST(CardCiListTest, ReadsTheVerificationListFromEuiccInfo1) {
  // BF20 { 82 svn 02 02 00, A9 { 04 14 <f541...> }, AA { 04 14 <8137...> } }
  Bytes f541 = *FromHex(kSgp26);
  Bytes root = *FromHex(kRoot);
  Bytes der = {0xBF, 0x20, 0x35, 0x82, 0x03, 0x02, 0x02, 0x00, 0xA9, 0x16, 0x04, 0x14};
  der.insert(der.end(), f541.begin(), f541.end());
  der.insert(der.end(), {0xAA, 0x16, 0x04, 0x14});
  der.insert(der.end(), root.begin(), root.end());
  auto list = CardCiListFromEuiccInfo1(der);
  ASSERT_TRUE(list.ok()) << list.status().message();
  EXPECT_TRUE(list->known);
  EXPECT_EQ(list->skis, std::vector<std::string>{kSgp26});  // verification only, lower-case
  EXPECT_FALSE(CardCiListFromEuiccInfo1(Bytes{0xBF, 0x20, 0x01}).ok());
}

TEST(ShippedCisTest, EveryFileIsItsSkiAndTheKindsAreTheReadmes) {
  const std::string dir = std::string(ESIM_SOURCE_DIR) + "/data/ci";
  std::vector<CiEntry> entries = ListCis(dir);
  ASSERT_EQ(entries.size(), 8u);
  std::vector<std::string> live;
  for (const CiEntry& entry : entries) {
    auto certs = LoadCi(dir, entry);  // checks every certificate's SKI against the file name
    ASSERT_TRUE(certs.ok()) << entry.ski << ": " << certs.status().message();
    EXPECT_FALSE(certs->empty());
    EXPECT_FALSE(entry.name.empty()) << entry.ski;
    if (entry.kind == CiKind::kLive) live.push_back(entry.ski);
  }
  EXPECT_EQ(live, (std::vector<std::string>{kEntrust, kOiste, kRoot}));
  // The shipped files are exactly ../shared/ci's: one certificate each (SGP.26 v1 "GSMA Test CI").
  auto sgp26 = LoadCi(dir, CiEntry{kSgp26, CiKind::kTest, ""});
  ASSERT_TRUE(sgp26.ok());
  EXPECT_EQ(sgp26->size(), 1u);
}

TEST(CiDirectoryTest, EnvironmentOverrides) {
  const std::string dir = std::string(ESIM_SOURCE_DIR) + "/data/ci";
  ::setenv("ESIMCTL_CI_DIR", dir.c_str(), 1);
  auto found = CiDirectory();
  ::setenv("ESIMCTL_CI_DIR", "/nonexistent/esimctl-ci", 1);
  auto missing = CiDirectory();
  ::unsetenv("ESIMCTL_CI_DIR");
  ASSERT_TRUE(found.ok()) << found.status().message();
  EXPECT_EQ(*found, dir);
  EXPECT_FALSE(missing.ok());
}

}  // namespace
}  // namespace esim

// Unit tests of the test SM-DP+'s pieces: the BPP builder (third-party vectors byte for byte,
// and a round trip through the card side's BspSession::Open), orders parsing and the
// StoreMetadata / profile package it makes, and hashCc.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <iterator>

#include "common/bsp_crypto.h"
#include "common/raw_ecdsa.h"
#include "tests/smdp/bpp_builder.h"
#include "tests/smdp/es9_service.h"
#include "tests/smdp/euicc_checks.h"
#include "tests/smdp/orders.h"
#include "tests/smdp/tlv.h"

namespace esim::smdp {
namespace {

Bytes Hex(std::string_view h) { return *FromHex(h); }

nlohmann::json Vectors() {
  std::ifstream in(std::string(ESIM_SHARED_DIR) + "/vectors/bsp-vectors.json");
  return nlohmann::json::parse(in);
}

bsp::SessionKeys Keys(const nlohmann::json& k) {
  return {Hex(k["mac_chaining_value"].get<std::string>()), Hex(k["s_enc"].get<std::string>()),
          Hex(k["s_mac"].get<std::string>())};
}

// The third-party segments (bsp-vectors.json "segments"[0]): ConfigureISDP, StoreMetadata and
// ReplaceSessionKeys under one key set, rebuilt by the builder with the same keys and plaintexts.
// (The vectors' 86 segments are 1040 / 2014+ bytes, longer than the 1020 this server keeps to,
// so the 86 side is covered by the round trips below and by common/bsp_crypto's own tests.)
TEST(BppBuilder, ReproducesTheThirdPartyConfigureMetadataAndReplaceSessionKeys) {
  const auto group = Vectors()["segments"][0];
  const auto& steps = group["steps"];
  Bytes rsk = Hex(steps[2]["plaintext"].get<std::string>());
  auto fields = Children(rsk, *ReadOnly(rsk, 0xBF26)).value();
  auto val = [&](size_t i) { ByteView b = Value(rsk, fields[i]); return Bytes(b.begin(), b.end()); };
  bsp::SessionKeys ppk{val(0), val(1), val(2)};
  auto built = ProtectBppParts(Keys(group["keys"]), Hex(steps[1]["plaintext"].get<std::string>()), ppk, {});
  ASSERT_TRUE(built.ok()) << built.status().message();
  EXPECT_EQ(ToHex(built->a0), ToHex(Wrap(0xA0, Hex(steps[0]["output"].get<std::string>()))));
  EXPECT_EQ(ToHex(built->a1), ToHex(Wrap(0xA1, Hex(steps[1]["output"].get<std::string>()))));
  EXPECT_EQ(ToHex(built->a2), ToHex(Wrap(0xA2, Hex(steps[2]["output"].get<std::string>()))));
}

// The whole third-party BPP ("bpp_decode"): its ConfigureISDP and StoreMetadata segments rebuilt
// from its session keys. That SM-DP+ wraps each protected segment once more in the same tag
// (A0 { 87 { 87 L payload MAC } }); the segments inside are what the card opens, and those are
// compared. (This server sends the plain form, A0 { 87 L payload MAC }, as SGP.22 defines it.)
TEST(BppBuilder, ReproducesTheThirdPartyBppsConfigureAndMetadata) {
  const auto v = Vectors()["bpp_decode"];
  Bytes bpp = *DecodeBase64Strict(v["bpp_base64"].get<std::string>());
  auto parts = Children(bpp, *ReadOnly(bpp, 0xBF36)).value();
  ASSERT_GE(parts.size(), 3u);
  ASSERT_EQ(parts[1].tag, 0xA0u);
  auto inner = [&](const Tlv& part) {
    Tlv outer = Children(bpp, part).value().at(0);
    return ToHex(Whole(bpp, Children(bpp, outer).value().at(0)));
  };
  auto built = ProtectBppParts(Keys(v["session_keys"]), Hex(v["store_metadata_plain"].get<std::string>()),
                               std::nullopt, {});
  ASSERT_TRUE(built.ok()) << built.status().message();
  auto mine = [](const Bytes& part) {
    Tlv t = Children(part, *ReadTlv(part, 0)).value().at(0);
    return ToHex(Whole(part, t));
  };
  EXPECT_EQ(mine(built->a0), inner(parts[1]));
  EXPECT_EQ(mine(built->a1), inner(parts[2]));
}

struct CardSide {
  EvpPkeyPtr ot;
  Bytes otpk;
};

CardSide NewCard() {
  CardSide c;
  c.ot = bsp::GenerateP256KeyPair().value();
  c.otpk = *bsp::UncompressedPublicKey(c.ot.get());
  return c;
}

// Opens `der` as a card would; returns the package, or the 1-based index of the failing segment.
struct Opened {
  Bytes configure, metadata, package;
  bool rekeyed = false;
  size_t failed_segment = 0;
  size_t largest = 0;
};
Opened Open(const Bytes& der, const CardSide& card, ByteView eid, EVP_PKEY* dppb_public) {
  Opened out;
  auto outer = ReadOnly(der, 0xBF36);
  EXPECT_TRUE(outer.ok());
  auto parts = *Children(der, *outer);
  auto isc = *Children(der, parts[0]);
  EXPECT_EQ(isc.size(), 5u);
  ByteView signed_part(der.data() + isc[0].begin, isc[3].end - isc[0].begin);
  EXPECT_TRUE(VerifyRawEcdsaSha256(dppb_public, Concat({signed_part, Wrap(0x5F49, card.otpk)}), Value(der, isc[4])));
  auto crt = *Children(der, isc[2]);
  auto smdp_otpk = bsp::PublicKeyFromUncompressed(Value(der, isc[3])).value();
  auto keys = bsp::DeriveSessionKeys(*bsp::EcdhSharedSecret(card.ot.get(), smdp_otpk.get()), 0x88, 0x10,
                                     Value(der, crt[2]), eid);
  bsp::BspSession s(std::move(*keys));
  size_t index = 0;
  for (size_t p = 1; p < parts.size(); ++p) {
    auto segments = Children(der, parts[p]).value();
    for (const Tlv& seg : segments) {
      ++index;
      out.largest = std::max(out.largest, seg.end - seg.begin);
      auto plain = s.Open(Whole(der, seg));
      if (!plain.ok()) {
        out.failed_segment = index;
        return out;
      }
      if (parts[p].tag == 0xA2) {
        auto rsk = *ReadOnly(*plain, 0xBF26);
        auto f = *Children(*plain, rsk);
        auto val = [&](size_t i) { ByteView b = Value(*plain, f[i]); return Bytes(b.begin(), b.end()); };
        s.Rekey({val(0), val(1), val(2)});
        out.rekeyed = true;
        continue;
      }
      Bytes& sink = parts[p].tag == 0xA0 ? out.configure : parts[p].tag == 0xA1 ? out.metadata : out.package;
      sink.insert(sink.end(), plain->begin(), plain->end());
    }
  }
  return out;
}

class BuildTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dppb = bsp::GenerateP256KeyPair().value();
    card = NewCard();
    r.transaction_id = Hex("0102030405060708090A0B0C0D0E0F10");
    r.euicc_otpk = card.otpk;
    r.eid = Hex("89049032123451234512345678901235");
    r.host_id = {'h', 'o', 's', 't'};
    r.store_metadata = Bytes(1500, 0x5A);  // two 88 segments
    r.profile_package = Bytes(3000);
    for (size_t i = 0; i < r.profile_package.size(); ++i) r.profile_package[i] = static_cast<uint8_t>(i * 7);
    r.dppb_key = dppb.get();
  }
  EvpPkeyPtr dppb;
  CardSide card;
  BppRequest r;
};

TEST_F(BuildTest, CardOpensEverySegmentWithReplaceSessionKeys) {
  auto bpp = BuildBpp(r);
  ASSERT_TRUE(bpp.ok()) << bpp.status().message();
  Opened o = Open(bpp->der, card, r.eid, dppb.get());
  EXPECT_EQ(o.failed_segment, 0u);
  EXPECT_TRUE(o.rekeyed);
  EXPECT_EQ(o.configure, (Bytes{0xBF, 0x24, 0x00}));
  EXPECT_EQ(o.metadata, r.store_metadata);
  EXPECT_EQ(o.package, r.profile_package);
  EXPECT_LE(o.largest, kMaxSegment);
  EXPECT_EQ(o.largest, kMaxSegment);  // full 86 segments use the whole 1020 bytes
  EXPECT_EQ(bpp->segments86, 3u);     // 3000 = 1007 + 1007 + 986
  EXPECT_EQ(bpp->segments, 1u + 2u + 1u + 3u);
}

TEST_F(BuildTest, WithoutReplaceSessionKeysTheSessionKeysProtectTheProfile) {
  r.replace_session_keys = false;
  auto bpp = BuildBpp(r);
  ASSERT_TRUE(bpp.ok());
  Opened o = Open(bpp->der, card, r.eid, dppb.get());
  EXPECT_EQ(o.failed_segment, 0u);
  EXPECT_FALSE(o.rekeyed);
  EXPECT_EQ(o.package, r.profile_package);
  EXPECT_EQ(bpp->segments, 1u + 2u + 3u);
}

TEST_F(BuildTest, ACorruptedMacFailsExactlyThatSegment) {
  r.bad_mac_segment = 2;
  EXPECT_EQ(Open(BuildBpp(r)->der, card, r.eid, dppb.get()).failed_segment, 2u);
  r.bad_mac_segment = -1;  // last 86
  EXPECT_EQ(Open(BuildBpp(r)->der, card, r.eid, dppb.get()).failed_segment, 7u);
}

TEST_F(BuildTest, TheCardDerivesOtherKeysForAnotherEid) {
  auto bpp = BuildBpp(r);
  EXPECT_EQ(Open(bpp->der, card, Hex("89049032123451234512345678901335"), dppb.get()).failed_segment, 1u);
}

TEST_F(BuildTest, RefusesABadEuiccOtpk) {
  r.euicc_otpk[10] ^= 0xFF;
  EXPECT_FALSE(BuildBpp(r).ok());
}

TEST(Orders, MadePackageCarriesTheIccidAndEnds) {
  auto upp = MakeProfilePackage("8999010010000001234");
  ASSERT_TRUE(upp.ok());
  EXPECT_EQ(*IccidOfPackage(*upp), "8999010010000001234");
  EXPECT_EQ(ToHex(ByteView(*upp).last(9)), "AA07A0058000810101");  // the End element, as TS.48 ends
  EXPECT_FALSE(MakeProfilePackage("12345").ok());
}

TEST(Orders, IccidOfTheTs48Packages) {
  std::ifstream in(std::string(ESIM_SHARED_DIR) + "/ts48/TS48V1-A-UNIQUE.der", std::ios::binary);
  Bytes der((std::istreambuf_iterator<char>(in)), {});
  EXPECT_EQ(*IccidOfPackage(der), "8949449999999990023");
}

TEST(Orders, StoreMetadataBytes) {
  Order o;
  o.iccid = "8999010010000001234";
  o.service_provider_name = "SP";
  o.profile_name = "N";
  o.profile_class = 0;
  o.icon = {0x89, 'P', 'N', 'G'};
  EXPECT_EQ(ToHex(*EncodeStoreMetadata(o)), "BF251F5A0A989910000100001032F4910253509201"
                                            "4E930101940489504E47950100");
  o.profile_class = 2;  // operational is the DEFAULT: omitted
  o.icon.clear();
  EXPECT_EQ(ToHex(*EncodeStoreMetadata(o)), "BF25135A0A989910000100001032F49102535092014E");
}

TEST(Orders, ParsesEveryMemberAndMakesPackages) {
  auto dir = std::filesystem::temp_directory_path() / "smdp_unit_orders";
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "icon.png", std::ios::binary) << "\x89PNG\r\n\x1a\n";
  auto orders = ParseOrders(R"([
      {"matchingId": "A-1", "iccid": "8999010010000001234", "serviceProviderName": "SP", "profileName": "P",
       "profileClass": "test", "iconPng": "icon.png", "eid": "89049032123451234512345678901235",
       "confirmationCode": "1234", "state": "expired"},
      {"matchingId": "B", "upp": ")" + std::string(ESIM_SHARED_DIR) + R"(/ts48/TS48V1-A-UNIQUE.der"}])",
                            dir.string());
  ASSERT_TRUE(orders.ok()) << orders.status().message();
  ASSERT_EQ(orders->size(), 2u);
  const Order& a = (*orders)[0];
  EXPECT_EQ(a.profile_class, 0);
  EXPECT_EQ(a.icon.size(), 8u);
  EXPECT_EQ(a.eid, "89049032123451234512345678901235");
  EXPECT_EQ(a.confirmation_code, "1234");
  EXPECT_EQ(a.state, OrderState::kExpired);
  EXPECT_TRUE(a.made);
  EXPECT_EQ(*IccidOfPackage(a.package), a.iccid);
  const Order& b = (*orders)[1];
  EXPECT_FALSE(b.made);
  EXPECT_EQ(b.iccid, "8949449999999990023");
  EXPECT_EQ(b.profile_name, "B");
  std::filesystem::remove_all(dir);
}

TEST(Orders, RefusesBadOrders) {
  for (const char* bad : {R"({"matchingId": "A"})", R"([{"matchingId": "A"}])", R"([{"iccid": "8999010010000001234"}])",
                          R"([{"matchingId": "A", "iccid": "123"}])", R"([{"matchingId": "A b", "iccid": "8999010010000001234"}])",
                          R"([{"matchingId": "A", "iccid": "8999010010000001234", "colour": "red"}])",
                          R"([{"matchingId": "A", "iccid": "8999010010000001234", "profileClass": "x"}])",
                          R"([{"matchingId": "A", "iccid": "8999010010000001234", "state": "downloaded"}])",
                          R"([{"matchingId": "A", "iccid": "8999010010000001234", "eid": "8904"}])",
                          R"([{"matchingId": "A", "upp": "/no/such/file.der"}])"}) {
    EXPECT_FALSE(ParseOrders(bad, "/tmp").ok()) << bad;
  }
}

TEST(ConfirmationCode, HashIsSha256OfSha256AndTransactionId) {
  EXPECT_EQ(ToHex(HashConfirmationCode("1234", Hex("0102030405060708090A0B0C0D0E0F10"))),
            "94E57B8CDFE3EB0A8510F18898ADD0B1E67B48FAFD39892796D6F65F9CE3CC40");
}

}  // namespace
}  // namespace esim::smdp

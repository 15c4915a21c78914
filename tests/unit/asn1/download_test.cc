// The download messages (asn1/download.h) and the TLV helpers under them (asn1/tlv.h).
#include "asn1/download.h"

#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "asn1/tlv.h"
#include "tests/unit/asn1/test_util.h"

namespace esim::es10 {
namespace {

using esim::testing::Cat;
using esim::testing::Hex;
using esim::testing::Tlv;

Bytes Text(std::string_view text) { return Bytes(text.begin(), text.end()); }

Bytes DecodeBase64(const std::string& in) {
  static const std::string kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  Bytes out;
  uint32_t acc = 0;
  int bits = 0;
  for (char c : in) {
    if (c == '=') break;
    acc = (acc << 6) | static_cast<uint32_t>(kAlphabet.find(c));
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<uint8_t>(acc >> bits));
    }
  }
  return out;
}

nlohmann::json Vectors() {
  std::ifstream in(std::string(ESIM_SHARED_DIR) + "/vectors/bsp-vectors.json");
  EXPECT_TRUE(in) << "bsp-vectors.json missing";
  return nlohmann::json::parse(in);
}

TEST(TlvReaderTest, RequiredOptionalListCompose) {
  Bytes value = Cat({Tlv("80", {Hex("01")}), Tlv("81", {Hex("02")}), Tlv("81", {Hex("03")}), Tlv("A2", {})});
  tlv::TlvReader reader(value, "Test");
  auto first = reader.Required(0x80, "first");
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(ToHex(first->whole), "800101");
  auto absent = reader.Optional(0x82);
  ASSERT_TRUE(absent.ok());
  EXPECT_FALSE(*absent);
  auto list = reader.List(0x81);
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ(ToHex((*list)[1].value), "03");
  EXPECT_FALSE(reader.ExpectDone().ok());
  auto last = reader.Required(0xA2, "last");
  ASSERT_TRUE(last.ok());
  EXPECT_TRUE(last->constructed());
  EXPECT_TRUE(reader.ExpectDone().ok());
  auto missing = reader.Required(0x83, "fourth");
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find("fourth (83) is missing"), std::string::npos);
}

TEST(TlvReaderTest, LongFormLengthsAndTruncation) {
  auto element = tlv::ReadElement(Hex("5F3781020102"));
  ASSERT_TRUE(element.ok());
  EXPECT_EQ(element->tag, 0x5F37u);
  EXPECT_EQ(element->value.size(), 2u);
  EXPECT_FALSE(tlv::ReadElement(Hex("5F370301")).ok());
  EXPECT_FALSE(tlv::ReadElement(Hex("308000")).ok());  // indefinite length
  auto header = tlv::ReadHeader(Hex("BF3682327B"));
  ASSERT_TRUE(header.ok());
  EXPECT_EQ(header->tag, 0xBF36u);
  EXPECT_EQ(header->header_size, 5u);
  EXPECT_EQ(header->value_length, 0x327Bu);
  Bytes out;
  tlv::AppendTlv(out, 0xBF25, Bytes(200, 0));
  EXPECT_EQ(ToHex(ByteView(out).first(4)), "BF2581C8");
  EXPECT_EQ(ToHex(tlv::IntegerContent(127)), "7F");
  EXPECT_EQ(ToHex(tlv::IntegerContent(128)), "0080");
  EXPECT_EQ(ToHex(tlv::IntegerContent(0)), "00");
}

TEST(DownloadCodecTest, ChallengeAndInfo1Requests) {
  EXPECT_EQ(ToHex(EncodeGetEuiccChallengeRequest()), "BF2E00");
  EXPECT_EQ(ToHex(EncodeGetEuiccInfo1Request()), "BF2000");
  Bytes challenge = Hex("000102030405060708090A0B0C0D0E0F");
  auto decoded = DecodeGetEuiccChallengeResponse(Tlv("BF2E", {Tlv("80", {challenge})}));
  ASSERT_TRUE(decoded.ok()) << decoded.status().message();
  EXPECT_EQ(*decoded, challenge);
  EXPECT_FALSE(DecodeGetEuiccChallengeResponse(Tlv("BF2E", {Tlv("80", {Hex("0001")})})).ok());
  EXPECT_FALSE(DecodeGetEuiccChallengeResponse(Tlv("BF2D", {Tlv("80", {challenge})})).ok());
}

Bytes ServerSigned1Der() {
  return Tlv("30", {Tlv("80", {Hex("0102")}), Tlv("81", {Bytes(16, 0xAA)}), Tlv("83", {Text("smdp.example.com")}),
                    Tlv("84", {Bytes(16, 0xBB)})});
}

TEST(DownloadCodecTest, AuthenticateServerForwardsSignedMembersVerbatim) {
  AuthenticateServerRequest request;
  // A non-DER long-form length inside serverSigned1's signature: forwarded as is, not re-encoded.
  request.serverSigned1 = ServerSigned1Der();
  request.serverSignature1 = Cat({Hex("5F378140"), Bytes(64, 0x11)});
  request.euiccCiPKIdToBeUsed = Tlv("04", {Bytes(20, 0x22)});
  request.serverCertificate = Tlv("30", {Tlv("30", {Hex("05")})});
  request.ctxParams1.matchingId = "MATCH-1";
  request.ctxParams1.tac = Hex("35290611");
  request.ctxParams1.imei = Hex("3592061100000000");
  auto encoded = EncodeAuthenticateServerRequest(request);
  ASSERT_TRUE(encoded.ok()) << encoded.status().message();
  Bytes expected = Tlv("BF38", {request.serverSigned1, request.serverSignature1, request.euiccCiPKIdToBeUsed,
                                request.serverCertificate,
                                Tlv("A0", {Tlv("80", {Text("MATCH-1")}),
                                           Tlv("A1", {Tlv("80", {Hex("35290611")}), Tlv("A1", {}),
                                                      Tlv("82", {Hex("3592061100000000")})})})});
  EXPECT_EQ(ToHex(*encoded), ToHex(expected));

  request.ctxParams1.matchingId.reset();
  request.ctxParams1.imei.reset();
  auto minimal = EncodeAuthenticateServerRequest(request);
  ASSERT_TRUE(minimal.ok());
  EXPECT_NE(ToHex(*minimal).find("A00AA108800435290611A100"), std::string::npos) << ToHex(*minimal);

  request.serverSignature1 = Cat({request.serverSignature1, Hex("00")});  // trailing byte
  EXPECT_FALSE(EncodeAuthenticateServerRequest(request).ok());
}

TEST(DownloadCodecTest, ServerSigned1Members) {
  auto decoded = DecodeServerSigned1(ServerSigned1Der());
  ASSERT_TRUE(decoded.ok()) << decoded.status().message();
  EXPECT_EQ(ToHex(decoded->transactionId), "0102");
  EXPECT_EQ(decoded->serverAddress, "smdp.example.com");
  EXPECT_EQ(decoded->euiccChallenge, Bytes(16, 0xAA));
  EXPECT_FALSE(DecodeServerSigned1(Tlv("30", {Tlv("80", {Hex("01")})})).ok());
}

TEST(DownloadCodecTest, AuthenticateServerAnswers) {
  Bytes ok = Tlv("BF38", {Tlv("A0", {Tlv("30", {Tlv("80", {Hex("0102")}), Tlv("83", {Text("a.b")})}),
                                     Tlv("5F37", {Bytes(64, 1)}), Tlv("30", {}), Tlv("30", {})})});
  auto decoded = DecodeAuthenticateServerResponse(ok);
  ASSERT_TRUE(decoded.ok()) << decoded.status().message();
  EXPECT_TRUE(decoded->ok());
  EXPECT_EQ(decoded->der, ok);
  EXPECT_EQ(ToHex(*decoded->transactionId), "0102");

  auto error = DecodeAuthenticateServerResponse(Tlv("BF38", {Tlv("A1", {Tlv("80", {Hex("0102")}), Tlv("02", {Hex("06")})})}));
  ASSERT_TRUE(error.ok()) << error.status().message();
  EXPECT_FALSE(error->ok());
  EXPECT_EQ(*error->errorCode, 6);
  EXPECT_FALSE(DecodeAuthenticateServerResponse(Tlv("BF38", {Tlv("A2", {})})).ok());
}

TEST(DownloadCodecTest, PrepareDownloadRequestAndSmdpSigned2) {
  Bytes signed2 = Tlv("30", {Tlv("80", {Hex("0102")}), Tlv("01", {Hex("FF")})});
  auto parsed = DecodeSmdpSigned2(signed2);
  ASSERT_TRUE(parsed.ok()) << parsed.status().message();
  EXPECT_TRUE(parsed->ccRequiredFlag);
  EXPECT_FALSE(parsed->bppEuiccOtpk);
  PrepareDownloadRequest request{signed2, Cat({Hex("5F3740"), Bytes(64, 3)}), Bytes(32, 9), Tlv("30", {})};
  auto encoded = EncodePrepareDownloadRequest(request);
  ASSERT_TRUE(encoded.ok()) << encoded.status().message();
  EXPECT_EQ(*encoded, Tlv("BF21", {signed2, request.smdpSignature2, Tlv("04", {Bytes(32, 9)}), Tlv("30", {})}));
  request.hashCc.reset();
  EXPECT_EQ(*EncodePrepareDownloadRequest(request), Tlv("BF21", {signed2, request.smdpSignature2, Tlv("30", {})}));

  auto answer = DecodePrepareDownloadResponse(Tlv("BF21", {Tlv("A1", {Tlv("80", {Hex("0102")}), Tlv("02", {Hex("7F")})})}));
  ASSERT_TRUE(answer.ok());
  EXPECT_EQ(*answer->errorCode, 127);
}

TEST(DownloadCodecTest, CancelSession) {
  EXPECT_EQ(ToHex(EncodeCancelSessionRequest(Hex("0102"), CancelReason::kMetadataMismatch)), "BF41078002010281010" "4");
  EXPECT_EQ(ToHex(EncodeCancelSessionRequest(Hex("01"), CancelReason::kUndefinedReason)), "BF41068001018101" "7F");
  auto ok = DecodeCancelSessionResponse(
      Tlv("BF41", {Tlv("A0", {Tlv("30", {Tlv("80", {Hex("01")}), Tlv("06", {Hex("2B06")}), Tlv("81", {Hex("05")})}),
                              Tlv("5F37", {Bytes(64, 0)})})}));
  ASSERT_TRUE(ok.ok()) << ok.status().message();
  EXPECT_TRUE(ok->ok());
  auto error = DecodeCancelSessionResponse(Tlv("BF41", {Tlv("81", {Hex("05")})}));
  ASSERT_TRUE(error.ok()) << error.status().message();
  EXPECT_EQ(*error->errorCode, 5);
}

// The third-party SM-DP+'s BPP of bsp-vectors.json cut into the pieces of download-facts §3.
TEST(BppPiecesTest, SplitsTheVectorBppInTransportOrder) {
  nlohmann::json vector = Vectors()["bpp_decode"];
  Bytes bpp = DecodeBase64(vector["bpp_base64"].get<std::string>());
  auto split = SplitBoundProfilePackage(bpp);
  ASSERT_TRUE(split.ok()) << split.status().message();
  const std::vector<Bytes>& pieces = split->pieces;
  ASSERT_GE(pieces.size(), 7u);
  // (1) BF36 header + BF23.
  EXPECT_EQ(ToHex(ByteView(pieces[0]).first(6)), "BF3682327BBF");
  EXPECT_EQ(pieces[0][5], 0xBF);
  EXPECT_EQ(pieces[0][6], 0x23);
  // (2) the whole A0; (3) the A1 header alone; (4) 88 segments.
  EXPECT_EQ(pieces[1][0], 0xA0);
  EXPECT_EQ(pieces[2][0], 0xA1);
  auto a1 = tlv::ReadHeader(pieces[2]);
  ASSERT_TRUE(a1.ok());
  EXPECT_EQ(a1->header_size, pieces[2].size());
  size_t i = 3;
  size_t a1_content = 0;
  for (; pieces[i][0] == 0x88; ++i) a1_content += pieces[i].size();
  EXPECT_EQ(a1_content, a1->value_length);
  // (5) no A2 in this package, (6) the A3 header, (7) the 86 segments.
  EXPECT_EQ(pieces[i][0], 0xA3);
  auto a3 = tlv::ReadHeader(pieces[i]);
  ASSERT_TRUE(a3.ok());
  EXPECT_EQ(a3->header_size, pieces[i].size());
  size_t a3_content = 0;
  for (++i; i < pieces.size(); ++i) {
    EXPECT_EQ(pieces[i][0], 0x86);
    a3_content += pieces[i].size();
  }
  EXPECT_EQ(a3_content, a3->value_length);
  // Nothing lost or reordered: the pieces are the BPP.
  Bytes joined;
  for (const Bytes& piece : pieces) joined.insert(joined.end(), piece.begin(), piece.end());
  EXPECT_EQ(joined, bpp);
  // StoreMetadata is sent MAC-only: its plaintext is the 88 payloads without their MACs.
  EXPECT_EQ(ToHex(split->storeMetadata), ToHex(Hex(vector["store_metadata_plain"].get<std::string>())));
  auto metadata = DecodeStoreMetadata(split->storeMetadata);
  ASSERT_TRUE(metadata.ok()) << metadata.status().message();
  EXPECT_EQ(metadata->iccid, "98001032547698103214");  // the vector stores 89 00 01 ... unswapped
  EXPECT_EQ(metadata->serviceProviderName, "OsmocomSPN");
  EXPECT_EQ(metadata->profileName, "OsmocomProfile");
}

TEST(BppPiecesTest, RefusesBrokenPackages) {
  Bytes init = Tlv("BF23", {Tlv("82", {Hex("01")}), Tlv("80", {Hex("01")})});
  Bytes a0 = Tlv("A0", {Tlv("87", {Bytes(24, 0)})});
  Bytes a1 = Tlv("A1", {Tlv("88", {Bytes(20, 0)})});
  Bytes a3 = Tlv("A3", {Tlv("86", {Bytes(24, 0)}), Tlv("86", {Bytes(24, 0)})});
  auto good = SplitBoundProfilePackage(Tlv("BF36", {init, a0, a1, a3}));
  ASSERT_TRUE(good.ok()) << good.status().message();
  EXPECT_EQ(good->pieces.size(), 7u);  // BF36+BF23, A0, A1, 88, A3, 86, 86 (no A2)
  EXPECT_EQ(good->storeMetadata, Bytes(12, 0));
  EXPECT_EQ(ToHex(good->transactionId), "01");
  EXPECT_FALSE(SplitBoundProfilePackage(Tlv("BF36", {init, a0, a3})).ok());            // no A1
  EXPECT_FALSE(SplitBoundProfilePackage(Tlv("BF36", {init, a0, a1})).ok());            // no A3
  EXPECT_FALSE(SplitBoundProfilePackage(Tlv("BF36", {init, a0, a1, a3, a3})).ok());    // extra
  EXPECT_FALSE(SplitBoundProfilePackage(Tlv("BF36", {a0, a1, a3})).ok());              // no BF23
  EXPECT_FALSE(SplitBoundProfilePackage(Tlv("BF36", {init, a0, Tlv("A1", {Tlv("88", {Bytes(4, 0)})}), a3})).ok());
}

TEST(StoreMetadataTest, ReadsTheProfileItDescribes) {
  Bytes der = Tlv("BF25", {Tlv("5A", {Hex("98001032547698103214")}), Tlv("91", {Text("SP")}), Tlv("92", {Text("Name")}),
                           Tlv("95", {Hex("01")})});
  auto info = DecodeStoreMetadata(der);
  ASSERT_TRUE(info.ok()) << info.status().message();
  EXPECT_EQ(info->iccid, "89000123456789012341");
  EXPECT_EQ(info->profileClass, ProfileClass::kProvisioning);
  EXPECT_FALSE(DecodeStoreMetadata(Tlv("BF25", {Tlv("5A", {Hex("98001032547698103214")})})).ok());
  EXPECT_FALSE(DecodeStoreMetadata(Tlv("E3", {Tlv("5A", {Hex("98001032547698103214")})})).ok());
}

}  // namespace
}  // namespace esim::es10

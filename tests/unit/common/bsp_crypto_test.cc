// BSP (bound profile package protection): every vector of ../shared/vectors/bsp-vectors.json
// (a third-party SM-DP+'s bytes, via pySim's tests) reproduced in both directions, plus the ways
// a card must refuse a segment (kBadMac, kBadStructure) and the one-time key agreement.
#include "common/bsp_crypto.h"

#include <gtest/gtest.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

namespace esim::bsp {
namespace {

const std::string kVectors = std::string(ESIM_SHARED_DIR) + "/vectors/bsp-vectors.json";

nlohmann::json LoadVectors() {
  std::ifstream in(kVectors);
  std::stringstream text;
  text << in.rdbuf();
  return nlohmann::json::parse(text.str());
}

Bytes Hex(const nlohmann::json& value) {
  Result<Bytes> bytes = FromHex(value.get<std::string>());
  EXPECT_TRUE(bytes.ok()) << value;
  return bytes.ok() ? *bytes : Bytes{};
}

// The test's own base64 decoder (libcrypto's, linked directly), independent of esimctl's encoder.
Bytes FromBase64(const std::string& text) {
  Bytes out(text.size() / 4 * 3 + 3);
  const int n = EVP_DecodeBlock(out.data(), reinterpret_cast<const unsigned char*>(text.data()),
                                static_cast<int>(text.size()));
  EXPECT_GE(n, 0);
  size_t padding = 0;
  for (size_t i = text.size(); i > 0 && text[i - 1] == '='; --i) ++padding;
  out.resize(static_cast<size_t>(n) - padding);
  return out;
}

// A one-byte hex string ("87").
uint8_t HexByte(const nlohmann::json& value) {
  const Bytes bytes = Hex(value);
  EXPECT_EQ(bytes.size(), 1u) << value;
  return bytes.empty() ? 0 : bytes[0];
}

SessionKeys KeysOf(const nlohmann::json& keys) {
  return SessionKeys{Hex(keys["mac_chaining_value"]), Hex(keys["s_enc"]), Hex(keys["s_mac"])};
}

// One BER-TLV inside a buffer: its tag, where it starts, where its value starts and ends.
struct Tlv {
  uint32_t tag = 0;
  size_t begin = 0;
  size_t value = 0;
  size_t end = 0;
};

// The TLVs between `from` and `to` (the test's own small reader; the vector is well formed).
std::vector<Tlv> Children(const Bytes& b, size_t from, size_t to) {
  std::vector<Tlv> out;
  size_t at = from;
  while (at < to) {
    Tlv t;
    t.begin = at;
    t.tag = b[at++];
    if ((t.tag & 0x1F) == 0x1F) {
      do t.tag = (t.tag << 8) | b[at]; while (b[at++] & 0x80);
    }
    size_t length = b[at++];
    if (length & 0x80) {
      const size_t count = length & 0x7F;
      length = 0;
      for (size_t i = 0; i < count; ++i) length = (length << 8) | b[at++];
    }
    t.value = at;
    t.end = at + length;
    out.push_back(t);
    at = t.end;
  }
  return out;
}

Bytes Slice(const Bytes& b, size_t from, size_t to) {
  return Bytes(b.begin() + static_cast<std::ptrdiff_t>(from), b.begin() + static_cast<std::ptrdiff_t>(to));
}

TEST(BspKdf, ReproducesEveryVector) {
  const nlohmann::json vectors = LoadVectors();
  ASSERT_EQ(vectors["kdf"].size(), 2u);
  for (const auto& v : vectors["kdf"]) {
    Result<SessionKeys> keys =
        DeriveSessionKeys(Hex(v["shared_secret"]), HexByte(v["key_type"]),
                          static_cast<uint8_t>(v["key_length"].get<int>()),  // a number (16), not hex
                          Hex(v["host_id"]), Hex(v["eid"]));
    ASSERT_TRUE(keys.ok()) << keys.status().message();
    EXPECT_EQ(ToHex(keys->s_enc), ToHex(Hex(v["s_enc"])));
    EXPECT_EQ(ToHex(keys->s_mac), ToHex(Hex(v["s_mac"])));
    EXPECT_EQ(ToHex(keys->initial_mac_chaining_value), ToHex(Hex(v["initial_mac_chaining_value"])));
  }
}

TEST(BspKdf, RefusesAWrongEidOrAnOverlongHostId) {
  const Bytes secret(32, 0x11);
  EXPECT_EQ(DeriveSessionKeys(secret, 0x88, 0x10, Bytes(8, 0x80), Bytes(15, 0x89)).status().code(),
            ErrorCode::kInvalidInput);
  EXPECT_EQ(DeriveSessionKeys(secret, 0x88, 0x10, Bytes(256, 0x80), Bytes(16, 0x89)).status().code(),
            ErrorCode::kInvalidInput);
  EXPECT_TRUE(DeriveSessionKeys(secret, 0x88, 0x10, Bytes(255, 0x80), Bytes(16, 0x89)).ok());
}

// Each segment vector, in order, from the key set's first counter: Protect yields the vector's
// bytes, and a second session (the card) opens them back to the plaintexts.
TEST(BspSegments, ProtectAndOpenReproduceEveryVector) {
  const nlohmann::json vectors = LoadVectors();
  ASSERT_EQ(vectors["segments"].size(), 2u);
  for (const auto& group : vectors["segments"]) {
    ASSERT_EQ(group["keys"]["first_counter"].get<int>(), 1);
    BspSession smdp(KeysOf(group["keys"]));
    BspSession card(KeysOf(group["keys"]));
    uint32_t counter = 1;
    for (const auto& step : group["steps"]) {
      const uint8_t tag = HexByte(step["tag"]);
      const Bytes plaintext = Hex(step["plaintext"]);
      const Bytes expected = Hex(step["output"]);
      EXPECT_EQ(smdp.counter(), counter);
      Result<Bytes> protected_segment = smdp.Protect(tag, plaintext);
      ASSERT_TRUE(protected_segment.ok()) << protected_segment.status().message();
      EXPECT_EQ(ToHex(*protected_segment), ToHex(expected)) << "tag " << step["tag"];
      Result<Bytes> opened = card.Open(expected);
      ASSERT_TRUE(opened.ok()) << opened.status().message();
      EXPECT_EQ(ToHex(*opened), ToHex(plaintext));
      ++counter;
      EXPECT_EQ(card.counter(), counter);  // 88 counts as well
      EXPECT_EQ(card.mac_chaining_value(), smdp.mac_chaining_value());
    }
  }
}

// The second segment group is the key set after ReplaceSessionKeys: a session that protected
// the first group and is then rekeyed must produce the second group's bytes from counter 1.
TEST(BspSegments, RekeyRestartsTheCounterWithTheNewKeys) {
  const nlohmann::json vectors = LoadVectors();
  const auto& first = vectors["segments"][0];
  const auto& second = vectors["segments"][1];
  BspSession session(KeysOf(first["keys"]));
  for (const auto& step : first["steps"]) {
    ASSERT_TRUE(session.Protect(HexByte(step["tag"]),
                                Hex(step["plaintext"])).ok());
  }
  EXPECT_EQ(session.counter(), 4u);
  session.Rekey(KeysOf(second["keys"]));
  EXPECT_EQ(session.counter(), 1u);
  EXPECT_EQ(ToHex(session.mac_chaining_value()), ToHex(Hex(second["keys"]["mac_chaining_value"])));
  Result<Bytes> segment = session.Protect(0x86, Hex(second["steps"][0]["plaintext"]));
  ASSERT_TRUE(segment.ok());
  EXPECT_EQ(ToHex(*segment), ToHex(Hex(second["steps"][0]["output"])));
}

// The whole BoundProfilePackage of the vector file, as it really is (checked here, not assumed):
//   BF36 { BF23 (InitialiseSecureChannel),
//          A0 { 87 1A { 87 18 <16 ciphertext> <8 MAC> } },
//          A1 { 88 35 { 88 33 <BF25 StoreMetadata> <8 MAC> } },
//          A3 { 86 82 040C { 86 82 0408 <1024 ciphertext> <8 MAC> } x 12, 86 81 AB { 86 81 A8 ... } } }
// i.e. pySim's encoding: every [7]/[8]/[6] OCTET STRING holds the WHOLE protected segment TLV,
// so each segment appears wrapped twice, and the MAC covers the inner header (87 18), not the
// outer one. SGP.22's own BPP carries the segment once (A0 { 87 18 ... }), as esimctl's
// test SM-DP+ builds it. There is no A2 (no ReplaceSessionKeys segment), yet the 86 segments
// are protected with the separate "ppk" key set (counter from 1), which the vector gives
// alongside. The 86 plaintexts are 1008-byte chunks (12 x 1008 + 155 = 12251 bytes), so the
// inner 86 TLVs are 1036 bytes: larger than the 1020 SGP.22 allows; Open accepts them since
// the size limit is the sender's rule.
class BspWholePackage : public ::testing::Test {
 protected:
  void SetUp() override {
    vectors_ = LoadVectors()["bpp_decode"];
    bpp_ = FromBase64(vectors_["bpp_base64"].get<std::string>());
    const std::vector<Tlv> top = Children(bpp_, 0, bpp_.size());
    ASSERT_EQ(top.size(), 1u);
    ASSERT_EQ(top[0].tag, 0xBF36u);
    ASSERT_EQ(top[0].end, bpp_.size());
    parts_ = Children(bpp_, top[0].value, top[0].end);
  }

  // The segments inside the part tagged `part_tag`, each as the inner (really protected) TLV,
  // after checking that the outer TLV's value is exactly one inner TLV with the same tag.
  std::vector<Bytes> InnerSegments(uint32_t part_tag, uint32_t segment_tag) {
    std::vector<Bytes> out;
    for (const Tlv& part : parts_) {
      if (part.tag != part_tag) continue;
      for (const Tlv& outer : Children(bpp_, part.value, part.end)) {
        EXPECT_EQ(outer.tag, segment_tag);
        const std::vector<Tlv> inner = Children(bpp_, outer.value, outer.end);
        EXPECT_EQ(inner.size(), 1u);
        EXPECT_EQ(inner[0].tag, segment_tag);
        EXPECT_EQ(inner[0].end, outer.end);
        out.push_back(Slice(bpp_, inner[0].begin, inner[0].end));
      }
    }
    return out;
  }

  Bytes Outer(uint32_t part_tag) {
    for (const Tlv& part : parts_) {
      if (part.tag == part_tag) {
        const Tlv first = Children(bpp_, part.value, part.end).front();
        return Slice(bpp_, first.begin, first.end);
      }
    }
    return {};
  }

  nlohmann::json vectors_;
  Bytes bpp_;
  std::vector<Tlv> parts_;
};

TEST_F(BspWholePackage, HasTheDoubleWrappedPySimLayoutWithoutA2) {
  std::vector<uint32_t> tags;
  for (const Tlv& part : parts_) tags.push_back(part.tag);
  EXPECT_EQ(tags, (std::vector<uint32_t>{0xBF23, 0xA0, 0xA1, 0xA3}));
  EXPECT_EQ(InnerSegments(0xA0, 0x87).size(), 1u);
  EXPECT_EQ(InnerSegments(0xA1, 0x88).size(), 1u);
  const std::vector<Bytes> profile = InnerSegments(0xA3, 0x86);
  ASSERT_EQ(profile.size(), 13u);
  EXPECT_EQ(profile.front().size(), 1036u);
  // The outer TLVs are not protected segments themselves: the outer 87 holds 18 bytes before
  // its "MAC" (not whole AES blocks), and the outer 88's last 8 bytes are no MAC of it.
  BspSession session(KeysOf(vectors_["session_keys"]));
  OpenError why = OpenError::kBadMac;
  EXPECT_FALSE(session.Open(Outer(0xA0), &why).ok());
  EXPECT_EQ(why, OpenError::kBadStructure);
  why = OpenError::kBadStructure;
  EXPECT_FALSE(session.Open(Outer(0xA1), &why).ok());
  EXPECT_EQ(why, OpenError::kBadMac);
  EXPECT_EQ(session.counter(), 1u);
}

TEST_F(BspWholePackage, OpensToTheGivenPlaintexts) {
  BspSession card(KeysOf(vectors_["session_keys"]));
  Result<Bytes> configure = card.Open(InnerSegments(0xA0, 0x87).at(0));
  ASSERT_TRUE(configure.ok()) << configure.status().message();
  EXPECT_EQ(ToHex(*configure), ToHex(Hex(vectors_["configure_isdp_plain"])));
  Result<Bytes> metadata = card.Open(InnerSegments(0xA1, 0x88).at(0));
  ASSERT_TRUE(metadata.ok()) << metadata.status().message();
  EXPECT_EQ(ToHex(*metadata), ToHex(Hex(vectors_["store_metadata_plain"])));
  EXPECT_EQ(card.counter(), 3u);

  card.Rekey(KeysOf(vectors_["ppk_keys_from_replace_session_keys"]));
  Bytes package;
  for (const Bytes& segment : InnerSegments(0xA3, 0x86)) {
    Result<Bytes> chunk = card.Open(segment);
    ASSERT_TRUE(chunk.ok()) << "86 segment " << card.counter() << ": " << chunk.status().message();
    package.insert(package.end(), chunk->begin(), chunk->end());
  }
  EXPECT_EQ(card.counter(), 14u);
  EXPECT_EQ(package, FromBase64(vectors_["profile_package_plain_base64"].get<std::string>()));
}

// Protect with the same keys and the same chunking rebuilds every inner segment byte for byte.
TEST_F(BspWholePackage, ProtectRebuildsEverySegment) {
  BspSession smdp(KeysOf(vectors_["session_keys"]));
  Result<Bytes> configure = smdp.Protect(0x87, Hex(vectors_["configure_isdp_plain"]));
  ASSERT_TRUE(configure.ok());
  EXPECT_EQ(*configure, InnerSegments(0xA0, 0x87).at(0));
  Result<Bytes> metadata = smdp.Protect(0x88, Hex(vectors_["store_metadata_plain"]));
  ASSERT_TRUE(metadata.ok());
  EXPECT_EQ(*metadata, InnerSegments(0xA1, 0x88).at(0));

  smdp.Rekey(KeysOf(vectors_["ppk_keys_from_replace_session_keys"]));
  const Bytes package = FromBase64(vectors_["profile_package_plain_base64"].get<std::string>());
  const std::vector<Bytes> expected = InnerSegments(0xA3, 0x86);
  constexpr size_t kChunk = 1008;
  size_t index = 0;
  for (size_t at = 0; at < package.size(); at += kChunk, ++index) {
    const size_t n = std::min(kChunk, package.size() - at);
    Result<Bytes> segment = smdp.Protect(0x86, ByteView(package).subspan(at, n));
    ASSERT_TRUE(segment.ok());
    ASSERT_LT(index, expected.size());
    EXPECT_EQ(*segment, expected[index]) << "86 segment " << index;
  }
  EXPECT_EQ(index, expected.size());
}

// --- refusals -------------------------------------------------------------------------------

SessionKeys TestKeys() {
  return SessionKeys{Bytes(16, 0x22), Bytes(16, 0x00), Bytes(16, 0x11)};
}

Bytes Protected(uint8_t tag, ByteView plaintext) {
  BspSession smdp(TestKeys());
  Result<Bytes> segment = smdp.Protect(tag, plaintext);
  EXPECT_TRUE(segment.ok());
  return segment.ok() ? *segment : Bytes{};
}

void ExpectRefused(BspSession& card, const Bytes& segment, OpenError expected) {
  const Bytes chaining = card.mac_chaining_value();
  const uint32_t counter = card.counter();
  OpenError why = expected == OpenError::kBadMac ? OpenError::kBadStructure : OpenError::kBadMac;
  Result<Bytes> opened = card.Open(segment, &why);
  ASSERT_FALSE(opened.ok());
  EXPECT_EQ(opened.status().code(), ErrorCode::kInvalidInput);
  EXPECT_EQ(why, expected) << ToHex(segment);
  EXPECT_EQ(card.counter(), counter);  // a refused segment changes nothing
  EXPECT_EQ(card.mac_chaining_value(), chaining);
}

TEST(BspOpen, RefusesAChangedMacPayloadOrHeaderAsBadMac) {
  const Bytes plaintext = {0xBF, 0x24, 0x00};
  for (const uint8_t tag : {uint8_t{0x87}, uint8_t{0x88}}) {
    const Bytes good = Protected(tag, plaintext);
    BspSession card(TestKeys());
    Bytes bad_mac = good;
    bad_mac.back() ^= 0x01;
    ExpectRefused(card, bad_mac, OpenError::kBadMac);
    Bytes bad_payload = good;
    bad_payload[3] ^= 0x80;
    ExpectRefused(card, bad_payload, OpenError::kBadMac);
    if (tag == 0x87) {  // the MAC binds the tag: the same bytes as an 86 do not verify
      Bytes other_tag = good;
      other_tag[0] = 0x86;
      ExpectRefused(card, other_tag, OpenError::kBadMac);
    }
    // After the refusals the card still opens the genuine segment.
    Result<Bytes> opened = card.Open(good);
    ASSERT_TRUE(opened.ok());
    EXPECT_EQ(*opened, plaintext);
  }
}

TEST(BspOpen, RefusesSegmentsOutOfOrderOrWithOtherKeys) {
  BspSession smdp(TestKeys());
  const Bytes first = *smdp.Protect(0x86, Bytes(40, 0xA5));
  const Bytes second = *smdp.Protect(0x86, Bytes(40, 0x5A));
  BspSession card(TestKeys());
  ExpectRefused(card, second, OpenError::kBadMac);  // chaining value of segment 1 expected
  SessionKeys other = TestKeys();
  other.s_mac[0] ^= 0x01;
  BspSession wrong_keys(other);
  ExpectRefused(wrong_keys, first, OpenError::kBadMac);
  ASSERT_TRUE(card.Open(first).ok());
  ASSERT_TRUE(card.Open(second).ok());
  ExpectRefused(card, second, OpenError::kBadMac);  // a replay
}

TEST(BspOpen, RefusesMalformedSegmentsAsBadStructure) {
  BspSession card(TestKeys());
  const Bytes good = Protected(0x87, Bytes{0xBF, 0x24, 0x00});  // 87 18 <16> <8>
  Bytes other_tag = good;
  other_tag[0] = 0x85;
  ExpectRefused(card, other_tag, OpenError::kBadStructure);
  Bytes trailing = good;
  trailing.push_back(0x00);
  ExpectRefused(card, trailing, OpenError::kBadStructure);
  ExpectRefused(card, Bytes(good.begin(), good.end() - 1), OpenError::kBadStructure);  // truncated
  ExpectRefused(card, Bytes{0x88, 0x07, 1, 2, 3, 4, 5, 6, 7}, OpenError::kBadStructure);  // shorter than a MAC
  ExpectRefused(card, Bytes{0x87}, OpenError::kBadStructure);
  ExpectRefused(card, Bytes{}, OpenError::kBadStructure);
  ExpectRefused(card, Bytes{0x87, 0x84, 0, 0, 0, 8, 1, 2, 3, 4, 5, 6, 7, 8}, OpenError::kBadStructure);
  // 87 with a 15-byte ciphertext (not whole AES blocks), and with none at all.
  Bytes odd = {0x87, 0x17};
  odd.insert(odd.end(), 15 + 8, 0x00);
  ExpectRefused(card, odd, OpenError::kBadStructure);
  ExpectRefused(card, Bytes{0x87, 0x08, 1, 2, 3, 4, 5, 6, 7, 8}, OpenError::kBadStructure);
}

// A segment whose MAC verifies but whose plaintext does not end in 80 00..: built with libcrypto
// directly (the test's own AES and CMAC), so only the padding is wrong.
Bytes SegmentWithPlainBlock(const SessionKeys& keys, const Bytes& block16) {
  unsigned char counter_block[16] = {};
  counter_block[15] = 1;
  unsigned char iv[16];
  int n = 0;
  EVP_CIPHER_CTX* c = EVP_CIPHER_CTX_new();
  EVP_EncryptInit_ex(c, EVP_aes_128_ecb(), nullptr, keys.s_enc.data(), nullptr);
  EVP_CIPHER_CTX_set_padding(c, 0);
  EVP_EncryptUpdate(c, iv, &n, counter_block, 16);
  EVP_EncryptInit_ex(c, EVP_aes_128_cbc(), nullptr, keys.s_enc.data(), iv);
  EVP_CIPHER_CTX_set_padding(c, 0);
  Bytes segment = {0x87, 0x18};
  Bytes ct(16);
  EVP_EncryptUpdate(c, ct.data(), &n, block16.data(), 16);
  EVP_CIPHER_CTX_free(c);
  segment.insert(segment.end(), ct.begin(), ct.end());
  EVP_MAC* mac = EVP_MAC_fetch(nullptr, "CMAC", nullptr);
  EVP_MAC_CTX* m = EVP_MAC_CTX_new(mac);
  char cipher[] = "AES-128-CBC";
  OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_CIPHER, cipher, 0), OSSL_PARAM_construct_end()};
  EVP_MAC_init(m, keys.s_mac.data(), 16, params);
  EVP_MAC_update(m, keys.initial_mac_chaining_value.data(), 16);
  EVP_MAC_update(m, segment.data(), segment.size());
  unsigned char full[16];
  size_t len = 0;
  EVP_MAC_final(m, full, &len, sizeof full);
  EVP_MAC_CTX_free(m);
  EVP_MAC_free(mac);
  segment.insert(segment.end(), full, full + 8);
  return segment;
}

TEST(BspOpen, RefusesBadPaddingAsBadStructure) {
  // Control: the same construction with correct padding opens, so the helper is right.
  Bytes padded = {0xBF, 0x24, 0x00, 0x80};
  padded.resize(16, 0x00);
  BspSession control(TestKeys());
  Result<Bytes> opened = control.Open(SegmentWithPlainBlock(TestKeys(), padded));
  ASSERT_TRUE(opened.ok()) << opened.status().message();
  EXPECT_EQ(*opened, (Bytes{0xBF, 0x24, 0x00}));

  BspSession card(TestKeys());
  ExpectRefused(card, SegmentWithPlainBlock(TestKeys(), Bytes(16, 0x00)), OpenError::kBadStructure);
  ExpectRefused(card, SegmentWithPlainBlock(TestKeys(), Bytes(16, 0x41)), OpenError::kBadStructure);
  Bytes wrong_marker = padded;
  wrong_marker[3] = 0x81;
  ExpectRefused(card, SegmentWithPlainBlock(TestKeys(), wrong_marker), OpenError::kBadStructure);
  EXPECT_EQ(ERR_peek_error(), 0u);
}

TEST(BspProtect, PadsAlwaysAndRoundTripsEverySize) {
  for (const size_t size : {0u, 1u, 15u, 16u, 17u, 127u, 1007u, 1500u}) {
    const Bytes plaintext(size, static_cast<uint8_t>(size));
    for (const uint8_t tag : {uint8_t{0x86}, uint8_t{0x87}, uint8_t{0x88}}) {
      const Bytes segment = Protected(tag, plaintext);
      const size_t payload = tag == 0x88 ? size : (size / 16 + 1) * 16;  // 80 00.. always added
      const size_t header = payload + 8 < 0x80 ? 2 : payload + 8 < 0x100 ? 3 : 4;
      EXPECT_EQ(segment.size(), header + payload + 8) << "size " << size;
      BspSession card(TestKeys());
      Result<Bytes> opened = card.Open(segment);
      ASSERT_TRUE(opened.ok()) << opened.status().message();
      EXPECT_EQ(*opened, plaintext);
    }
  }
}

TEST(BspProtect, RefusesOtherTagsAndBadKeys) {
  BspSession session(TestKeys());
  EXPECT_EQ(session.Protect(0x85, Bytes{1}).status().code(), ErrorCode::kInvalidInput);
  EXPECT_EQ(session.counter(), 1u);
  SessionKeys short_key = TestKeys();
  short_key.s_enc.resize(15);
  BspSession bad(short_key);
  EXPECT_EQ(bad.Protect(0x87, Bytes{1}).status().code(), ErrorCode::kInvalidInput);
  EXPECT_EQ(bad.Open(Protected(0x87, Bytes{1})).status().code(), ErrorCode::kInvalidInput);
}

// --- one-time keys and ECDH -------------------------------------------------------------------

TEST(BspKeys, BothSidesDeriveTheSameKeysAndTheCardOpensWhatTheServerProtects) {
  Result<EvpPkeyPtr> card_key = GenerateP256KeyPair();
  Result<EvpPkeyPtr> server_key = GenerateP256KeyPair();
  ASSERT_TRUE(card_key.ok() && server_key.ok());
  // Each side sees only the other's uncompressed point, as 5F49 carries it.
  Result<Bytes> card_point = UncompressedPublicKey(card_key->get());
  Result<Bytes> server_point = UncompressedPublicKey(server_key->get());
  ASSERT_TRUE(card_point.ok() && server_point.ok());
  ASSERT_EQ(card_point->size(), 65u);
  EXPECT_EQ((*card_point)[0], 0x04);
  Result<EvpPkeyPtr> card_public = PublicKeyFromUncompressed(*card_point);
  Result<EvpPkeyPtr> server_public = PublicKeyFromUncompressed(*server_point);
  ASSERT_TRUE(card_public.ok() && server_public.ok());
  EXPECT_EQ(*UncompressedPublicKey(card_public->get()), *card_point);

  Result<Bytes> on_card = EcdhSharedSecret(card_key->get(), server_public->get());
  Result<Bytes> on_server = EcdhSharedSecret(server_key->get(), card_public->get());
  ASSERT_TRUE(on_card.ok() && on_server.ok());
  EXPECT_EQ(on_card->size(), 32u);
  EXPECT_EQ(*on_card, *on_server);
  Result<EvpPkeyPtr> third = GenerateP256KeyPair();
  EXPECT_NE(*EcdhSharedSecret(third->get(), server_public->get()), *on_card);

  const Bytes eid = *FromHex("89049032123451234512345678901235");
  const Bytes host_id(8, 0x80);
  Result<SessionKeys> card_keys = DeriveSessionKeys(*on_card, 0x88, 0x10, host_id, eid);
  Result<SessionKeys> server_keys = DeriveSessionKeys(*on_server, 0x88, 0x10, host_id, eid);
  ASSERT_TRUE(card_keys.ok() && server_keys.ok());
  BspSession server(*server_keys);
  BspSession card(*card_keys);
  const Bytes configure = {0xBF, 0x24, 0x00};
  Result<Bytes> opened = card.Open(*server.Protect(0x87, configure));
  ASSERT_TRUE(opened.ok());
  EXPECT_EQ(*opened, configure);
}

TEST(BspKeys, RefusesPointsThatAreNotOnP256) {
  Result<EvpPkeyPtr> key = GenerateP256KeyPair();
  ASSERT_TRUE(key.ok());
  Bytes point = *UncompressedPublicKey(key->get());
  Bytes off_curve = point;
  off_curve[64] ^= 0x01;  // y changed: (x, y') is not on the curve
  EXPECT_EQ(PublicKeyFromUncompressed(off_curve).status().code(), ErrorCode::kInvalidInput);
  Bytes compressed(point.begin(), point.begin() + 33);
  compressed[0] = 0x02;
  EXPECT_EQ(PublicKeyFromUncompressed(compressed).status().code(), ErrorCode::kInvalidInput);
  Bytes wrong_prefix = point;
  wrong_prefix[0] = 0x05;
  EXPECT_EQ(PublicKeyFromUncompressed(wrong_prefix).status().code(), ErrorCode::kInvalidInput);
  EXPECT_EQ(PublicKeyFromUncompressed(Bytes(65, 0x00)).status().code(), ErrorCode::kInvalidInput);
  EXPECT_EQ(ERR_peek_error(), 0u);  // refusals leave libcrypto's error queue empty
}

TEST(BspKeys, RefusesKeysThatAreNotP256) {
  EvpPkeyPtr p384(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-384"));
  ASSERT_TRUE(p384);
  Result<EvpPkeyPtr> p256 = GenerateP256KeyPair();
  EXPECT_EQ(UncompressedPublicKey(p384.get()).status().code(), ErrorCode::kInvalidInput);
  EXPECT_EQ(EcdhSharedSecret(p256->get(), p384.get()).status().code(), ErrorCode::kInvalidInput);
  EXPECT_EQ(UncompressedPublicKey(nullptr).status().code(), ErrorCode::kInvalidInput);
}

}  // namespace
}  // namespace esim::bsp

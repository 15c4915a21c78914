// A test SM-DP+ built inside the unit tests from common/bsp_crypto (Protect) and the SGP.26
// DPauth/DPpb keys, driving a download against the virtual eUICC with the SGP.26 identity.
// Single-threaded test use only.
#pragma once

#include <fstream>
#include <iterator>

#include "common/bsp_crypto.h"
#include "tests/unit/vcard/vcard_test_util.h"
#include "vcard/der.h"
#include "vcard/es10_encode.h"
#include "vcard/signer.h"
#include "vcard/state_codings.h"

namespace esim::vcard::testing {

inline Bytes ReadBytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return Bytes(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}
inline std::string Ts48(const std::string& name) { return std::string(ESIM_SHARED_DIR) + "/ts48/" + name; }
inline Bytes Cat(std::initializer_list<ByteView> parts) {
  Bytes out;
  for (ByteView p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}
// The children of the one element in `der` (empty if it does not parse).
inline std::vector<der::Tlv> Children(ByteView der) {
  auto tlv = der::ParseSingle(der);
  if (!tlv.ok()) return {};
  auto c = der::ReadChildren(tlv->value);
  return c.ok() ? *c : std::vector<der::Tlv>{};
}

inline constexpr const char* kSgp26Eid = "89049032123451234512345678901235";
inline const Bytes kSgp26CiId = H("F54172BDF98A95D65CBEB88A38A1C11D800A85C3");

// The pieces of one BoundProfilePackage, in the order the LPA sends them (download-facts §3).
struct Bpp {
  std::vector<Bytes> pieces;  // BF36 header + BF23, A0, A1 header, 88..., [A2], A3 header, 86...
  Bytes Whole() const {
    Bytes out;
    for (const Bytes& p : pieces) out.insert(out.end(), p.begin(), p.end());
    return out;
  }
};

struct BppOptions {
  bool replace_session_keys = true;
  bool corrupt_smdp_sign = false;
  int corrupt_mac_of_86 = -1;  // index of the 86 segment whose MAC is flipped
};

class DownloadFixture : public CardFixture {
 protected:
  void SetUp() override {
    auto doc = ReadJson(std::string(ESIM_SOURCE_DIR) + "/tests/data/sgp26-state.json");
    // The copy lives in a temp dir: point its paths at ../shared directly.
    doc["credentials"] = {{"euiccKey", Sgp26Dir() + "/SK_EUICC_ECDSA_NIST.pem"},
                          {"euiccCertificate", Sgp26Dir() + "/CERT_EUICC_ECDSA_NIST.der"},
                          {"eumCertificate", Sgp26Dir() + "/CERT_EUM_ECDSA_NIST.der"}};
    doc["trustedCiCertificates"] = {Sgp26Dir() + "/CERT_CI_ECDSA_NIST.der"};
    Adjust(doc);
    eid_ = doc["eid"].get<std::string>();
    LoadDoc(doc, Options());
    ASSERT_EQ(SelectIsdr(), 0x9000);
    dpauth_ = Signer("SK_S_SM_DPauth_ECDSA_NIST.pem", "CERT_S_SM_DPauth_ECDSA_NIST.der");
    dppb_ = Signer("SK_S_SM_DPpb_ECDSA_NIST.pem", "CERT_S_SM_DPpb_ECDSA_NIST.der");
    euicc_ = Signer("SK_EUICC_ECDSA_NIST.pem", "CERT_EUICC_ECDSA_NIST.der");
  }
  // Hooks for a test's own state and card options.
  virtual void Adjust(nlohmann::json& /*doc*/) {}
  virtual VirtualEuicc::Options Options() { return {}; }

  std::unique_ptr<NotificationSigner> Signer(const std::string& key, const std::string& cert) {
    auto s = NotificationSigner::FromFiles({Sgp26Dir() + "/" + key, Sgp26Dir() + "/" + cert,
                                            Sgp26Dir() + "/CERT_CI_ECDSA_NIST.der"});
    EXPECT_TRUE(s.ok()) << s.status().message();
    return s.ok() ? std::move(s).value() : nullptr;
  }
  Bytes Sign(const NotificationSigner& s, ByteView data) { return der::Wrap(0x5F37, *s.Sign(data)); }

  Bytes Challenge() {
    auto r = Es10("BF2E00");
    EXPECT_EQ(r.sw, 0x9000);
    auto c = Children(r.data);
    return c.empty() ? Bytes{} : Bytes(c[0].value.begin(), c[0].value.end());
  }

  // AuthenticateServer with serverSigned1 over `challenge`; returns the card's answer.
  Rapdu Authenticate(const Bytes& challenge, const Bytes* certificate = nullptr, const Bytes* ci_id = nullptr,
                     bool corrupt = false) {
    Bytes signed1 = der::Wrap(0x30, Cat({der::Wrap(0x80, tid_), der::Wrap(0x81, challenge),
                                         der::Wrap(0x83, address_), der::Wrap(0x84, Bytes(16, 0x5C))}));
    Bytes signature = Sign(*dpauth_, signed1);
    if (corrupt) signature.back() ^= 0x01;
    Bytes ctx = der::Wrap(0xA0, Cat({der::Wrap(0x80, std::string("TS48V1-A-UNIQUE")),
                                     der::Wrap(0xA1, Cat({der::Wrap(0x80, H("35290611")), der::Wrap(0xA1, Bytes{})}))}));
    Bytes request = der::Wrap(0xBF38, Cat({signed1, signature, der::Wrap(0x04, ci_id ? *ci_id : kSgp26CiId),
                                           certificate ? *certificate : DpAuthCert(), ctx}));
    auto r = Es10(request);
    auto ok = Children(r.data);
    if (!ok.empty() && ok[0].tag == 0xA0) {
      auto members = der::ReadChildren(ok[0].value);
      if (members.ok() && members->size() == 4) {
        euicc_signed1_.assign((*members)[0].whole.begin(), (*members)[0].whole.end());
        euicc_signature1_.assign((*members)[1].whole.begin(), (*members)[1].whole.end());
        euicc_certificate_.assign((*members)[2].whole.begin(), (*members)[2].whole.end());
      }
    }
    return r;
  }

  // PrepareDownload; on success keeps the card's one-time key.
  Rapdu Prepare(bool cc_required = false, bool send_hash = false, const Bytes* certificate = nullptr,
                const Bytes* tid = nullptr, bool corrupt = false) {
    Bytes signed2 = der::Wrap(0x30, Cat({der::Wrap(0x80, tid ? *tid : tid_), der::Wrap(0x01, Bytes{cc_required ? uint8_t{0xFF} : uint8_t{0}})}));
    smdp_signature2_ = Sign(*dppb_, Cat({signed2, euicc_signature1_}));
    if (corrupt) smdp_signature2_.back() ^= 0x01;
    Bytes body = Cat({signed2, smdp_signature2_});
    if (send_hash) der::Append(body, 0x04, Bytes(32, 0x11));
    Bytes cert = certificate ? *certificate : DpPbCert();
    body.insert(body.end(), cert.begin(), cert.end());
    auto r = Es10(der::Wrap(0xBF21, body));
    auto ok = Children(r.data);
    if (!ok.empty() && ok[0].tag == 0xA0) {
      auto members = der::ReadChildren(ok[0].value);
      if (members.ok() && members->size() == 2) {
        euicc_signed2_.assign((*members)[0].whole.begin(), (*members)[0].whole.end());
        euicc_signature2_.assign((*members)[1].value.begin(), (*members)[1].value.end());
        auto fields = Children(euicc_signed2_);
        if (auto otpk = der::Find(fields, 0x5F49)) euicc_otpk_.assign(otpk->value.begin(), otpk->value.end());
      }
    }
    return r;
  }

  static Bytes Metadata(const std::string& iccid, const std::string& name = "TS.48 A") {
    Bytes body = der::Wrap(0x5A, *IccidToBcd(iccid));
    der::Append(body, 0x91, Bytes{'G', 'S', 'M', 'A'});
    der::Append(body, 0x92, Bytes(name.begin(), name.end()));
    der::Append(body, 0x93, Bytes{0x01});                      // png
    der::Append(body, 0x94, H("89504E470D0A1A0A0000"));        // an icon's first bytes
    der::Append(body, 0x95, Bytes{0x00});                      // test
    der::Append(body, 0xB6, der::Wrap(0x30, Cat({der::Wrap(0x80, H("0590")), der::Wrap(0x81, std::string("testsmdpplus1.example.com"))})));
    der::Append(body, 0x99, H("0640"));                        // ppr1
    return der::Wrap(0xBF25, body);
  }

  // The SM-DP+'s side of the binding: key agreement with the card's otPK and the protected segments.
  Bpp Build(const Bytes& metadata, const Bytes& package, const BppOptions& o = {}) {
    auto otsk = bsp::GenerateP256KeyPair();
    EXPECT_TRUE(otsk.ok());
    Bytes otpk = *bsp::UncompressedPublicKey(otsk->get());
    Bytes host_id = H("0102030405060708");
    Bytes op = der::Wrap(0x82, Bytes{0x01}), tid = der::Wrap(0x80, tid_);
    Bytes crt = der::Wrap(0xA6, Cat({der::Wrap(0x80, Bytes{0x88}), der::Wrap(0x81, Bytes{0x10}), der::Wrap(0x84, host_id)}));
    Bytes dp_otpk = der::Wrap(0x5F49, otpk);
    Bytes sign = Sign(*dppb_, Cat({op, tid, crt, dp_otpk, der::Wrap(0x5F49, euicc_otpk_)}));
    if (o.corrupt_smdp_sign) sign.back() ^= 0x01;
    Bytes bf23 = der::Wrap(0xBF23, Cat({op, tid, crt, dp_otpk, sign}));
    auto peer = bsp::PublicKeyFromUncompressed(euicc_otpk_);
    EXPECT_TRUE(peer.ok());
    Bytes secret = *bsp::EcdhSharedSecret(otsk->get(), peer->get());
    bsp::BspSession session(*bsp::DeriveSessionKeys(secret, 0x88, 0x10, host_id, EidBytes(eid_)));
    Bpp bpp;
    Bytes a0 = der::Wrap(0xA0, *session.Protect(0x87, H("BF2400")));
    std::vector<Bytes> s88;
    size_t a1_len = 0;
    for (size_t i = 0; i < metadata.size(); i += 1000) {
      s88.push_back(*session.Protect(0x88, ByteView(metadata).subspan(i, std::min<size_t>(1000, metadata.size() - i))));
      a1_len += s88.back().size();
    }
    Bytes a2;
    if (o.replace_session_keys) {
      Bytes iv(16, 0x21), enc(16, 0x22), mac(16, 0x23);
      Bytes bf26 = der::Wrap(0xBF26, Cat({der::Wrap(0x80, iv), der::Wrap(0x81, enc), der::Wrap(0x82, mac)}));
      a2 = der::Wrap(0xA2, *session.Protect(0x87, bf26));
      session.Rekey(bsp::SessionKeys{iv, enc, mac});
    }
    std::vector<Bytes> s86;
    size_t a3_len = 0;
    for (size_t i = 0; i < package.size(); i += 1000) {
      s86.push_back(*session.Protect(0x86, ByteView(package).subspan(i, std::min<size_t>(1000, package.size() - i))));
      if (static_cast<int>(s86.size()) - 1 == o.corrupt_mac_of_86) s86.back().back() ^= 0x01;
      a3_len += s86.back().size();
    }
    Bytes a1_header = Header(0xA1, a1_len), a3_header = Header(0xA3, a3_len);
    size_t total = bf23.size() + a0.size() + a1_header.size() + a1_len + a2.size() + a3_header.size() + a3_len;
    bpp.pieces.push_back(Cat({Header(0xBF36, total), bf23}));
    bpp.pieces.push_back(a0);
    bpp.pieces.push_back(a1_header);
    for (auto& s : s88) bpp.pieces.push_back(s);
    if (!a2.empty()) bpp.pieces.push_back(a2);
    bpp.pieces.push_back(a3_header);
    for (auto& s : s86) bpp.pieces.push_back(s);
    return bpp;
  }

  // Tag and DER length of an element of `length` content bytes.
  static Bytes Header(uint32_t tag, size_t length) {
    Bytes whole = der::Wrap(tag, Bytes(length));
    return Bytes(whole.begin(), whole.end() - static_cast<std::ptrdiff_t>(length));
  }

  // Sends the pieces as the LPA does; returns the last answer (the first one with data).
  Rapdu Load(const Bpp& bpp) {
    Rapdu r;
    for (const Bytes& piece : bpp.pieces) {
      r = Es10(piece);
      if (r.sw != 0x9000 || !r.data.empty()) return r;
    }
    return r;
  }

  // Challenge, authentication and preparation, all expected to succeed.
  void Handshake() {
    Bytes challenge = Challenge();
    ASSERT_EQ(challenge.size(), 16u);
    auto auth = Authenticate(challenge);
    ASSERT_EQ(auth.sw, 0x9000);
    ASSERT_FALSE(euicc_signature1_.empty()) << ToHex(auth.data);
    auto prep = Prepare();
    ASSERT_EQ(prep.sw, 0x9000);
    ASSERT_EQ(euicc_otpk_.size(), 65u) << ToHex(prep.data);
  }

  Bytes DpAuthCert() { return ReadBytes(Sgp26Dir() + "/CERT_S_SM_DPauth_ECDSA_NIST.der"); }
  Bytes DpPbCert() { return ReadBytes(Sgp26Dir() + "/CERT_S_SM_DPpb_ECDSA_NIST.der"); }

  // The error code of an AuthenticateServer/PrepareDownload error answer (A1 { 80, 02 }), or -1.
  static int64_t ErrorCode(const Bytes& answer) {
    auto c = Children(answer);
    if (c.empty() || c[0].tag != 0xA1) return -1;
    auto m = der::ReadChildren(c[0].value);
    auto code = m.ok() ? der::Find(*m, 0x02) : std::nullopt;
    return code ? *der::ParseInteger(code->value) : -1;
  }

  // BF37 → (bppCommandId, errorReason), or (-1, -1) for success / not a BF37.
  static std::pair<int64_t, int64_t> InstallError(const Bytes& bf37) {
    auto c = Children(bf37);
    if (c.empty() || c[0].tag != 0xBF27) return {-1, -1};
    auto data = der::ReadChildren(c[0].value);
    auto result = data.ok() ? der::Find(*data, 0xA2) : std::nullopt;
    if (!result) return {-1, -1};
    auto choice = der::ReadChildren(result->value);
    if (!choice.ok() || choice->empty() || choice->front().tag != 0xA1) return {-1, -1};
    auto e = der::ReadChildren(choice->front().value);
    return {*der::ParseInteger(der::Find(*e, 0x80)->value), *der::ParseInteger(der::Find(*e, 0x81)->value)};
  }

  std::string eid_;
  Bytes tid_ = H("0A0B0C0D0E0F1011");
  std::string address_ = "testsmdpplus1.example.com";
  std::unique_ptr<NotificationSigner> dpauth_, dppb_, euicc_;
  Bytes euicc_certificate_;  // as AuthenticateServer returned it
  Bytes euicc_signed1_, euicc_signature1_, smdp_signature2_, euicc_signed2_, euicc_signature2_, euicc_otpk_;
};

}  // namespace esim::vcard::testing

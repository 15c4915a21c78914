// smdp-fake-euicc: plays LPA and eUICC at once against test-smdp, so the server's download side
// is tested without a card. It signs euiccSigned1/2 with a real eUICC key (the SGP.26 one in the
// tests), checks everything a card checks on the server's answers (DPauth/DPpb chain to the CI,
// serverSignature1, the echoed euiccChallenge, smdpSignature2, smdpSign, every segment MAC via
// BspSession::Open), and compares the opened profile package with the file the server serves.
//
// Output: one JSON object on stdout. Exit codes: 0 installed (or cancelled as asked),
// 3 the server answered Failed (subjectCode/reasonCode in the output), 4 a card-side check
// failed (e.g. a bad signature or MAC: "check" says which), 5 transport or HTTP error,
// 6 the package or metadata differs from what was expected, 2 usage.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/objects.h>
#include <openssl/rand.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <cstring>
#include <fstream>
#include <iostream>
#include <iterator>
#include <optional>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "common/base64.h"
#include "common/bsp_crypto.h"
#include "common/certificate_checks.h"
#include "common/raw_ecdsa.h"
#include "tests/smdp/es9_service.h"
#include "tests/smdp/euicc_checks.h"
#include "tests/smdp/http.h"
#include "tests/smdp/orders.h"
#include "tests/smdp/pki.h"
#include "tests/smdp/tlv.h"

namespace esim::smdp {
namespace {

using nlohmann::json;

struct Args {
  int port = 0;
  std::string address = "testsmdpplus1.example.com";
  std::string ca_file, euicc_key, euicc_cert, eum_cert, ci_cert;
  std::string matching_id, confirmation_code, expect_package;
  std::string cancel_after;  // authenticateClient | getBoundProfilePackage
  int cancel_reason = 0;
  std::string corrupt;       // euiccSignature1 | euiccSignature2
  std::string install_error; // CMD:REASON: report this error in the install result
  bool no_notify = false;
  bool cancel_on_failed = false;  // after a Failed answer, cancel the session (as an LPA does)
  int timeout_s = 10;
};

// Ends the run with `code` and an output object.
struct Outcome {
  int code;
  json out;
};

Outcome Stop(int code, const std::string& step, const std::string& what, json extra = json::object()) {
  extra["result"] = code == 3 ? "failed" : code == 4 ? "card-check-failed" : code == 6 ? "mismatch" : "error";
  extra["step"] = step;
  extra["message"] = what;
  return {code, extra};
}

Result<Bytes> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status(ErrorCode::kIo, "cannot read " + path);
  return Bytes((std::istreambuf_iterator<char>(in)), {});
}

// One HTTPS POST to 127.0.0.1:port as `address`, verifying the server against --ca-file.
struct HttpAnswer {
  int status = 0;
  std::string body;
};
Result<HttpAnswer> Post(const Args& a, const std::string& function, const std::string& body) {
  std::unique_ptr<SSL_CTX, OpenSslFree<SSL_CTX_free>> ctx(SSL_CTX_new(TLS_client_method()));
  if (!ctx || SSL_CTX_load_verify_locations(ctx.get(), a.ca_file.c_str(), nullptr) != 1)
    return Status(ErrorCode::kIo, "--ca-file: " + OpenSslError());
  SSL_CTX_set_verify(ctx.get(), SSL_VERIFY_PEER, nullptr);
  Fd fd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  timeval tv{a.timeout_s, 0};
  setsockopt(fd.get(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  setsockopt(fd.get(), SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(a.port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0)
    return Status(ErrorCode::kIo, std::string("connect: ") + std::strerror(errno));
  SslPtr ssl(SSL_new(ctx.get()));
  SSL_set_fd(ssl.get(), fd.get());
  const std::string host = a.address.substr(0, a.address.find(':'));  // "HOST[:PORT]"
  // SSL_set_tlsext_host_name is a macro with an old-style cast: call what it expands to.
  SSL_ctrl(ssl.get(), SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name, const_cast<char*>(host.c_str()));
  SSL_set1_host(ssl.get(), host.c_str());
  if (SSL_connect(ssl.get()) != 1) return Status(ErrorCode::kIo, "TLS: " + OpenSslError());
  std::string request = "POST " + std::string(kEs9Prefix) + function + " HTTP/1.1\r\nHost: " + host +
                        "\r\nUser-Agent: smdp-fake-euicc/1\r\nX-Admin-Protocol: gsma/rsp/v2.2.0\r\n"
                        "Content-Type: application/json;charset=UTF-8\r\nContent-Length: " +
                        std::to_string(body.size()) + "\r\n\r\n" + body;
  if (SSL_write(ssl.get(), request.data(), static_cast<int>(request.size())) <= 0)
    return Status(ErrorCode::kIo, "TLS write: " + OpenSslError());
  std::string raw;
  char chunk[8192];
  int n;
  while ((n = SSL_read(ssl.get(), chunk, sizeof chunk)) > 0) raw.append(chunk, static_cast<size_t>(n));
  ERR_clear_error();
  size_t head_end = raw.find("\r\n\r\n");
  if (raw.size() < 12 || head_end == std::string::npos) return Status(ErrorCode::kIo, "no HTTP answer");
  HttpAnswer h;
  h.status = std::atoi(raw.substr(9, 3).c_str());
  h.body = raw.substr(head_end + 4);
  return h;
}

Bytes Sig(EVP_PKEY* key, ByteView data) {
  auto s = SignRawEcdsaSha256(key, data);
  return s.ok() ? *s : Bytes(64, 0);
}

Bytes OidDer(const std::string& dotted) {
  std::unique_ptr<ASN1_OBJECT, OpenSslFree<ASN1_OBJECT_free>> obj(OBJ_txt2obj(dotted.c_str(), 1));
  unsigned char* der = nullptr;
  int n = obj ? i2d_ASN1_OBJECT(obj.get(), &der) : 0;
  Bytes out(der, der + std::max(n, 0));
  OPENSSL_free(der);
  return out;
}

class Client {
 public:
  explicit Client(Args a) : a_(std::move(a)) {}
  Outcome Run();
  bool HasSession() const { return !tid_hex_.empty(); }
  Outcome CancelAfterFailure() { return Cancel("after-failure"); }

 private:
  // Posts and checks HTTP 200 + Executed-Success; the answer JSON or an Outcome to stop with.
  std::variant<json, Outcome> Call(const std::string& function, const json& body);
  Outcome Cancel(const std::string& step);
  Result<Bytes> B64(const json& j, const char* name);

  Args a_;
  EvpPkeyPtr key_;
  Bytes euicc_der_, eum_der_, ci_key_id_, eid_, tid_;
  std::string tid_hex_, oid_;
  X509Ptr ci_;
};

Result<Bytes> Client::B64(const json& j, const char* name) {
  if (!j.contains(name) || !j[name].is_string()) return Status(ErrorCode::kInvalidInput, std::string("no ") + name);
  return DecodeBase64Strict(j[name].get<std::string>());
}

std::variant<json, Outcome> Client::Call(const std::string& function, const json& body) {
  auto h = Post(a_, function, body.dump());
  if (!h.ok()) return Stop(5, function, h.status().message());
  if (h->status != 200) return Stop(5, function, "HTTP " + std::to_string(h->status) + " " + h->body, {{"http", h->status}});
  json j = json::parse(h->body, nullptr, false);
  if (j.is_discarded()) return Stop(5, function, "answer is not JSON");
  const json& st = j["header"]["functionExecutionStatus"];
  if (!st.is_object() || st["status"] != "Executed-Success") {
    json codes = st.is_object() && st.contains("statusCodeData") ? st["statusCodeData"] : json::object();
    return Stop(3, function, codes.value("message", "not Executed-Success"),
                {{"subjectCode", codes.value("subjectCode", "")}, {"reasonCode", codes.value("reasonCode", "")}});
  }
  if (!tid_hex_.empty() && j.value("transactionId", "") != tid_hex_)
    return Stop(4, function, "transactionId differs from the session's", {{"check", "transactionId"}});
  return j;
}

Outcome Client::Cancel(const std::string& step) {
  // AUTOMATIC TAGS: 80 transactionId, 81 smdpOid (the OID's contents), 82 reason.
  Bytes oid = OidDer(oid_);
  Bytes signed_part = Wrap(0x30, Concat({Wrap(0x80, tid_), Wrap(0x81, ByteView(oid).subspan(2)),
                                         Wrap(0x82, Bytes{static_cast<uint8_t>(a_.cancel_reason)})}));
  Bytes bf41 = Wrap(0xBF41, Wrap(0xA0, Concat({signed_part, Wrap(0x5F37, Sig(key_.get(), signed_part))})));
  auto r = Call("cancelSession", {{"transactionId", tid_hex_}, {"cancelSessionResponse", Base64(bf41)}});
  if (auto* o = std::get_if<Outcome>(&r)) return *o;
  return {0, {{"result", "cancelled"}, {"step", step}, {"reason", a_.cancel_reason}}};
}

Outcome Client::Run() {
  auto key = LoadPrivateKey(a_.euicc_key);
  auto euicc = ReadFile(a_.euicc_cert), eum = ReadFile(a_.eum_cert);
  auto ci = certs::LoadFile(a_.ci_cert);
  if (!key.ok() || !euicc.ok() || !eum.ok() || !ci.ok() || ci->size() != 1) return Stop(2, "setup", "cannot read the eUICC credentials or CI");
  key_ = std::move(*key);
  euicc_der_ = *euicc;
  eum_der_ = *eum;
  ci_ = std::move((*ci)[0]);
  auto ski = certs::SubjectKeyId(ci_.get());
  if (!ski.ok()) return Stop(2, "setup", "the CI certificate has no SubjectKeyIdentifier");
  ci_key_id_ = *ski;
  auto cert = certs::ParseDer(euicc_der_);
  if (!cert.ok()) return Stop(2, "setup", "--euicc-cert is not a DER certificate");
  auto eid = FromHex(SubjectSerialNumber(cert->get()));
  if (!eid.ok() || eid->size() != 16) return Stop(2, "setup", "the eUICC certificate carries no 32-digit EID");
  eid_ = *eid;

  // 1-3: challenge, EUICCInfo1, initiateAuthentication.
  Bytes challenge(16);
  RAND_bytes(challenge.data(), 16);
  Bytes ki = Wrap(0x04, ci_key_id_);
  Bytes info1 = Wrap(0xBF20, Concat({Wrap(0x82, Bytes{2, 2, 0}), Wrap(0xA9, ki), Wrap(0xAA, ki)}));
  auto r1 = Call("initiateAuthentication",
                 {{"smdpAddress", a_.address}, {"euiccChallenge", Base64(challenge)}, {"euiccInfo1", Base64(info1)}});
  if (auto* o = std::get_if<Outcome>(&r1)) return *o;
  json& j1 = std::get<json>(r1);
  auto signed1 = B64(j1, "serverSigned1"), sig1 = B64(j1, "serverSignature1"), dpauth = B64(j1, "serverCertificate");
  auto ci_used = B64(j1, "euiccCiPKIdToBeUsed");
  if (!signed1.ok() || !sig1.ok() || !dpauth.ok() || !ci_used.ok()) return Stop(5, "initiateAuthentication", "member missing or not base64");
  if (*ci_used != ki) return Stop(4, "initiateAuthentication", "euiccCiPKIdToBeUsed is not our CI", {{"check", "ciPKId"}});
  auto dpauth_cert = certs::ParseDer(*dpauth);
  if (!dpauth_cert.ok() || !certs::VerifyChain(dpauth_cert->get(), {}, ci_.get()).ok() ||
      !certs::HasPolicy(dpauth_cert->get(), certs::kPolicyDpAuth))
    return Stop(4, "initiateAuthentication", "CERT.DPauth does not chain to the CI with the DPauth policy", {{"check", "dpauth"}});
  if (auto o = certs::RegisteredIdOid(dpauth_cert->get()); o.ok()) oid_ = *o;
  auto dpauth_key = certs::PublicKey(dpauth_cert->get());
  auto s1 = ReadOnly(*signed1, 0x30);
  if (!s1.ok() || sig1->size() != 67) return Stop(5, "initiateAuthentication", "serverSigned1/serverSignature1 malformed");
  if (!dpauth_key.ok() || !VerifyRawEcdsaSha256(dpauth_key->get(), *signed1, ByteView(*sig1).subspan(3)))
    return Stop(4, "initiateAuthentication", "serverSignature1 does not verify", {{"check", "serverSignature1"}});
  auto f1_or = Children(*signed1, *s1);
  if (!f1_or.ok()) return Stop(5, "initiateAuthentication", "serverSigned1 malformed");
  auto f1 = *f1_or;
  auto tid = Find(f1, 0x80), echoed = Find(f1, 0x81), server_challenge = Find(f1, 0x84);
  if (!tid || !echoed || !server_challenge) return Stop(5, "initiateAuthentication", "serverSigned1 lacks a member");
  ByteView e = Value(*signed1, *echoed);
  if (!std::equal(e.begin(), e.end(), challenge.begin(), challenge.end()))
    return Stop(4, "initiateAuthentication", "euiccChallenge not echoed", {{"check", "euiccChallenge"}});
  tid_.assign(Value(*signed1, *tid).begin(), Value(*signed1, *tid).end());
  if (j1.value("transactionId", "") != ToHex(tid_))
    return Stop(4, "initiateAuthentication", "transactionId differs from serverSigned1's", {{"check", "transactionId"}});
  tid_hex_ = ToHex(tid_);

  // 4-5: AuthenticateServer's answer, authenticateClient.
  Bytes ctx = Wrap(0xA0, Concat({Wrap(0x80, View(a_.matching_id)), Wrap(0xA1, Concat({Wrap(0x80, Bytes{0x35, 0x29, 0x06, 0x11}), Wrap(0xA1, {})}))}));
  Bytes info2 = Wrap(0xBF22, Concat({Wrap(0x81, Bytes{2, 2, 0}), Wrap(0x82, Bytes{1, 0, 0}), Wrap(0xA9, ki), Wrap(0xAA, ki)}));
  Bytes esigned1 = Wrap(0x30, Concat({Wrap(0x80, tid_), Wrap(0x83, View(a_.address)), Wrap(0x84, Value(*signed1, *server_challenge)), info2, ctx}));
  Bytes esig1 = Sig(key_.get(), esigned1);
  if (a_.corrupt == "euiccSignature1") esig1[7] ^= 0x01;
  Bytes esig1_tlv = Wrap(0x5F37, esig1);
  Bytes bf38 = Wrap(0xBF38, Wrap(0xA0, Concat({esigned1, esig1_tlv, euicc_der_, eum_der_})));
  auto r2 = Call("authenticateClient", {{"transactionId", tid_hex_}, {"authenticateServerResponse", Base64(bf38)}});
  if (auto* o = std::get_if<Outcome>(&r2)) return *o;
  json& j2 = std::get<json>(r2);
  auto metadata = B64(j2, "profileMetadata"), signed2 = B64(j2, "smdpSigned2"), sig2 = B64(j2, "smdpSignature2");
  auto dppb = B64(j2, "smdpCertificate");
  if (!metadata.ok() || !signed2.ok() || !sig2.ok() || !dppb.ok()) return Stop(5, "authenticateClient", "member missing or not base64");
  auto dppb_cert = certs::ParseDer(*dppb);
  if (!dppb_cert.ok() || !certs::VerifyChain(dppb_cert->get(), {}, ci_.get()).ok() ||
      !certs::HasPolicy(dppb_cert->get(), certs::kPolicyDpPb) || !certs::RegisteredIdOid(dppb_cert->get()).ok() || *certs::RegisteredIdOid(dppb_cert->get()) != oid_)
    return Stop(4, "authenticateClient", "CERT.DPpb does not chain to the CI with the DPpb policy and DPauth's OID", {{"check", "dppb"}});
  auto dppb_key = certs::PublicKey(dppb_cert->get());
  if (sig2->size() != 67 || !dppb_key.ok() ||
      !VerifyRawEcdsaSha256(dppb_key->get(), Concat({*signed2, esig1_tlv}), ByteView(*sig2).subspan(3)))
    return Stop(4, "authenticateClient", "smdpSignature2 does not verify", {{"check", "smdpSignature2"}});
  auto s2 = ReadOnly(*signed2, 0x30);
  if (!s2.ok()) return Stop(5, "authenticateClient", "smdpSigned2 malformed");
  auto f2_or = Children(*signed2, *s2);
  if (!f2_or.ok()) return Stop(5, "authenticateClient", "smdpSigned2 malformed");
  auto f2 = *f2_or;
  auto cc_flag = Find(f2, 0x01);
  bool cc_required = cc_flag && cc_flag->value_size() == 1 && (*signed2)[cc_flag->value_begin] != 0;
  json result = {{"transactionId", tid_hex_}, {"ccRequired", cc_required}, {"profileMetadata", ToHex(*metadata)}};
  if (a_.cancel_after == "authenticateClient") return Cancel("authenticateClient");

  // 7-8: PrepareDownload's answer, getBoundProfilePackage.
  auto ot = bsp::GenerateP256KeyPair();
  if (!ot.ok()) return Stop(2, "prepareDownload", ot.status().message());
  auto otpk = bsp::UncompressedPublicKey(ot->get());
  if (!otpk.ok()) return Stop(2, "prepareDownload", otpk.status().message());
  Bytes hash_cc;
  if (!a_.confirmation_code.empty()) hash_cc = Wrap(0x04, HashConfirmationCode(a_.confirmation_code, tid_));
  Bytes esigned2 = Wrap(0x30, Concat({Wrap(0x80, tid_), Wrap(0x5F49, *otpk), hash_cc}));
  Bytes esig2 = Sig(key_.get(), Concat({esigned2, *sig2}));
  if (a_.corrupt == "euiccSignature2") esig2[7] ^= 0x01;
  Bytes bf21 = Wrap(0xBF21, Wrap(0xA0, Concat({esigned2, Wrap(0x5F37, esig2)})));
  auto r3 = Call("getBoundProfilePackage", {{"transactionId", tid_hex_}, {"prepareDownloadResponse", Base64(bf21)}});
  if (auto* o = std::get_if<Outcome>(&r3)) return *o;
  auto bpp = B64(std::get<json>(r3), "boundProfilePackage");
  if (!bpp.ok()) return Stop(5, "getBoundProfilePackage", "boundProfilePackage missing or not base64");
  if (a_.cancel_after == "getBoundProfilePackage") return Cancel("getBoundProfilePackage");

  // 9: open the BPP like the card, segment by segment.
  const std::string step = "loadBoundProfilePackage";
  auto outer = ReadOnly(*bpp, 0xBF36);
  if (!outer.ok()) return Stop(4, step, "not one BF36", {{"check", "structure"}});
  auto parts_or = Children(*bpp, *outer);
  if (!parts_or.ok()) return Stop(4, step, "BF36 malformed", {{"check", "structure"}});
  auto parts = *parts_or;
  if (parts.size() < 4 || parts[0].tag != 0xBF23) return Stop(4, step, "BF36 members wrong", {{"check", "structure"}});
  auto isc_or = Children(*bpp, parts[0]);
  if (!isc_or.ok()) return Stop(4, step, "BF23 malformed", {{"check", "structure"}});
  auto isc = *isc_or;
  if (isc.size() != 5 || isc[4].tag != 0x5F37 || isc[3].tag != 0x5F49 || isc[2].tag != 0xA6)
    return Stop(4, step, "BF23 members wrong", {{"check", "structure"}});
  ByteView signed_isc(bpp->data() + isc[0].begin, isc[3].end - isc[0].begin);
  if (!VerifyRawEcdsaSha256(dppb_key->get(), Concat({signed_isc, Wrap(0x5F49, *otpk)}), Value(*bpp, isc[4])))
    return Stop(4, step, "smdpSign does not verify", {{"check", "smdpSign"}});
  if (ToHex(Value(*bpp, isc[1])) != tid_hex_) return Stop(4, step, "BF23 transactionId differs", {{"check", "transactionId"}});
  auto crt_or = Children(*bpp, isc[2]);
  if (!crt_or.ok()) return Stop(4, step, "BF23 controlRefTemplate malformed", {{"check", "structure"}});
  auto crt = *crt_or;
  auto host = Find(crt, 0x84);
  auto smdp_otpk = bsp::PublicKeyFromUncompressed(Value(*bpp, isc[3]));
  if (!host || !smdp_otpk.ok()) return Stop(4, step, "BF23 hostId or smdpOtpk bad", {{"check", "structure"}});
  auto shared = bsp::EcdhSharedSecret(ot->get(), smdp_otpk->get());
  if (!shared.ok()) return Stop(4, step, shared.status().message(), {{"check", "ecdh"}});
  auto keys = bsp::DeriveSessionKeys(*shared, 0x88, 0x10, Value(*bpp, *host), eid_);
  if (!keys.ok()) return Stop(4, step, keys.status().message(), {{"check", "kdf"}});
  bsp::BspSession session(std::move(*keys));
  size_t index = 0, count86 = 0;
  bool rekeyed = false;
  Bytes configure, store_metadata, package;
  for (size_t p = 1; p < parts.size(); ++p) {
    auto segments = Children(*bpp, parts[p]);
    if (!segments.ok()) return Stop(4, step, "sequence malformed", {{"check", "structure"}});
    for (const Tlv& seg : *segments) {
      ++index;
      if (Whole(*bpp, seg).size() > 1020) return Stop(4, step, "segment over 1020 bytes", {{"check", "size"}, {"segment", index}});
      bsp::OpenError why;
      auto plain = session.Open(Whole(*bpp, seg), &why);
      if (!plain.ok())
        return Stop(4, step, "segment " + std::to_string(index) + ": " + plain.status().message(),
                    {{"check", why == bsp::OpenError::kBadMac ? "mac" : "segment"}, {"segment", index}});
      Bytes& sink = parts[p].tag == 0xA0 ? configure : parts[p].tag == 0xA1 ? store_metadata : package;
      if (parts[p].tag == 0xA2) {
        auto rsk = ReadOnly(*plain, 0xBF26);
        auto f = rsk.ok() ? Children(*plain, *rsk) : Result<std::vector<Tlv>>(rsk.status());
        if (!f.ok() || f->size() != 3) return Stop(4, step, "ReplaceSessionKeys malformed", {{"check", "structure"}});
        auto v = [&](int i) { ByteView b = Value(*plain, (*f)[static_cast<size_t>(i)]); return Bytes(b.begin(), b.end()); };
        session.Rekey({v(0), v(1), v(2)});
        rekeyed = true;
        continue;
      }
      if (parts[p].tag == 0xA3) ++count86;
      sink.insert(sink.end(), plain->begin(), plain->end());
    }
  }
  result["segments"] = index;
  result["segments86"] = count86;
  result["replaceSessionKeys"] = rekeyed;
  result["bppBytes"] = bpp->size();
  if (configure != Bytes{0xBF, 0x24, 0x00}) return Stop(6, step, "ConfigureISDP is not BF2400", result);
  if (store_metadata != *metadata) return Stop(6, step, "StoreMetadata differs from profileMetadata", result);
  if (!a_.expect_package.empty()) {
    auto want = ReadFile(a_.expect_package);
    if (!want.ok() || *want != package) return Stop(6, step, "the profile package differs from " + a_.expect_package, result);
    result["packageMatches"] = true;
  }
  auto iccid = IccidOfPackage(package);
  result["iccid"] = iccid.ok() ? json(*iccid) : json(nullptr);

  // 10: the install notification.
  Bytes final_result = Wrap(0xA0, Concat({Wrap(0x4F, Bytes{0xA0, 0, 0, 5, 0x59, 0x10, 0x10, 0xFF, 0xFF, 0xFF, 0xFF, 0x89, 0, 0, 0x12, 0}), Wrap(0x04, Bytes{0x30, 0x00})}));
  if (!a_.install_error.empty()) {
    int cmd = std::stoi(a_.install_error.substr(0, a_.install_error.find(':')));
    int why = std::stoi(a_.install_error.substr(a_.install_error.find(':') + 1));
    final_result = Wrap(0xA1, Concat({Wrap(0x80, Bytes{static_cast<uint8_t>(cmd)}), Wrap(0x81, Bytes{static_cast<uint8_t>(why)})}));
  }
  Bytes meta = Wrap(0xBF2F, Concat({Wrap(0x80, Bytes{0x11}), Wrap(0x81, Bytes{0x07, 0x80}), Wrap(0x0C, View(a_.address))}));
  Bytes data = Wrap(0xBF27, Concat({Wrap(0x80, tid_), meta, OidDer(oid_), Wrap(0xA2, final_result)}));
  Bytes pir = Wrap(0xBF37, Concat({data, Wrap(0x5F37, Sig(key_.get(), data))}));
  result["result"] = a_.install_error.empty() ? "installed" : "install-failed";
  if (a_.no_notify) return {0, result};
  auto h = Post(a_, "handleNotification", json{{"pendingNotification", Base64(pir)}}.dump());
  if (!h.ok() || h->status != 204) return Stop(5, "handleNotification", h.ok() ? "HTTP " + std::to_string(h->status) + " " + h->body : h.status().message(), result);
  result["notified"] = true;
  return {0, result};
}

}  // namespace

}  // namespace esim::smdp

int main(int argc, char** argv) {
  esim::smdp::Args a;
  CLI::App app{"smdp-fake-euicc: LPA + eUICC in one process, downloading one order from test-smdp"};
  app.add_option("--port", a.port, "test-smdp's port on 127.0.0.1")->required();
  app.add_option("--address", a.address, "the SM-DP+ address (TLS name and signed address)");
  app.add_option("--ca-file", a.ca_file, "CA for the server's TLS certificate")->required();
  app.add_option("--euicc-key", a.euicc_key, "eUICC private key (PEM)")->required();
  app.add_option("--euicc-cert", a.euicc_cert, "eUICC certificate (DER); its serialNumber is the EID")->required();
  app.add_option("--eum-cert", a.eum_cert, "EUM certificate (DER)")->required();
  app.add_option("--ci-cert", a.ci_cert, "CI certificate the card trusts (PEM/DER)")->required();
  app.add_option("--matching-id", a.matching_id, "matching ID")->required();
  app.add_option("--confirmation-code", a.confirmation_code, "confirmation code (sends hashCc)");
  app.add_option("--expect-package", a.expect_package, "file the opened profile package must equal");
  app.add_option("--cancel-after", a.cancel_after, "authenticateClient | getBoundProfilePackage: cancel the session there");
  app.add_option("--cancel-reason", a.cancel_reason, "CancelSession reason (0 endUserRejection, 1 postponed, ...)");
  app.add_option("--corrupt", a.corrupt, "euiccSignature1 | euiccSignature2: send a corrupted signature");
  app.add_option("--install-error", a.install_error, "CMD:REASON: report this install error instead of success");
  app.add_flag("--no-notify", a.no_notify, "do not send the install notification");
  app.add_flag("--cancel-on-failed", a.cancel_on_failed,
               "after a Failed answer to authenticateClient/getBoundProfilePackage, cancelSession with --cancel-reason");
  CLI11_PARSE(app, argc, argv);
  esim::smdp::Client client(a);
  auto outcome = client.Run();
  if (outcome.code == 3 && a.cancel_on_failed && client.HasSession()) {
    auto cancelled = client.CancelAfterFailure();
    outcome.out["cancelled"] = cancelled.code == 0;
  }
  std::cout << outcome.out.dump() << std::endl;
  return outcome.code;
}

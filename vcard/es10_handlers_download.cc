// The ISD-R's download functions before the load (download-facts §1, §2, §4):
// GetEuiccChallenge, AuthenticateServer, PrepareDownload, CancelSession, and the session's end.
#include <algorithm>

#include "common/bsp_crypto.h"
#include "common/certificate_checks.h"
#include "common/crypto_library.h"
#include "common/raw_ecdsa.h"
#include "vcard/ci_trust.h"
#include "vcard/download_session.h"
#include "vcard/isdr.h"

namespace esim::vcard {
namespace {

using Answer = Isdr::Answer;

Answer Ok(Bytes data) { return Answer{std::move(data), 0x9000, false}; }

// `outer` { A1 { 80 transactionId, 02 code } }: AuthenticateServer / PrepareDownload errors.
Answer DownloadError(uint32_t outer, ByteView transaction_id, int64_t code) {
  Bytes body;
  der::Append(body, 0x80, transaction_id);
  der::Append(body, 0x02, der::IntegerContents(code));
  return Ok(der::Wrap(outer, der::Wrap(0xA1, body)));
}

bool Same(ByteView a, ByteView b) { return std::equal(a.begin(), a.end(), b.begin(), b.end()); }

// AuthenticateServer error codes (SGP.22 AuthenticateErrorCode).
constexpr int64_t kInvalidCertificate = 1;
constexpr int64_t kInvalidSignature = 2;
constexpr int64_t kNoSessionContext = 4;
constexpr int64_t kInvalidOid = 5;
constexpr int64_t kChallengeMismatch = 6;
constexpr int64_t kCiPkUnknown = 7;
constexpr int64_t kInvalidTransactionId = 5;  // PrepareDownload's and CancelSession's 5
constexpr int64_t kUndefined = 127;

}  // namespace

Isdr::Answer Isdr::GetEuiccChallenge(const der::Tlv& /*request*/) {
  // A new challenge starts a new session: whatever was open is gone (and a started load is
  // reported as interrupted, as a real card does after losing its session).
  EndSession(true);
  Bytes challenge(16);
  if (Crypto().RAND_bytes(challenge.data(), static_cast<int>(challenge.size())) != 1) {
    Crypto().ERR_clear_error();
    return Answer{{}, 0x6F00, false};
  }
  session_ = std::make_unique<DownloadSession>();
  session_->euicc_challenge = challenge;
  return Ok(der::Wrap(0xBF2E, der::Wrap(0x80, challenge)));
}

Isdr::Answer Isdr::AuthenticateServer(const der::Tlv& request) {
  auto children = der::ReadChildren(request.value);
  if (!children.ok() || children->size() < 4) return DownloadError(0xBF38, {}, kUndefined);
  const auto& c = *children;
  if (c[0].tag != 0x30 || c[1].tag != 0x5F37 || c[2].tag != 0x04 || c[3].tag != 0x30) {
    return DownloadError(0xBF38, {}, kUndefined);
  }
  const der::Tlv &signed1 = c[0], &signature1 = c[1], &ci_pkid = c[2], &certificate = c[3];
  const der::Tlv* ctx = c.size() > 4 && c[4].tag == 0xA0 ? &c[4] : nullptr;
  auto members = der::ReadChildren(signed1.value);
  if (!members.ok() || !ctx) return DownloadError(0xBF38, {}, kUndefined);
  auto tid = der::Find(*members, 0x80), challenge = der::Find(*members, 0x81);
  auto address = der::Find(*members, 0x83), server_challenge = der::Find(*members, 0x84);
  if (!tid || !challenge || !address || !server_challenge || tid->value.empty() || tid->value.size() > 16) {
    return DownloadError(0xBF38, tid ? tid->value : ByteView{}, kUndefined);
  }
  auto fail = [&](int64_t code) {
    session_.reset();
    return DownloadError(0xBF38, tid->value, code);
  };
  if (!session_ || session_->phase != DownloadSession::Phase::kChallenged) return fail(kNoSessionContext);
  // The CI must be one the card announced in euiccInfo1 and holds a certificate of.
  const auto& listed = state_.info2.euiccCiPKIdListForVerification;
  bool announced = std::any_of(listed.begin(), listed.end(), [&](const Bytes& id) { return Same(id, ci_pkid.value); });
  if (!announced) return fail(kCiPkUnknown);
  auto ci = FindTrustedCi(state_.trusted_ci_certificates, ci_pkid.value);
  if (!ci.ok()) return fail(kCiPkUnknown);
  // CERT.XXauth: an SM-DP+'s (ES9+) or an SM-DS's (ES11 event retrieval, SGP.22 §3.6), both
  // checked the same way; any other role is invalidCertificate.
  auto dpauth = CheckSmdpCertificate(certificate.whole, ci->get(), certs::kPolicyDpAuth);
  const bool by_smds = !dpauth.ok();
  if (by_smds) dpauth = CheckSmdpCertificate(certificate.whole, ci->get(), certs::kPolicyDsAuth);
  if (!dpauth.ok()) return fail(kInvalidCertificate);
  auto oid = certs::RegisteredIdOid(dpauth->get());
  if (!oid.ok() || !OidContents(*oid).ok()) return fail(kInvalidOid);
  auto key = certs::PublicKey(dpauth->get());
  if (!key.ok() || signature1.value.size() != 64 ||
      !VerifyRawEcdsaSha256(key->get(), signed1.whole, signature1.value)) {
    return fail(kInvalidSignature);
  }
  if (!Same(challenge->value, session_->euicc_challenge)) return fail(kChallengeMismatch);
  if (config_.download_fail && config_.download_fail->step == DownloadFail::Step::kAuthenticate) {
    return fail(config_.download_fail->code);
  }
  auto signer = Signer();
  if (!signer.ok()) return fail(kUndefined);
  Bytes body;
  body.insert(body.end(), tid->whole.begin(), tid->whole.end());
  body.insert(body.end(), address->whole.begin(), address->whole.end());
  body.insert(body.end(), server_challenge->whole.begin(), server_challenge->whole.end());
  Bytes info2 = GetEuiccInfo2(request).data;
  body.insert(body.end(), info2.begin(), info2.end());
  body.insert(body.end(), ctx->whole.begin(), ctx->whole.end());
  Bytes euicc_signed1 = der::Wrap(0x30, body);
  auto signature = (*signer)->Sign(euicc_signed1);
  if (!signature.ok()) return fail(kUndefined);
  session_->phase = DownloadSession::Phase::kAuthenticated;
  session_->transaction_id.assign(tid->value.begin(), tid->value.end());
  session_->server_address = der::Text(address->value);
  session_->smdp_oid = *oid;
  session_->by_smds = by_smds;
  session_->ci = std::move(ci).value();
  session_->euicc_signature1 = der::Wrap(0x5F37, *signature);
  Bytes ok = euicc_signed1;
  ok.insert(ok.end(), session_->euicc_signature1.begin(), session_->euicc_signature1.end());
  const Bytes& euicc_cert = (*signer)->euicc_certificate();
  const Bytes& eum_cert = (*signer)->eum_certificate();
  ok.insert(ok.end(), euicc_cert.begin(), euicc_cert.end());
  ok.insert(ok.end(), eum_cert.begin(), eum_cert.end());
  return Ok(der::Wrap(0xBF38, der::Wrap(0xA0, ok)));
}

Isdr::Answer Isdr::PrepareDownload(const der::Tlv& request) {
  auto children = der::ReadChildren(request.value);
  if (!children.ok()) return DownloadError(0xBF21, {}, kUndefined);
  std::optional<der::Tlv> signed2, signature2, hash_cc, certificate;
  for (const der::Tlv& child : *children) {
    if (child.tag == 0x30 && !signed2) {
      signed2 = child;
    } else if (child.tag == 0x30 && !certificate) {
      certificate = child;
    } else if (child.tag == 0x5F37) {
      signature2 = child;
    } else if (child.tag == 0x04) {
      hash_cc = child;
    }
  }
  if (!signed2 || !signature2 || !certificate) return DownloadError(0xBF21, {}, kUndefined);
  auto members = der::ReadChildren(signed2->value);
  if (!members.ok()) return DownloadError(0xBF21, {}, kUndefined);
  auto tid = der::Find(*members, 0x80), cc_required = der::Find(*members, 0x01);
  if (!tid || !cc_required || cc_required->value.size() != 1) {
    return DownloadError(0xBF21, tid ? tid->value : ByteView{}, kUndefined);
  }
  auto fail = [&](int64_t code) {
    session_.reset();
    return DownloadError(0xBF21, tid->value, code);
  };
  if (!session_ || session_->phase != DownloadSession::Phase::kAuthenticated) return fail(kNoSessionContext);
  // A session an SM-DS authenticated has no CERT.DPauth for CERT.DPpb to match: an SM-DS
  // cannot bind a profile (the LPA downloads from the event's SM-DP+ in a new session).
  if (session_->by_smds) return fail(kInvalidCertificate);
  auto dppb = CheckSmdpCertificate(certificate->whole, session_->ci.get(), certs::kPolicyDpPb);
  if (!dppb.ok()) return fail(kInvalidCertificate);
  // DPpb and DPauth belong to the same SM-DP+.
  auto oid = certs::RegisteredIdOid(dppb->get());
  if (!oid.ok() || *oid != session_->smdp_oid) return fail(kInvalidCertificate);
  auto key = certs::PublicKey(dppb->get());
  Bytes signed_data(signed2->whole.begin(), signed2->whole.end());
  signed_data.insert(signed_data.end(), session_->euicc_signature1.begin(), session_->euicc_signature1.end());
  if (!key.ok() || !VerifyRawEcdsaSha256(key->get(), signed_data, signature2->value)) {
    return fail(kInvalidSignature);
  }
  if (!Same(tid->value, session_->transaction_id)) return fail(kInvalidTransactionId);
  bool cc = cc_required->value[0] != 0;
  if (cc != hash_cc.has_value() || (hash_cc && hash_cc->value.size() != 32)) return fail(kUndefined);
  if (config_.download_fail && config_.download_fail->step == DownloadFail::Step::kPrepare) {
    return fail(config_.download_fail->code);
  }
  auto signer = Signer();
  auto otsk = bsp::GenerateP256KeyPair();
  if (!signer.ok() || !otsk.ok()) return fail(kUndefined);
  auto otpk = bsp::UncompressedPublicKey(otsk->get());
  if (!otpk.ok()) return fail(kUndefined);
  Bytes body;
  body.insert(body.end(), tid->whole.begin(), tid->whole.end());
  der::Append(body, 0x5F49, *otpk);
  if (hash_cc) body.insert(body.end(), hash_cc->whole.begin(), hash_cc->whole.end());
  Bytes euicc_signed2 = der::Wrap(0x30, body);
  Bytes to_sign = euicc_signed2;
  to_sign.insert(to_sign.end(), signature2->whole.begin(), signature2->whole.end());
  auto signature = (*signer)->Sign(to_sign);
  if (!signature.ok()) return fail(kUndefined);
  session_->phase = DownloadSession::Phase::kPrepared;
  session_->dppb_key = std::move(key).value();
  session_->otsk = std::move(otsk).value();
  session_->euicc_otpk = *otpk;
  Bytes ok = euicc_signed2;
  der::Append(ok, 0x5F37, *signature);
  return Ok(der::Wrap(0xBF21, der::Wrap(0xA0, ok)));
}

Isdr::Answer Isdr::CancelSession(const der::Tlv& request) {
  auto children = der::ReadChildren(request.value);
  std::optional<der::Tlv> tid, reason;
  if (children.ok()) {
    tid = der::Find(*children, 0x80);
    reason = der::Find(*children, 0x81);
  }
  auto error = [](int64_t code) { return Ok(der::Wrap(0xBF41, der::Wrap(0x81, der::IntegerContents(code)))); };
  if (!tid || !reason) return error(kUndefined);
  auto reason_value = der::ParseInteger(reason->value);
  if (!reason_value.ok()) return error(kUndefined);
  if (!session_ || session_->transaction_id.empty() || !Same(tid->value, session_->transaction_id)) {
    return error(kInvalidTransactionId);
  }
  auto oid = OidContents(session_->smdp_oid);
  auto signer = Signer();
  if (!oid.ok() || !signer.ok()) return error(kUndefined);
  // EuiccCancelSessionSigned: AUTOMATIC TAGS give 80 transactionId, 81 smdpOid, 82 reason.
  Bytes body;
  der::Append(body, 0x80, tid->value);
  der::Append(body, 0x81, *oid);
  der::Append(body, 0x82, der::IntegerContents(*reason_value));
  Bytes signed_part = der::Wrap(0x30, body);
  auto signature = (*signer)->Sign(signed_part);
  if (!signature.ok()) return error(kUndefined);
  EndSession(false);
  Bytes ok = signed_part;
  der::Append(ok, 0x5F37, *signature);
  return Ok(der::Wrap(0xBF41, der::Wrap(0xA0, ok)));
}

void Isdr::Reset() { EndSession(true); }

void Isdr::EndSession(bool interrupted) {
  session_.reset();
  if (!state_.load_in_progress) return;
  LoadInProgress load = *state_.load_in_progress;
  state_.load_in_progress.reset();
  if (interrupted) {
    // ErrorResult: 80 bppCommandId, 81 errorReason 11 installFailedDueToInterruption.
    Bytes error;
    der::Append(error, 0x80, der::IntegerContents(bpp_command::kLoadProfileElements));
    der::Append(error, 0x81, der::IntegerContents(11));
    (void)InstallationResult(load, std::nullopt, der::Wrap(0xA1, error));
  }
  if (!config_.state_path.empty()) (void)SaveState(state_, config_.state_path);
}

}  // namespace esim::vcard

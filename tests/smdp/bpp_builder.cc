#include "tests/smdp/bpp_builder.h"

#include <openssl/rand.h>

#include "common/raw_ecdsa.h"
#include "tests/smdp/tlv.h"

namespace esim::smdp {
namespace {

Result<bsp::SessionKeys> RandomKeys() {
  bsp::SessionKeys k{Bytes(16), Bytes(16), Bytes(16)};
  for (Bytes* b : {&k.initial_mac_chaining_value, &k.s_enc, &k.s_mac})
    if (RAND_bytes(b->data(), 16) != 1) return Status(ErrorCode::kInternal, "RAND_bytes failed");
  return k;
}

// Collects protected segments in BPP order and corrupts the chosen one's MAC.
class SegmentList {
 public:
  explicit SegmentList(int bad_mac) : bad_mac_(bad_mac) {}
  Status Add(bsp::BspSession& session, uint8_t tag, ByteView plaintext, Bytes& group) {
    ESIM_ASSIGN_OR_RETURN(Bytes segment, session.Protect(tag, plaintext));
    if (segment.size() > kMaxSegment) return Status(ErrorCode::kInternal, "segment over 1020 bytes");
    ++count_;
    if (bad_mac_ > 0 && static_cast<size_t>(bad_mac_) == count_) segment.back() ^= 0x01;
    if (tag == 0x86) last86_ = {&group, group.size() + segment.size() - 1};
    group.insert(group.end(), segment.begin(), segment.end());
    return Status::Ok();
  }
  // The last 86's MAC byte: only known once every 86 is in.
  void CorruptLast86() {
    if (bad_mac_ == -1 && last86_.first) (*last86_.first)[last86_.second] ^= 0x01;
  }
  size_t count() const { return count_; }

 private:
  int bad_mac_;
  size_t count_ = 0;
  std::pair<Bytes*, size_t> last86_{nullptr, 0};
};

Result<Bytes> InitialiseSecureChannel(const BppRequest& r, ByteView smdp_otpk) {
  // smdpSign covers 82.. ‖ 80.. ‖ A6.. ‖ 5F49 smdpOtpk ‖ 5F49 euiccOtpk (download-facts §3).
  Bytes crt = Wrap(0xA6, Concat({Wrap(0x80, Bytes{kKeyTypeAes}), Wrap(0x81, Bytes{kKeyLength}), Wrap(0x84, r.host_id)}));
  Bytes signed_part = Concat({Wrap(0x82, Bytes{0x01}), Wrap(0x80, r.transaction_id), crt, Wrap(0x5F49, smdp_otpk)});
  ESIM_ASSIGN_OR_RETURN(Bytes sig, SignRawEcdsaSha256(r.dppb_key, Concat({signed_part, Wrap(0x5F49, r.euicc_otpk)})));
  if (r.corrupt_smdp_sign) sig[10] ^= 0x01;
  return Wrap(0xBF23, Concat({signed_part, Wrap(0x5F37, sig)}));
}

}  // namespace

Result<Bpp> BuildBpp(const BppRequest& r) {
  if (r.eid.size() != 16) return Status(ErrorCode::kInvalidInput, "EID must be 16 bytes");
  if (r.host_id.empty() || r.host_id.size() > 16) return Status(ErrorCode::kInvalidInput, "hostId must be 1-16 bytes");
  if (!r.dppb_key) return Status(ErrorCode::kInvalidInput, "no DPpb key");
  ESIM_ASSIGN_OR_RETURN(EvpPkeyPtr euicc_otpk, bsp::PublicKeyFromUncompressed(r.euicc_otpk));
  EvpPkeyPtr own;
  EVP_PKEY* ot = r.smdp_ot_key;
  if (!ot) {
    ESIM_ASSIGN_OR_RETURN(own, bsp::GenerateP256KeyPair());
    ot = own.get();
  }
  ESIM_ASSIGN_OR_RETURN(Bytes smdp_otpk, bsp::UncompressedPublicKey(ot));
  ESIM_ASSIGN_OR_RETURN(Bytes shared, bsp::EcdhSharedSecret(ot, euicc_otpk.get()));
  ESIM_ASSIGN_OR_RETURN(bsp::SessionKeys keys, bsp::DeriveSessionKeys(shared, kKeyTypeAes, kKeyLength, r.host_id, r.eid));
  ESIM_ASSIGN_OR_RETURN(Bytes bf23, InitialiseSecureChannel(r, smdp_otpk));
  std::optional<bsp::SessionKeys> ppk;
  if (r.replace_session_keys) {
    if (r.ppk) {
      ppk = *r.ppk;
    } else {
      ESIM_ASSIGN_OR_RETURN(ppk, RandomKeys());
    }
  }
  ESIM_ASSIGN_OR_RETURN(ProtectedParts parts,
                        ProtectBppParts(std::move(keys), r.store_metadata, ppk, r.profile_package, r.bad_mac_segment));
  Bpp out;
  out.der = Wrap(0xBF36, Concat({bf23, parts.a0, parts.a1, parts.a2, parts.a3}));
  out.segments = parts.segments;
  out.segments86 = parts.segments86;
  return out;
}

Result<ProtectedParts> ProtectBppParts(bsp::SessionKeys session_keys, ByteView metadata,
                                       const std::optional<bsp::SessionKeys>& ppk, ByteView upp, int bad_mac_segment) {
  bsp::BspSession session(std::move(session_keys));
  SegmentList list(bad_mac_segment);
  Bytes a0, a1, a2, a3;
  static const Bytes kConfigureIsdp = {0xBF, 0x24, 0x00};  // ConfigureISDPRequest without dpProprietaryData
  ESIM_RETURN_IF_ERROR(list.Add(session, 0x87, kConfigureIsdp, a0));
  for (size_t at = 0; at < metadata.size(); at += kMaxMacOnlyPlaintext)
    ESIM_RETURN_IF_ERROR(list.Add(session, 0x88, metadata.subspan(at, std::min(kMaxMacOnlyPlaintext, metadata.size() - at)), a1));
  std::optional<bsp::BspSession> ppk_session;
  bsp::BspSession* profile = &session;
  if (ppk) {
    Bytes rsk = Wrap(0xBF26, Concat({Wrap(0x80, ppk->initial_mac_chaining_value), Wrap(0x81, ppk->s_enc), Wrap(0x82, ppk->s_mac)}));
    ESIM_RETURN_IF_ERROR(list.Add(session, 0x87, rsk, a2));
    ppk_session.emplace(*ppk);
    profile = &*ppk_session;
  }
  ProtectedParts out;
  for (size_t at = 0; at < upp.size(); at += kMaxEncryptedPlaintext, ++out.segments86)
    ESIM_RETURN_IF_ERROR(list.Add(*profile, 0x86, upp.subspan(at, std::min(kMaxEncryptedPlaintext, upp.size() - at)), a3));
  list.CorruptLast86();
  out.a0 = Wrap(0xA0, a0);
  out.a1 = Wrap(0xA1, a1);
  if (ppk) out.a2 = Wrap(0xA2, a2);
  out.a3 = Wrap(0xA3, a3);
  out.segments = list.count();
  return out;
}

}  // namespace esim::smdp

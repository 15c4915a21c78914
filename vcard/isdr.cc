// The ISD-R's dispatch by outer tag, and what its handlers share.
#include <algorithm>

#include "vcard/download_session.h"
#include "vcard/isdr.h"
#include "vcard/state_codings.h"

namespace esim::vcard {

Isdr::Isdr(CardState state, Config config) : state_(std::move(state)), config_(std::move(config)) {}
Isdr::~Isdr() = default;

Isdr::Answer Isdr::Handle(ByteView request) {
  // The BPP arrives in pieces that are not whole ES10 requests (the BF36 header with BF23, an
  // A1 or A3 header alone, single segments): they go to the load before any parsing.
  bool bf36 = request.size() >= 2 && request[0] == 0xBF && request[1] == 0x36;
  // (BF23 alone too: some LPAs send the BF36 header as a sequence of its own.)
  bool piece = !request.empty() && session_ && session_->loader &&
               (request[0] == 0xA0 || request[0] == 0xA1 || request[0] == 0xA2 || request[0] == 0xA3 ||
                request[0] == 0x86 || request[0] == 0x87 || request[0] == 0x88 ||
                (request.size() >= 2 && request[0] == 0xBF && request[1] == 0x23));
  if (bf36 || piece) return LoadBoundProfilePackage(request);
  auto tlv = der::ParseSingle(request);
  if (!tlv.ok()) return Answer{{}, 0x6A80, false};
  switch (tlv->tag) {
    case 0xBF3E: return GetEid(*tlv);
    case 0xBF20: return GetEuiccInfo1(*tlv);
    case 0xBF22: return GetEuiccInfo2(*tlv);
    case 0xBF2D: return GetProfilesInfo(*tlv);
    case 0xBF3C: return GetConfiguredAddresses(*tlv);
    case 0xBF43: return GetRat(*tlv);
    case 0xBF28: return ListNotification(*tlv);
    case 0xBF2B: return RetrieveNotificationsList(*tlv);
    case 0xBF41: return CancelSession(*tlv);
    case 0xBF31: return EnableProfile(*tlv);
    case 0xBF32: return DisableProfile(*tlv);
    case 0xBF33: return DeleteProfile(*tlv);
    case 0xBF29: return SetNickname(*tlv);
    case 0xBF34: return MemoryReset(*tlv);
    case 0xBF3F: return SetDefaultDpAddress(*tlv);
    case 0xBF30: return NotificationSent(*tlv);
    case 0xBF2E: return GetEuiccChallenge(*tlv);
    case 0xBF38: return AuthenticateServer(*tlv);
    case 0xBF21: return PrepareDownload(*tlv);
    default: return Answer{{}, 0x6A80, false};
  }
}

std::optional<size_t> Isdr::FindProfile(const der::Tlv& id) const {
  for (size_t i = 0; i < state_.profiles.size(); ++i) {
    const es10::ProfileInfo& p = state_.profiles[i];
    if (id.tag == 0x4F && p.isdpAid && std::equal(id.value.begin(), id.value.end(), p.isdpAid->begin(), p.isdpAid->end())) {
      return i;
    }
    // Byte comparison on purpose: an ICCID of the wrong length matches nothing, like a real card.
    if (id.tag == 0x5A && p.iccid) {
      auto bcd = IccidToBcd(*p.iccid);
      if (bcd.ok() && std::equal(id.value.begin(), id.value.end(), bcd->begin(), bcd->end())) return i;
    }
  }
  return std::nullopt;
}

Result<const NotificationSigner*> Isdr::Signer() {
  if (!signer_) {
    auto made = state_.credentials ? NotificationSigner::FromFiles(*state_.credentials)
                                   : NotificationSigner::TestChain(config_.pki_dir, state_.eid);
    if (!made.ok() && !state_.credentials && made.status().code() == ErrorCode::kIo) {
      made = NotificationSigner::TestChain("", state_.eid);  // read-only place: a chain for this run only
    }
    if (!made.ok()) return made.status();
    signer_ = std::move(made).value();
  }
  return static_cast<const NotificationSigner*>(signer_.get());
}

}  // namespace esim::vcard

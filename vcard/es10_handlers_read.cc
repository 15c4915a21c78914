// The ISD-R's read-only ES10 functions.

#include <algorithm>

#include "vcard/es10_encode.h"
#include "vcard/isdr.h"

namespace esim::vcard {
namespace {

using Answer = Isdr::Answer;

Answer Ok(Bytes data) { return Answer{std::move(data), 0x9000, false}; }
Answer WrongData() { return Answer{{}, 0x6A80, false}; }

// `outer` { 81 error }: the error alternative of the CHOICE responses.
Answer ErrorChoice(uint32_t outer, int64_t error) {
  return Ok(der::Wrap(outer, der::Wrap(0x81, der::IntegerContents(error))));
}

Bytes KeyIdList(const std::vector<Bytes>& ids) {
  Bytes out;
  for (const Bytes& id : ids) der::Append(out, 0x04, id);
  return out;
}

}  // namespace



Isdr::Answer Isdr::GetEid(const der::Tlv& request) {
  auto children = der::ReadChildren(request.value);
  if (!children.ok()) return WrongData();
  // The tagList must ask for the EID; absent, real cards still answer with it.
  if (auto tags = der::Find(*children, 0x5C)) {
    auto list = ParseTagList(tags->value);
    if (!list || !list->count(0x5A)) return WrongData();
  }
  return Ok(der::Wrap(0xBF3E, der::Wrap(0x5A, EidBytes(state_.eid))));
}

Isdr::Answer Isdr::GetEuiccInfo1(const der::Tlv& /*request*/) {
  const auto& info = state_.info2;
  Bytes body;
  der::Append(body, 0x82, info.svn);
  der::Append(body, 0xA9, KeyIdList(info.euiccCiPKIdListForVerification));
  der::Append(body, 0xAA, KeyIdList(info.euiccCiPKIdListForSigning));
  return Ok(der::Wrap(0xBF20, body));
}

Isdr::Answer Isdr::GetEuiccInfo2(const der::Tlv& /*request*/) {
  const auto& info = state_.info2;
  Bytes body;
  der::Append(body, 0x81, info.profileVersion);
  der::Append(body, 0x82, info.svn);
  der::Append(body, 0x83, info.euiccFirmwareVer);
  der::Append(body, 0x84, info.extCardResource);
  der::Append(body, 0x85, der::NamedBitsContents(info.uiccCapability));
  if (info.ts102241Version) der::Append(body, 0x86, *info.ts102241Version);
  if (info.globalplatformVersion) der::Append(body, 0x87, *info.globalplatformVersion);
  der::Append(body, 0x88, der::NamedBitsContents(info.rspCapability));
  der::Append(body, 0xA9, KeyIdList(info.euiccCiPKIdListForVerification));
  der::Append(body, 0xAA, KeyIdList(info.euiccCiPKIdListForSigning));
  if (info.euiccCategory) der::Append(body, 0x8B, der::IntegerContents(*info.euiccCategory));
  if (info.forbiddenProfilePolicyRules) {
    der::Append(body, 0x99, der::NamedBitsContents(*info.forbiddenProfilePolicyRules));
  }
  der::Append(body, 0x04, info.ppVersion);
  der::Append(body, 0x0C, Bytes(info.sasAcreditationNumber.begin(), info.sasAcreditationNumber.end()));
  if (info.platformLabel && info.discoveryBaseURL) {
    Bytes cert;
    der::Append(cert, 0x80, Bytes(info.platformLabel->begin(), info.platformLabel->end()));
    der::Append(cert, 0x81, Bytes(info.discoveryBaseURL->begin(), info.discoveryBaseURL->end()));
    der::Append(body, 0xAC, cert);
  }
  return Ok(der::Wrap(0xBF22, body));
}

Isdr::Answer Isdr::GetProfilesInfo(const der::Tlv& request) {
  auto children = der::ReadChildren(request.value);
  if (!children.ok()) return ErrorChoice(0xBF2D, 1);
  std::optional<std::set<uint32_t>> tags;
  if (auto list = der::Find(*children, 0x5C)) {
    tags = ParseTagList(list->value);
    if (!tags) return ErrorChoice(0xBF2D, 1);
  }
  std::optional<der::Tlv> criterion;
  if (auto search = der::Find(*children, 0xA0)) {
    auto inner = der::ReadChildren(search->value);
    if (!inner.ok() || inner->size() != 1) return ErrorChoice(0xBF2D, 1);
    criterion = inner->front();
    if (criterion->tag != 0x4F && criterion->tag != 0x5A && criterion->tag != 0x95) return ErrorChoice(0xBF2D, 1);
  }
  std::optional<int64_t> wanted_class;
  if (criterion && criterion->tag == 0x95) {
    auto v = der::ParseInteger(criterion->value);
    if (!v.ok()) return ErrorChoice(0xBF2D, 1);
    wanted_class = *v;
  }
  Bytes list;
  for (size_t i = 0; i < state_.profiles.size(); ++i) {
    const es10::ProfileInfo& p = state_.profiles[i];
    if (wanted_class) {
      auto cls = p.profileClass.value_or(es10::ProfileClass::kOperational);
      if (static_cast<int64_t>(cls) != *wanted_class) continue;
    } else if (criterion) {
      auto match = FindProfile(*criterion);
      if (!match || *match != i) continue;
    }
    auto info = EncodeProfileInfo(p, tags);
    list.insert(list.end(), info.begin(), info.end());
  }
  return Ok(der::Wrap(0xBF2D, der::Wrap(0xA0, list)));
}


Isdr::Answer Isdr::GetConfiguredAddresses(const der::Tlv& /*request*/) {
  Bytes body;
  if (state_.default_dp_address) {
    der::Append(body, 0x80, Bytes(state_.default_dp_address->begin(), state_.default_dp_address->end()));
  }
  der::Append(body, 0x81, Bytes(state_.root_ds_address.begin(), state_.root_ds_address.end()));
  return Ok(der::Wrap(0xBF3C, body));
}

Isdr::Answer Isdr::GetRat(const der::Tlv& /*request*/) {
  Bytes rules;
  for (const auto& rule : state_.rat) {
    Bytes ops;
    for (const auto& op : rule.allowedOperators) der::Append(ops, 0x30, EncodeOperatorId(op));
    Bytes body;
    der::Append(body, 0x80, der::NamedBitsContents(rule.pprIds));
    der::Append(body, 0xA1, ops);
    der::Append(body, 0x82, der::NamedBitsContents(rule.pprFlags));
    der::Append(rules, 0x30, body);
  }
  return Ok(der::Wrap(0xBF43, der::Wrap(0xA0, rules)));
}

namespace {

bool Overlaps(const es10::NotificationEvents& a, const es10::NotificationEvents& b) {
  return (a.install && b.install) || (a.enable && b.enable) || (a.disable && b.disable) ||
         (a.deletion && b.deletion);
}

}  // namespace

Isdr::Answer Isdr::ListNotification(const der::Tlv& request) {
  auto children = der::ReadChildren(request.value);
  if (!children.ok()) return ErrorChoice(0xBF28, 127);
  std::optional<es10::NotificationEvents> filter;
  if (auto f = der::Find(*children, 0x81)) {
    filter = DecodeEvents(f->value);
    if (!filter) return ErrorChoice(0xBF28, 127);
  }
  Bytes list;
  for (const auto& n : state_.notifications) {
    if (filter && !Overlaps(*filter, n.profileManagementOperation)) continue;
    auto m = EncodeNotificationMetadata(n);
    list.insert(list.end(), m.begin(), m.end());
  }
  return Ok(der::Wrap(0xBF28, der::Wrap(0xA0, list)));
}

Isdr::Answer Isdr::RetrieveNotificationsList(const der::Tlv& request) {
  auto children = der::ReadChildren(request.value);
  if (!children.ok()) return ErrorChoice(0xBF2B, 127);
  std::optional<int64_t> seq;
  std::optional<es10::NotificationEvents> events;
  for (const der::Tlv& child : *children) {
    // Only the A0-wrapped CHOICE is valid: a bare 80 gets undefinedError, as on real cards.
    if (child.tag != 0xA0) return ErrorChoice(0xBF2B, 127);
    auto inner = der::ReadChildren(child.value);
    if (!inner.ok() || inner->size() != 1) return ErrorChoice(0xBF2B, 127);
    const der::Tlv& c = inner->front();
    if (c.tag == 0x80) {
      auto v = der::ParseInteger(c.value);
      if (!v.ok()) return ErrorChoice(0xBF2B, 127);
      seq = *v;
    } else if (c.tag == 0x81) {
      events = DecodeEvents(c.value);
      if (!events) return ErrorChoice(0xBF2B, 127);
    } else {
      return ErrorChoice(0xBF2B, 127);
    }
  }
  Bytes list;
  bool signed_now = false;
  for (const auto& n : state_.notifications) {
    if (seq && n.seqNumber != *seq) continue;
    if (events && !Overlaps(*events, n.profileManagementOperation)) continue;
    if (auto result = state_.installation_results.find(n.seqNumber); result != state_.installation_results.end()) {
      // An install notification is the ProfileInstallationResult itself, signed when it was made.
      list.insert(list.end(), result->second.begin(), result->second.end());
      continue;
    }
    auto signer = Signer();
    if (!signer.ok()) return ErrorChoice(0xBF2B, 127);
    Bytes tbs = EncodeNotificationMetadata(n);
    auto& sig = state_.notification_signatures[n.seqNumber];
    // Signed once, on first retrieval: ECDSA is randomised, and the card must hand out the
    // same bytes every time. A stored signature from another key (the PKI was replaced) is
    // made again.
    if (sig.empty() || !(*signer)->Verify(tbs, sig)) {
      auto made = (*signer)->Sign(tbs);
      if (!made.ok()) return ErrorChoice(0xBF2B, 127);
      sig = *made;
      signed_now = true;
    }
    Bytes body = tbs;
    der::Append(body, 0x5F37, sig);
    const Bytes& euicc = (*signer)->euicc_certificate();
    const Bytes& eum = (*signer)->eum_certificate();
    body.insert(body.end(), euicc.begin(), euicc.end());
    body.insert(body.end(), eum.begin(), eum.end());
    der::Append(list, 0x30, body);
  }

  if (signed_now && !config_.state_path.empty()) {
    // Best effort: a card that cannot remember the signature just signs again next run.
    (void)SaveState(state_, config_.state_path);
  }
  return Ok(der::Wrap(0xBF2B, der::Wrap(0xA0, list)));
}

}  // namespace esim::vcard

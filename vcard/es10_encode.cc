#include "vcard/es10_encode.h"

#include "vcard/der.h"
#include "vcard/state_codings.h"

namespace esim::vcard {
namespace {

Bytes Utf8(const std::string& text) { return Bytes(text.begin(), text.end()); }

}  // namespace

Bytes EncodeEvents(const es10::NotificationEvents& ev) {
  uint8_t bits = static_cast<uint8_t>((ev.install ? 0x80 : 0) | (ev.enable ? 0x40 : 0) |
                                      (ev.disable ? 0x20 : 0) | (ev.deletion ? 0x10 : 0));
  return der::NamedBitsContents(Bytes{bits});
}

std::optional<es10::NotificationEvents> DecodeEvents(ByteView contents) {
  auto bits = der::BitStringBits(contents);
  if (!bits.ok()) return std::nullopt;
  uint8_t b = bits->empty() ? 0 : (*bits)[0];
  es10::NotificationEvents ev;
  ev.install = b & 0x80;
  ev.enable = b & 0x40;
  ev.disable = b & 0x20;
  ev.deletion = b & 0x10;
  return ev;
}

Bytes EncodeOperatorId(const es10::OperatorId& op) {
  Bytes out;
  der::Append(out, 0x80, op.mccMnc);
  if (op.gid1) der::Append(out, 0x81, *op.gid1);
  if (op.gid2) der::Append(out, 0x82, *op.gid2);
  return out;
}

Bytes EncodeProfileInfo(const es10::ProfileInfo& p, const std::optional<std::set<uint32_t>>& tags) {
  auto want = [&](uint32_t tag) { return !tags || tags->count(tag) > 0; };
  Bytes body;
  if (p.iccid && want(0x5A)) {
    auto bcd = IccidToBcd(*p.iccid);
    if (bcd.ok()) der::Append(body, 0x5A, *bcd);
  }
  if (p.isdpAid && want(0x4F)) der::Append(body, 0x4F, *p.isdpAid);
  if (p.profileState && want(0x9F70)) {
    der::Append(body, 0x9F70, der::IntegerContents(static_cast<int64_t>(*p.profileState)));
  }
  if (p.profileNickname && want(0x90)) der::Append(body, 0x90, Utf8(*p.profileNickname));
  if (p.serviceProviderName && want(0x91)) der::Append(body, 0x91, Utf8(*p.serviceProviderName));
  if (p.profileName && want(0x92)) der::Append(body, 0x92, Utf8(*p.profileName));
  if (p.iconType && want(0x93)) der::Append(body, 0x93, der::IntegerContents(static_cast<int64_t>(*p.iconType)));
  if (p.icon && want(0x94)) der::Append(body, 0x94, *p.icon);
  if (want(0x95)) {
    // Real cards always state the class; absent in the state means operational.
    auto cls = p.profileClass.value_or(es10::ProfileClass::kOperational);
    der::Append(body, 0x95, der::IntegerContents(static_cast<int64_t>(cls)));
  }
  if (p.notificationConfigurationInfo && want(0xB6)) {
    Bytes list;
    for (const auto& info : *p.notificationConfigurationInfo) {
      Bytes item;
      der::Append(item, 0x80, EncodeEvents(info.profileManagementOperation));
      der::Append(item, 0x81, Utf8(info.notificationAddress));
      der::Append(list, 0x30, item);
    }
    der::Append(body, 0xB6, list);
  }
  if (p.profileOwner && want(0xB7)) der::Append(body, 0xB7, EncodeOperatorId(*p.profileOwner));
  if (p.dpProprietaryData && want(0xB8)) body.insert(body.end(), p.dpProprietaryData->begin(), p.dpProprietaryData->end());
  if (p.profilePolicyRules && want(0x99)) {
    uint8_t bits = static_cast<uint8_t>((p.profilePolicyRules->ppr1 ? 0x40 : 0) | (p.profilePolicyRules->ppr2 ? 0x20 : 0));
    der::Append(body, 0x99, der::NamedBitsContents(Bytes{bits}));
  }
  if (p.serviceSpecificData && want(0xBF22)) {
    body.insert(body.end(), p.serviceSpecificData->begin(), p.serviceSpecificData->end());
  }
  return der::Wrap(0xE3, body);
}

Bytes EncodeNotificationMetadata(const es10::NotificationMetadata& m) {
  Bytes body;
  der::Append(body, 0x80, der::IntegerContents(m.seqNumber));
  der::Append(body, 0x81, EncodeEvents(m.profileManagementOperation));
  der::Append(body, 0x0C, Utf8(m.notificationAddress));
  if (m.iccid) {
    auto bcd = IccidToBcd(*m.iccid);
    if (bcd.ok()) der::Append(body, 0x5A, *bcd);
  }
  return der::Wrap(0xBF2F, body);
}

Bytes EidBytes(const std::string& eid) {
  Bytes out;
  for (size_t i = 0; i + 1 < eid.size(); i += 2) {
    out.push_back(static_cast<uint8_t>((eid[i] - '0') << 4 | (eid[i + 1] - '0')));
  }
  return out;
}

Bytes ResultResponse(uint32_t outer_tag, int64_t result) {
  return der::Wrap(outer_tag, der::Wrap(0x80, der::IntegerContents(result)));
}

std::optional<std::set<uint32_t>> ParseTagList(ByteView list) {
  std::set<uint32_t> tags;
  size_t i = 0;
  while (i < list.size()) {
    uint32_t tag = list[i++];
    if ((tag & 0x1F) == 0x1F) {
      do {
        if (i >= list.size()) return std::nullopt;
        tag = (tag << 8) | list[i];
      } while (list[i++] & 0x80);
    }
    tags.insert(tag);
  }
  return tags;
}

}  // namespace esim::vcard

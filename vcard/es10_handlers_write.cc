// The ISD-R's state-changing ES10 functions (SGP.22 rules: facts sheet section 4).
#include <algorithm>

#include "vcard/es10_encode.h"
#include "vcard/isdr.h"

namespace esim::vcard {
namespace {

using Answer = Isdr::Answer;

Answer Ok(Bytes data) { return Answer{std::move(data), 0x9000, false}; }
Answer Reply(uint32_t outer, int64_t result) { return Ok(ResultResponse(outer, result)); }

constexpr es10::NotificationEvents kEnableEvent{false, true, false, false};
constexpr es10::NotificationEvents kDisableEvent{false, false, true, false};
constexpr es10::NotificationEvents kDeleteEvent{false, false, false, true};

// After Enable/Disable with refreshFlag the card has a REFRESH proactive command waiting:
// 91xx with xx = its length (see apdu_front.cc, FETCH).
constexpr uint16_t kRefreshPending = 0x910B;

bool Ppr(const es10::ProfileInfo& p, bool ppr1) {
  if (!p.profilePolicyRules) return false;
  return ppr1 ? p.profilePolicyRules->ppr1 : p.profilePolicyRules->ppr2;
}

// The parsed members of an Enable/Disable request: A0 { 4F | 5A }, 81 refreshFlag.
struct Switch {
  der::Tlv id;
  bool refresh = false;
};

std::optional<Switch> ParseSwitch(const der::Tlv& request) {
  auto children = der::ReadChildren(request.value);
  if (!children.ok()) return std::nullopt;
  auto wrapper = der::Find(*children, 0xA0);
  auto flag = der::Find(*children, 0x81);
  if (!wrapper || !flag || flag->value.size() != 1) return std::nullopt;
  auto inner = der::ReadChildren(wrapper->value);
  if (!inner.ok() || inner->size() != 1) return std::nullopt;
  if (inner->front().tag != 0x4F && inner->front().tag != 0x5A) return std::nullopt;
  return Switch{inner->front(), flag->value[0] != 0};
}

}  // namespace

void Isdr::Notify(const es10::ProfileInfo& profile, const es10::NotificationEvents& event) {
  if (!profile.notificationConfigurationInfo) return;
  for (const auto& config : *profile.notificationConfigurationInfo) {
    const auto& ops = config.profileManagementOperation;
    bool listed = (event.install && ops.install) || (event.enable && ops.enable) ||
                  (event.disable && ops.disable) || (event.deletion && ops.deletion);
    if (!listed) continue;
    es10::NotificationMetadata n;
    n.seqNumber = state_.next_seq_number++;
    n.profileManagementOperation = event;
    n.notificationAddress = config.notificationAddress;
    n.iccid = profile.iccid;
    state_.notifications.push_back(n);
    return;  // one notification per event, to the first address that asks for it
  }
}

void Isdr::ReleaseMemory(const es10::ProfileInfo& profile) {
  auto size = state_.package_sizes.find(profile.iccid.value_or(""));
  if (size == state_.package_sizes.end()) return;
  if (auto free = FreeNonVolatileMemory(state_)) SetFreeNonVolatileMemory(state_, *free + size->second);
  state_.package_sizes.erase(size);
}

std::optional<Isdr::Answer> Isdr::Commit(CardState before) {
  if (config_.state_path.empty()) return std::nullopt;
  Status saved = SaveState(state_, config_.state_path);
  if (saved.ok()) return std::nullopt;
  // A card that cannot write its memory keeps its old state and says so.
  state_ = std::move(before);
  return Answer{{}, 0x6581, false};
}

Isdr::Answer Isdr::EnableProfile(const der::Tlv& request) {
  auto req = ParseSwitch(request);
  if (!req) return Reply(0xBF31, 127);
  auto index = FindProfile(req->id);
  if (!index) return Reply(0xBF31, 1);
  if (state_.profiles[*index].profileState == es10::ProfileState::kEnabled) return Reply(0xBF31, 2);
  std::optional<size_t> current;
  for (size_t i = 0; i < state_.profiles.size(); ++i) {
    if (state_.profiles[i].profileState == es10::ProfileState::kEnabled) current = i;
  }
  // Enabling another profile implicitly disables the current one, so its PPR1 applies.
  if (current && Ppr(state_.profiles[*current], true)) return Reply(0xBF31, 3);
  CardState before = state_;
  if (current) {
    state_.profiles[*current].profileState = es10::ProfileState::kDisabled;
    Notify(state_.profiles[*current], kDisableEvent);
  }
  state_.profiles[*index].profileState = es10::ProfileState::kEnabled;
  Notify(state_.profiles[*index], kEnableEvent);
  if (auto failed = Commit(std::move(before))) return *failed;
  Answer answer = Reply(0xBF31, 0);
  if (req->refresh) answer.sw = kRefreshPending;
  if (config_.drop_response_after_enable) {
    config_.drop_response_after_enable = false;
    answer.drop = true;
  }
  return answer;
}

Isdr::Answer Isdr::DisableProfile(const der::Tlv& request) {
  auto req = ParseSwitch(request);
  if (!req) return Reply(0xBF32, 127);
  auto index = FindProfile(req->id);
  if (!index) return Reply(0xBF32, 1);
  es10::ProfileInfo& p = state_.profiles[*index];
  if (p.profileState != es10::ProfileState::kEnabled) return Reply(0xBF32, 2);
  if (Ppr(p, true)) return Reply(0xBF32, 3);
  CardState before = state_;
  p.profileState = es10::ProfileState::kDisabled;
  Notify(p, kDisableEvent);
  if (auto failed = Commit(std::move(before))) return *failed;
  Answer answer = Reply(0xBF32, 0);
  if (req->refresh) answer.sw = kRefreshPending;
  return answer;
}

Isdr::Answer Isdr::DeleteProfile(const der::Tlv& request) {
  // BF33 wraps the CHOICE directly (explicit tag on a CHOICE): exactly one 4F or 5A.
  auto children = der::ReadChildren(request.value);
  if (!children.ok() || children->size() != 1 ||
      (children->front().tag != 0x4F && children->front().tag != 0x5A)) {
    return Reply(0xBF33, 127);
  }
  auto index = FindProfile(children->front());
  if (!index) return Reply(0xBF33, 1);
  if (state_.profiles[*index].profileState != es10::ProfileState::kDisabled) return Reply(0xBF33, 2);
  if (Ppr(state_.profiles[*index], false)) return Reply(0xBF33, 3);
  CardState before = state_;
  es10::ProfileInfo gone = state_.profiles[*index];
  state_.profiles.erase(state_.profiles.begin() + static_cast<std::ptrdiff_t>(*index));
  ReleaseMemory(gone);
  Notify(gone, kDeleteEvent);
  if (auto failed = Commit(std::move(before))) return *failed;
  return Reply(0xBF33, 0);
}

Isdr::Answer Isdr::SetNickname(const der::Tlv& request) {
  auto children = der::ReadChildren(request.value);
  if (!children.ok()) return Reply(0xBF29, 127);
  auto iccid = der::Find(*children, 0x5A);
  auto nickname = der::Find(*children, 0x90);
  if (!iccid || !nickname || nickname->value.size() > 64) return Reply(0xBF29, 127);
  auto index = FindProfile(*iccid);
  if (!index) return Reply(0xBF29, 1);
  CardState before = state_;
  std::string text = der::Text(nickname->value);
  // An empty nickname clears it, which is how LPAs remove one.
  state_.profiles[*index].profileNickname = text.empty() ? std::nullopt : std::optional<std::string>(text);
  if (auto failed = Commit(std::move(before))) return *failed;
  return Reply(0xBF29, 0);
}

Isdr::Answer Isdr::MemoryReset(const der::Tlv& request) {
  auto children = der::ReadChildren(request.value);
  if (!children.ok()) return Reply(0xBF34, 127);
  auto options = der::Find(*children, 0x82);
  if (!options) return Reply(0xBF34, 127);
  auto bits = der::BitStringBits(options->value);
  if (!bits.ok()) return Reply(0xBF34, 127);
  uint8_t b = bits->empty() ? 0 : (*bits)[0];
  bool operational = b & 0x80, test = b & 0x40, address = b & 0x20;
  CardState before = state_;
  bool changed = false;
  // Memory reset ignores PPRs and profile state and sends no notifications (SGP.22 5.7.19).
  std::erase_if(state_.profiles, [&](const es10::ProfileInfo& p) {
    auto cls = p.profileClass.value_or(es10::ProfileClass::kOperational);
    bool drop = (operational && cls == es10::ProfileClass::kOperational) ||
                (test && cls == es10::ProfileClass::kTest);
    changed = changed || drop;
    if (drop) ReleaseMemory(p);
    return drop;
  });
  if (address && state_.default_dp_address) {
    state_.default_dp_address.reset();
    changed = true;
  }
  if (!changed) return Reply(0xBF34, 1);
  if (auto failed = Commit(std::move(before))) return *failed;
  return Reply(0xBF34, 0);
}

Isdr::Answer Isdr::SetDefaultDpAddress(const der::Tlv& request) {
  auto children = der::ReadChildren(request.value);
  if (!children.ok()) return Reply(0xBF3F, 127);
  auto address = der::Find(*children, 0x80);
  if (!address || address->value.size() > 255) return Reply(0xBF3F, 127);
  CardState before = state_;
  std::string text = der::Text(address->value);
  state_.default_dp_address = text.empty() ? std::nullopt : std::optional<std::string>(text);
  if (auto failed = Commit(std::move(before))) return *failed;
  return Reply(0xBF3F, 0);
}

Isdr::Answer Isdr::NotificationSent(const der::Tlv& request) {
  auto children = der::ReadChildren(request.value);
  if (!children.ok()) return Reply(0xBF30, 127);
  auto seq_tlv = der::Find(*children, 0x80);
  if (!seq_tlv) return Reply(0xBF30, 127);
  auto seq = der::ParseInteger(seq_tlv->value);
  if (!seq.ok()) return Reply(0xBF30, 127);
  auto it = std::find_if(state_.notifications.begin(), state_.notifications.end(),
                         [&](const es10::NotificationMetadata& n) { return n.seqNumber == *seq; });
  if (it == state_.notifications.end()) return Reply(0xBF30, 1);
  CardState before = state_;
  state_.notification_signatures.erase(it->seqNumber);
  state_.installation_results.erase(it->seqNumber);
  state_.notifications.erase(it);
  if (auto failed = Commit(std::move(before))) return *failed;
  return Reply(0xBF30, 0);
}

}  // namespace esim::vcard

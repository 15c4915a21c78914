#include "src/ops/card_change.h"

#include <type_traits>

#include "src/ops/chip_ops.h"
#include "src/ops/notifications.h"
#include "src/ops/profile_ops.h"

namespace esim {

namespace {

Result<AppliedChange> FromProfileChange(const Result<ProfileChangeReport>& report) {
  if (!report.ok()) return report.status();
  return AppliedChange{report->verified_by_listing, report->status_word};
}

Result<AppliedChange> FromStatus(CardSession& session, const Status& status) {
  if (!status.ok()) return status;
  return AppliedChange{false, session.last_status_word()};
}

}  // namespace

Result<AppliedChange> ApplyChange(CardSession& session, const ChangeRequest& request) {
  return std::visit(
      [&session](const auto& r) -> Result<AppliedChange> {
        using R = std::decay_t<decltype(r)>;
        if constexpr (std::is_same_v<R, es10::EnableProfileRequest>) {
          return FromProfileChange(
              ChangeProfileState(session, StateChange::kEnable, r.profileIdentifier, r.refreshFlag));
        } else if constexpr (std::is_same_v<R, es10::DisableProfileRequest>) {
          return FromProfileChange(
              ChangeProfileState(session, StateChange::kDisable, r.profileIdentifier, r.refreshFlag));
        } else if constexpr (std::is_same_v<R, es10::DeleteProfileRequest>) {
          return FromProfileChange(ChangeProfileState(session, StateChange::kDelete, r.profileIdentifier, false));
        } else if constexpr (std::is_same_v<R, es10::SetNicknameRequest>) {
          return FromStatus(session, SetProfileNickname(session, r.iccid, r.profileNickname));
        } else if constexpr (std::is_same_v<R, es10::EuiccMemoryResetRequest>) {
          return FromStatus(session, ResetMemory(session, r));
        } else if constexpr (std::is_same_v<R, es10::SetDefaultDpAddressRequest>) {
          return FromStatus(session, SetDefaultSmdp(session, r.defaultDpAddress));
        } else {
          static_assert(std::is_same_v<R, es10::NotificationSentRequest>);
          return FromStatus(session, RemoveNotification(session, r.seqNumber));
        }
      },
      request);
}

Result<std::vector<Bytes>> PlanChangeApdus(CardSession& session, const ChangeRequest& request) {
  return session.es10().PlanCommand(request);
}

}  // namespace esim

#include "src/ops/profile_ops.h"

#include "src/ops/result_codes.h"

namespace esim {

namespace {

constexpr uint32_t kReconnectTimeoutMs = 3000;

ProfileOperation OperationOf(StateChange change) {
  switch (change) {
    case StateChange::kEnable: return ProfileOperation::kEnable;
    case StateChange::kDisable: return ProfileOperation::kDisable;
    case StateChange::kDelete: return ProfileOperation::kDelete;
  }
  return ProfileOperation::kEnable;
}

// One GetProfilesInfo for `profile`, returning the members named in `tag_list`.
Result<std::optional<es10::ProfileInfo>> FindProfileWithTags(CardSession& session,
                                                             const es10::ProfileId& profile,
                                                             Bytes tag_list) {
  es10::GetProfilesInfoRequest request;
  if (const auto* iccid = std::get_if<es10::Iccid>(&profile)) {
    request.searchCriteria = *iccid;
  } else {
    request.searchCriteria = std::get<es10::IsdpAid>(profile);
  }
  request.tagList = std::move(tag_list);
  ESIM_ASSIGN_OR_RETURN(auto response, session.es10().GetProfilesInfo(request));
  if (!response.profileInfoListOk || response.profileInfoListOk->empty()) {
    return std::optional<es10::ProfileInfo>();
  }
  return std::optional<es10::ProfileInfo>(response.profileInfoListOk->front());
}

Result<std::optional<es10::ProfileInfo>> FindProfile(CardSession& session,
                                                     const es10::ProfileId& profile) {
  return FindProfileWithTags(session, profile, Bytes{0x5A, 0x4F, 0x9F, 0x70, 0x92});  // id, state, name
}

// Checks with a fresh listing that `change` took effect; kCardStatus when it did not.
Status VerifyChange(CardSession& session, StateChange change, const es10::ProfileId& profile) {
  ESIM_ASSIGN_OR_RETURN(auto found, FindProfile(session, profile));
  const std::string id = ProfileIdText(profile);
  switch (change) {
    case StateChange::kDelete:
      if (!found) return Status::Ok();
      return Status(ErrorCode::kCardStatus, "profile " + id + " is still on the card after delete");
    case StateChange::kEnable:
    case StateChange::kDisable: {
      const auto wanted = change == StateChange::kEnable ? es10::ProfileState::kEnabled
                                                         : es10::ProfileState::kDisabled;
      if (found && found->profileState == wanted) return Status::Ok();
      return Status(ErrorCode::kCardStatus,
                    "the card gave no answer and profile " + id + " is not " +
                        (wanted == es10::ProfileState::kEnabled ? "enabled" : "disabled") +
                        " afterwards; run 'esimctl profile list' to see the card's state");
    }
  }
  return Status::Ok();
}

bool AnswerWasLost(const Status& status) {
  return status.code() == ErrorCode::kReaderError || status.code() == ErrorCode::kCardRemoved;
}

}  // namespace

Result<std::optional<es10::ProfileInfo>> LookupProfile(CardSession& session, const es10::ProfileId& profile) {
  // iccid, isdpAid, state, nickname, provider, name, class, notification config, PPRs: no icon.
  return FindProfileWithTags(session, profile,
                             Bytes{0x5A, 0x4F, 0x9F, 0x70, 0x90, 0x91, 0x92, 0x95, 0xB6, 0x99});
}

es10::ProfileId ProfileIdOf(const es10::ProfileInfo& info) {
  if (info.iccid) return *info.iccid;
  return es10::IsdpAid{info.isdpAid.value_or(Bytes{})};
}

std::string ProfileIdText(const es10::ProfileId& profile) {
  if (const auto* iccid = std::get_if<es10::Iccid>(&profile)) return *iccid;
  return ToHex(std::get<es10::IsdpAid>(profile).aid);
}

std::string ProfileLabel(const es10::ProfileInfo& info) {
  const std::string id = ProfileIdText(ProfileIdOf(info));
  std::string names;
  if (info.profileName) names = *info.profileName;
  if (info.serviceProviderName) names += (names.empty() ? "" : ", ") + *info.serviceProviderName;
  return names.empty() ? id : id + " (" + names + ")";
}

std::string ProfileStateText(const std::optional<es10::ProfileState>& state) {
  if (!state) return "unknown";
  return *state == es10::ProfileState::kEnabled ? "enabled" : "disabled";
}

const char* StateChangeName(StateChange change) {
  switch (change) {
    case StateChange::kEnable: return "enable";
    case StateChange::kDisable: return "disable";
    case StateChange::kDelete: return "delete";
  }
  return "";
}

std::string DescribeProfile(CardSession& session, const es10::ProfileId& profile) {
  std::string id = ProfileIdText(profile);
  auto found = FindProfile(session, profile);
  if (!found.ok() || !found->has_value() || !(*found)->profileName) return id;
  return id + " (" + *(*found)->profileName + ")";
}

Result<ProfileChangeReport> ChangeProfileState(CardSession& session, StateChange change,
                                               const es10::ProfileId& profile, bool refresh) {
  Es10Client& es10 = session.es10();
  Result<int64_t> result = change == StateChange::kEnable    ? es10.EnableProfile(profile, refresh)
                           : change == StateChange::kDisable ? es10.DisableProfile(profile, refresh)
                                                             : es10.DeleteProfile(profile);
  ProfileChangeReport report{change, profile, false, session.last_status_word()};

  if (!result.ok()) {
    // A card that switches profiles may refresh and drop the answer. The command may
    // well have been executed: look before reporting a failure.
    if (change == StateChange::kDelete || !AnswerWasLost(result.status())) return result.status();
    ESIM_RETURN_IF_ERROR(session.Reestablish(kReconnectTimeoutMs).WithContext(
        "the card dropped its answer to " + std::string(change == StateChange::kEnable ? "enable" : "disable")));
    ESIM_RETURN_IF_ERROR(VerifyChange(session, change, profile));
    report.verified_by_listing = true;
    report.status_word = 0;
    return report;
  }
  if (*result != 0) {
    std::string described = *result == 1 ? ProfileIdText(profile) : DescribeProfile(session, profile);
    return ProfileResultStatus(OperationOf(change), *result, described, ProfileIdText(profile));
  }
  if ((report.status_word & 0xFF00) == 0x9100) {
    // 91xx: the card wants the terminal to fetch a REFRESH; confirm the new state.
    ESIM_RETURN_IF_ERROR(VerifyChange(session, change, profile));
    report.verified_by_listing = true;
  }
  return report;
}

Status SetProfileNickname(CardSession& session, const es10::Iccid& iccid, const std::string& nickname) {
  ESIM_ASSIGN_OR_RETURN(int64_t result, session.es10().SetNickname(iccid, nickname));
  return ProfileResultStatus(ProfileOperation::kSetNickname, result, iccid, iccid);
}

}  // namespace esim

#include "src/safety/change_plans.h"

#include <algorithm>
#include <map>
#include <utility>

#include "src/ops/notifications.h"
#include "src/ops/profile_list.h"
#include "src/safety/download_recorder.h"

namespace esim {

namespace {

bool WantsEvent(const es10::NotificationEvents& events, StateChange change) {
  switch (change) {
    case StateChange::kEnable: return events.enable;
    case StateChange::kDisable: return events.disable;
    case StateChange::kDelete: return events.deletion;
  }
  return false;
}

std::optional<std::string> NotifyAddress(const es10::ProfileInfo& info, StateChange change) {
  if (!info.notificationConfigurationInfo) return std::nullopt;
  for (const auto& config : *info.notificationConfigurationInfo) {
    if (WantsEvent(config.profileManagementOperation, change)) return config.notificationAddress;
  }
  return std::nullopt;
}

ChangeRequest RequestFor(StateChange change, const es10::ProfileId& id, bool refresh) {
  switch (change) {
    case StateChange::kEnable: return es10::EnableProfileRequest{id, refresh};
    case StateChange::kDisable: return es10::DisableProfileRequest{id, refresh};
    case StateChange::kDelete: break;
  }
  return es10::DeleteProfileRequest{id};
}

// A plan of one kCommand step.
ChangePlan OneCommand(std::string operation, ChangeStep step) {
  ChangePlan plan;
  plan.operation = std::move(operation);
  plan.steps.push_back(std::move(step));
  return plan;
}

}  // namespace

Result<ChangePlan> PlanProfileChange(CardSession& card, StateChange change, const es10::ProfileId& profile,
                                     bool disable_first, bool refresh) {
  ESIM_ASSIGN_OR_RETURN(auto found, LookupProfile(card, profile));
  if (!found) {
    return Status(ErrorCode::kProfileNotFound,
                  "no profile " + ProfileIdText(profile) + " on the card; nothing was changed");
  }
  const es10::ProfileInfo& target = *found;
  std::vector<StateChange> changes;
  if (change == StateChange::kDelete && target.profileState == es10::ProfileState::kEnabled) {
    if (!disable_first) {
      return Status(ErrorCode::kWrongProfileState,
                    "profile " + ProfileIdText(profile) +
                        " is enabled: deleting it would cut the line now. Disable it first "
                        "(esimctl profile disable " + ProfileIdText(profile) +
                        "), or pass --disable-first to disable and then delete it. Nothing was changed");
    }
    changes.push_back(StateChange::kDisable);
  }
  changes.push_back(change);

  ChangePlan plan;
  plan.operation = StateChangeName(change);
  plan.read_back = ReadBack::kProfile;
  const es10::ProfileId id = ProfileIdOf(target);
  // A delete never asks for a REFRESH; with --disable-first neither does its disable step.
  const bool step_refresh = change == StateChange::kDelete ? false : refresh;
  for (StateChange step : changes) {
    ChangeStep planned;
    planned.operation = StateChangeName(step);
    planned.description = std::string(StateChangeName(step)) + " profile " + ProfileLabel(target) + ", now " +
                          ProfileStateText(target.profileState);
    planned.iccid = target.iccid;
    planned.request = RequestFor(step, id, step_refresh);
    planned.makes_notifications = true;
    planned.notify_address = NotifyAddress(target, step);
    plan.steps.push_back(std::move(planned));
  }
  plan.profiles.push_back(std::move(*found));
  return plan;
}

ChangePlan PlanNickname(const es10::Iccid& iccid, const std::string& nickname) {
  ChangeStep step;
  step.operation = "nickname";
  step.description = "set the nickname of profile " + iccid + " to \"" + nickname + "\"";
  step.iccid = iccid;
  step.request = es10::SetNicknameRequest{iccid, nickname};
  return OneCommand("nickname", std::move(step));
}

Result<ChangePlan> PlanMemoryReset(CardSession& card, const MemoryResetChoice& choice) {
  ESIM_ASSIGN_OR_RETURN(auto profiles, ListProfiles(card, ListProfilesOptions{}));
  ChangeStep step;
  step.operation = "reset";
  step.description = "eUICCMemoryReset";
  step.request = es10::EuiccMemoryResetRequest{choice.operational_profiles, choice.test_profiles,
                                               choice.default_smdp_address};
  step.makes_notifications = true;
  ChangePlan plan = OneCommand("reset", std::move(step));
  plan.read_back = ReadBack::kProfileList;
  for (auto& p : profiles) {
    const auto klass = p.profileClass.value_or(es10::ProfileClass::kOperational);
    const bool goes = (klass == es10::ProfileClass::kOperational && choice.operational_profiles) ||
                      (klass == es10::ProfileClass::kTest && choice.test_profiles);
    if (goes) plan.profiles.push_back(std::move(p));
  }
  return plan;
}

ChangePlan PlanDefaultSmdpAddress(const std::string& address) {
  ChangeStep step;
  step.operation = "default-smdp";
  step.description = address.empty() ? "clear the default SM-DP+ address"
                                      : "set the default SM-DP+ address to " + address;
  step.request = es10::SetDefaultDpAddressRequest{address};
  return OneCommand("setDefaultDpAddress", std::move(step));
}

ChangePlan PlanNotificationRemoval(const std::vector<int64_t>& seqs,
                                   std::function<ConfirmationRequest(const std::vector<JournalEntry>& unaccepted)> ask) {
  ChangePlan plan;
  plan.operation = "remove";
  // Removing what the carrier does not have leaves the journal as its only copy: always asked.
  plan.confirmation = [ask = std::move(ask)](const std::vector<JournalEntry>& journaled) {
    std::vector<JournalEntry> unaccepted;
    for (const auto& e : journaled) {
      if (!e.accepted_at_ms) unaccepted.push_back(e);
    }
    if (unaccepted.empty()) return std::optional<ConfirmationRequest>();
    return std::optional<ConfirmationRequest>(ask(unaccepted));
  };
  for (int64_t seq : seqs) {
    ChangeStep step;
    step.kind = StepKind::kRemoveNotification;
    step.operation = "notification-remove";
    step.description = "remove notification " + std::to_string(seq) + " (NotificationSent)";
    step.request = es10::NotificationSentRequest{seq};
    plan.steps.push_back(std::move(step));
  }
  return plan;
}

Result<ChangePlan> PlanNotificationProcessing(CardSession& card, const std::vector<int64_t>& seqs) {
  ESIM_ASSIGN_OR_RETURN(auto listing, ListNotifications(card, false));
  std::map<int64_t, const es10::NotificationMetadata*> listed;
  ChangePlan plan;
  plan.operation = "process";
  plan.listed_seqs.emplace();
  for (const auto& n : listing) {
    listed[n.metadata.seqNumber] = &n.metadata;
    plan.listed_seqs->push_back(n.metadata.seqNumber);
  }
  std::vector<int64_t> wanted = seqs;
  if (wanted.empty()) {
    for (const auto& [seq, metadata] : listed) wanted.push_back(seq);
  }
  for (int64_t seq : wanted) {
    ChangeStep step;
    step.kind = StepKind::kSettleNotification;
    step.operation = "notification-process";
    step.request = es10::NotificationSentRequest{seq};
    auto on_card = listed.find(seq);
    step.on_card = on_card != listed.end();
    if (step.on_card) {
      step.iccid = on_card->second->iccid;
      step.notify_address = on_card->second->notificationAddress;
      step.description = "after " + on_card->second->notificationAddress + " accepts notification " +
                         std::to_string(seq) + ": remove it (NotificationSent)";
    } else {
      step.description = "notification " + std::to_string(seq) +
                         " is not on the card: deliver it from the journal if it is not accepted yet";
    }
    plan.steps.push_back(std::move(step));
  }
  return plan;
}

ChangePlan PlanDownload(const DownloadRequest& request, es9p::Es9PlusServer& server, DownloadUser& user,
                        std::shared_ptr<std::optional<DownloadOutcome>> outcome) {
  ChangePlan plan;
  plan.operation = "download";
  ChangeStep step;
  step.kind = StepKind::kFlow;
  step.operation = "download";
  // What a dry run shows: the flow's requests depend on the SM-DP+'s answers, so they are named,
  // not encoded; the matching ID and confirmation code are secrets and only said to be present.
  step.description = "download a profile from SM-DP+ " + request.smdp_address +
                     (request.matching_id ? " with the given matching ID" : " without a matching ID") +
                     (request.confirmation_code ? " and confirmation code" : "") +
                     ": GetEuiccChallenge (STORE DATA BF2E00), GetEuiccInfo1 (BF2000), ES9+ initiateAuthentication, "
                     "AuthenticateServer, ES9+ authenticateClient, confirm the offered profile, PrepareDownload, "
                     "ES9+ getBoundProfilePackage, LoadBoundProfilePackage (one STORE DATA sequence per segment)";
  step.makes_notifications = true;
  step.notify_address = request.smdp_address;
  step.flow = [request, &server, &user, outcome](FlowContext& context) -> Result<AppliedChange> {
    Es10DownloadCard card(context.card);
    // Every step is committed to the operation's download row as it happens (recovery reads it).
    JournalDownloadRecorder recorder(context.journal, context.operation_id);
    ESIM_RETURN_IF_ERROR(recorder.Start(request.smdp_address, request.matching_id));
    Result<DownloadOutcome> result = DownloadProfile(card, server, request, user, &recorder);
    if (!result.ok()) {
      ESIM_RETURN_IF_ERROR(recorder.Failed(result.status()));
      return result.status();
    }
    DownloadOutcome done = std::move(*result);
    AppliedChange applied;
    applied.verified_by_listing = !done.result.has_value();
    *outcome = std::move(done);
    return applied;
  };
  plan.steps.push_back(std::move(step));
  return plan;
}

}  // namespace esim

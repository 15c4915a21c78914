// The plans of esimctl's state-changing commands, one builder per kind of change.
//
// Each builder checks what it can against the card before anything is sent (a plan that
// cannot run is an error with nothing changed) and returns the ChangePlan that --dry-run shows
// and RunChangePlan runs. A builder sends only reads (noted per function). When a plan must ask,
// the builder decides that it asks; the caller may word the question (plan.confirmation, or the
// `ask` of PlanNotificationRemoval). Not thread-safe (one CardSession per thread).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "asn1/messages.h"
#include "common/status.h"
#include "src/ops/download.h"
#include "src/ops/profile_ops.h"
#include "src/safety/change_plan.h"
#include "src/session/card_session.h"

namespace esim {

// Enable, disable or delete `profile` (operation "enable", "disable", "delete"). One
// GetProfilesInfo: kProfileNotFound if absent; deleting an enabled profile is
// kWrongProfileState unless `disable_first`, which plans a disable step before it. `refresh`
// sets refreshFlag on enable/disable. Reads the profile back afterwards.
Result<ChangePlan> PlanProfileChange(CardSession& card, StateChange change, const es10::ProfileId& profile,
                                     bool disable_first, bool refresh = false);

// Sets (empty: clears) the nickname of profile `iccid` (operation "nickname"). Sends nothing.
ChangePlan PlanNickname(const es10::Iccid& iccid, const std::string& nickname);

// What an eUICC memory reset removes.
struct MemoryResetChoice {
  bool operational_profiles = false;
  bool test_profiles = false;          // field-loaded test profiles
  bool default_smdp_address = false;
};
// eUICCMemoryReset (operation "reset"); plan.profiles are the profiles it deletes. One
// GetProfilesInfo. Reads every profile back after a successful reset.
Result<ChangePlan> PlanMemoryReset(CardSession& card, const MemoryResetChoice& choice);

// Sets (empty: clears) the default SM-DP+ address (operation "setDefaultDpAddress"). Sends nothing.
ChangePlan PlanDefaultSmdpAddress(const std::string& address);

// NotificationSent for each of `seqs`, in order, each journaled first (operation "remove").
// When any of them is not accepted by its SM-DP+, the pipeline asks `ask(unaccepted)` before
// removing anything. Sends nothing: the pipeline lists and journals them before it asks or sends.
ChangePlan PlanNotificationRemoval(const std::vector<int64_t>& seqs,
                                   std::function<ConfirmationRequest(const std::vector<JournalEntry>& unaccepted)> ask);

// Journal, deliver, and remove once accepted, the notifications `seqs` (empty: every one on
// the card, in seqNumber order) (operation "process"). One ListNotification, which the
// pipeline reuses.
Result<ChangePlan> PlanNotificationProcessing(CardSession& card, const std::vector<int64_t>& seqs);

// Downloads a profile (operation "download") as one flow step: DownloadProfile (src/ops/download.h)
// with `server` and `user`, which must outlive the run, on the pipeline's card. The step makes
// notifications (the install result, BF37, which the pipeline journals and delivers like any
// other); `outcome` receives what the download did once it succeeded. Sends nothing.
ChangePlan PlanDownload(const DownloadRequest& request, es9p::Es9PlusServer& server, DownloadUser& user,
                        std::shared_ptr<std::optional<DownloadOutcome>> outcome);

}  // namespace esim

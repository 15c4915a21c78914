// ChangePlan: everything a state-changing command will do to the card, decided before the first
// byte of it is sent.
//
// A plan is data: its steps in the order they run, each with the ES10 request it sends (or, for
// a flow, the function that builds its requests from the answers it gets), what the journal
// calls it, whether the card answers it with notifications, plus what the pipeline reads back
// afterwards and what it asks first. `--dry-run` encodes these requests (PlanApdus) and the
// pipeline (change_pipeline.h) sends the same ones (ApplyChange), so the plan a user is shown is
// the plan that runs. Plans are built by the functions in change_plans.h, one per command kind.
//
// A download is a flow: its requests (AuthenticateServer, PrepareDownload, the bound profile
// package's segments) are built from the SM-DP+'s answers, so its step carries a function rather
// than a request; it runs under the same journal record and notification capture as any step and
// may add records of its own (FlowContext). No second pipeline is needed for it.
//
// Threading: plain values (the functions they hold are called on the pipeline's thread).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "asn1/messages.h"
#include "src/ops/card_change.h"
#include "src/safety/confirmation.h"
#include "src/safety/notification_journal.h"
#include "src/session/card_session.h"

namespace esim {

// How the pipeline runs a step.
enum class StepKind {
  // Journal the intent, send the request, journal the outcome; when the step makes
  // notifications, journal every new one the card then lists (seqNumber above the highest
  // known before the first step). Profile changes, nickname, memory reset, default SM-DP+.
  kCommand,
  // As kCommand, but the step's `flow` sends requests it builds as it goes (a download).
  kFlow,
  // NotificationSent for a notification the pipeline journaled before anything was sent;
  // its removal is journaled once the card confirms it (`notification remove`).
  kRemoveNotification,
  // A notification the pipeline journals first, then delivers, and removes from the card (the
  // step's NotificationSent, sent by the keeper) only once its SM-DP+ accepted it and that is on
  // disk (`notification process`). Settled after every other step of the plan.
  kSettleNotification,
};

// What a flow step may use while it runs: the card, and the journal under the step's own
// operation record (for records of its own, tied to `operation_id`).
struct FlowContext {
  CardSession& card;
  NotificationJournal& journal;
  int64_t operation_id;  // the step's `operations` row, committed before the flow starts
};

// One step of a plan.
struct ChangeStep {
  StepKind kind = StepKind::kCommand;
  std::string operation;               // the journal's name for it: "disable", "notification-remove", ...
  std::string description;             // for --dry-run: "disable profile 8999... (Contoso), now enabled"
  std::optional<std::string> iccid;    // the profile it concerns, for the journal
  // Exactly what is sent (kCommand; NotificationSent for the notification steps); nullopt for
  // a flow, whose requests are not known before it runs.
  std::optional<ChangeRequest> request;
  // kFlow: sends the step's requests; its failure is the step's failure.
  std::function<Result<AppliedChange>(FlowContext&)> flow;
  bool makes_notifications = false;    // kCommand, kFlow: the card may make notifications for it
  // The SM-DP+ the profile asks to be told of this step at (kCommand), or the notification's
  // address (notification steps); nullopt when none is named.
  std::optional<std::string> notify_address;
  // Notification steps: whether the card listed the notification when the plan was made
  // (false: only the journal may still have it; it is settled from there).
  bool on_card = true;

  // The seqNumber of a notification step's notification.
  int64_t seq_number() const;
};

// What the pipeline reads from the card after the steps, for the receipt.
enum class ReadBack {
  kNothing,
  kProfile,       // the plan's profile (one GetProfilesInfo), checked against the last step
  kProfileList,   // every profile (one GetProfilesInfo), after a successful plan only
};

struct ChangePlan {
  std::string operation;                     // the receipt's name: "enable", "reset", "remove", ...
  std::vector<ChangeStep> steps;             // in the order they run
  // The profiles the plan changes, as the card listed them when the plan was made: the one
  // profile of a profile change, the profiles a memory reset deletes.
  std::vector<es10::ProfileInfo> profiles;
  ReadBack read_back = ReadBack::kNothing;
  // kProfile, when `profiles` cannot name the profile before the steps run (a download learns
  // its ICCID from the SM-DP+): asked after the steps; nullopt: nothing to read back.
  std::function<std::optional<es10::ProfileId>()> read_back_target;
  // The seqNumbers the card listed when the plan was made (plans of notification steps that
  // had to list the card); the pipeline journals from it instead of listing again.
  std::optional<std::vector<int64_t>> listed_seqs;
  // The question to ask before anything is sent, given the notifications the pipeline
  // journaled first (those of notification steps); nullopt: nothing to ask. Unset: never asks.
  std::function<std::optional<ConfirmationRequest>(const std::vector<JournalEntry>& journaled_first)> confirmation;

  // True when some step may make notifications (the pipeline then reads the highest known
  // seqNumber before the first step).
  bool captures_notifications() const;
};

}  // namespace esim

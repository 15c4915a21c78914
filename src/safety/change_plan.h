// ChangePlan: everything a state-changing command will send to the card, decided before the
// first byte of it is sent.
//
// A plan is data: the ES10 requests in the order they are sent, what the journal calls each
// one, which of them the card answers with notifications, and what the pipeline reads back
// afterwards. `--dry-run` encodes these requests (PlanChangeApdus) and the pipeline
// (change_pipeline.h) sends the same ones (ApplyChange), so the plan a user is shown is the
// plan that runs. Plans are built by the functions in change_plans.h, one per command kind; a
// download will be one more kind whose steps carry their own journal records.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "asn1/messages.h"
#include "src/ops/card_change.h"
#include "src/safety/confirmation.h"
#include "src/safety/notification_journal.h"

namespace esim {

// How the pipeline runs a step.
enum class StepKind {
  // Journal the intent, send the request, journal the outcome; when the step makes
  // notifications, journal every new one the card then lists (seqNumber above the highest
  // known before the first step). Profile changes, nickname, memory reset, default SM-DP+.
  kCommand,
  // NotificationSent for a notification the pipeline journaled before anything was sent;
  // its removal is journaled once the card confirms it (`notification remove`).
  kRemoveNotification,
  // A notification the pipeline journals first, then delivers, and removes from the card
  // (the step's NotificationSent) only once its SM-DP+ accepted it (`notification process`).
  kSettleNotification,
};

// One request of a plan.
struct ChangeStep {
  StepKind kind = StepKind::kCommand;
  std::string operation;               // the journal's name for it: "disable", "notification-remove", ...
  std::string description;             // for --dry-run: "disable profile 8999... (Contoso), now enabled"
  std::optional<std::string> iccid;    // the profile it concerns, for the journal
  ChangeRequest request;               // exactly what is sent
  bool makes_notifications = false;    // kCommand: the card may make notifications for it
  // The SM-DP+ the profile asks to be told of this step at (kCommand), or the notification's
  // address (notification steps); nullopt when none is named.
  std::optional<std::string> notify_address;
  // Notification steps: whether the card listed the notification when the plan was made
  // (false: only the journal may still have it; it is settled from there).
  bool on_card = true;
};

// What the pipeline reads from the card after the steps, for the receipt.
enum class ReadBack {
  kNothing,
  kProfile,       // the plan's profile (one GetProfilesInfo), checked against the last step
  kProfileList,   // every profile (one GetProfilesInfo), after a successful plan only
};

struct ChangePlan {
  std::string operation;                     // the receipt's name: "enable", "reset", "remove", ...
  std::vector<ChangeStep> steps;             // in the order they are sent
  // The profiles the plan changes, as the card listed them when the plan was made: the one
  // profile of a profile change, the profiles a memory reset deletes.
  std::vector<es10::ProfileInfo> profiles;
  ReadBack read_back = ReadBack::kNothing;
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

// `esimctl profile enable|disable|delete|nickname`: the local profile operations, guarded:
// confirmed when destructive, journaled, their notifications delivered (docs/safety.md).
#include <string>
#include <utility>
#include <vector>

#include "asn1/json.h"
#include "src/cli/cli_context.h"
#include "src/cli/change_command.h"
#include "src/cli/lazy_subcommand.h"
#include "src/ops/profile_ops.h"
#include "src/safety/change_plans.h"
#include "src/safety/confirmation.h"
#include "src/validate/input.h"

namespace esim {

namespace {

struct ChangeOptions {
  std::string id;
  bool refresh = false;
  bool disable_first = false;
  ChangeFlags flags;
};

struct NicknameOptions {
  std::string iccid;
  std::optional<std::string> nickname;
  ChangeFlags flags;
};

const char* PastTense(StateChange change) {
  switch (change) {
    case StateChange::kEnable: return "enabled";
    case StateChange::kDisable: return "disabled";
    case StateChange::kDelete: return "deleted";
  }
  return "";
}

std::string IdOf(const es10::ProfileInfo& info) { return ProfileIdText(ProfileIdOf(info)); }

ConfirmationRequest DeleteConfirmation(const ChangePlan& plan, const std::string& eid) {
  const es10::ProfileInfo& p = plan.profiles.front();
  std::string summary = "About to DELETE a profile from the eUICC " + eid + ":\n";
  summary += "  ICCID:     " + p.iccid.value_or("-") + "\n";
  summary += "  Name:      " + p.profileName.value_or("-") + "\n";
  summary += "  Provider:  " + p.serviceProviderName.value_or("-") + "\n";
  summary += "  State:     " + ProfileStateText(p.profileState) + "\n";
  if (plan.steps.size() > 1) summary += "It is enabled: it will be disabled first (the line stops now), then deleted.\n";
  summary += "This is PERMANENT: a deleted profile cannot be restored; the carrier must issue a new one.\n";
  const auto& address = plan.steps.back().notify_address;
  summary += address ? "The carrier will be notified at " + *address + ".\n"
                     : "The profile names no address to notify of its deletion.\n";
  summary += "To only pause the line, use the reversible 'esimctl profile disable " + IdOf(p) + "' instead.\n";
  return {summary, IccidConfirmationDigits(IdOf(p)),
          "Type the last four digits of the ICCID to delete it: "};
}

// What happens after the commands, for the dry-run plan.
std::string Afterwards(const ChangePlan& plan, const ChangeFlags& flags) {
  std::string addresses;
  for (const auto& step : plan.steps) {
    const auto& a = step.notify_address;
    if (a && addresses.find(*a) == std::string::npos) addresses += (addresses.empty() ? "" : ", ") + *a;
  }
  std::string text = "read the new notifications and journal them";
  if (addresses.empty()) return text + " (the profile names no notification address for this change)";
  return text + (flags.no_notify ? "; --no-notify: keep them for later delivery to " + addresses
                                 : "; deliver them to " + addresses + "; remove each accepted one from the card");
}

// The receipt of a profile change: each step, the card read back, the notifications.
int ChangeReceiptOut(Output& out, GuardedSession& guarded, const ChangePlan& plan, const ChangeReceipt& receipt,
                     StateChange change, const es10::ProfileId& id) {
  if (receipt.journal_failed) return out.Error(receipt.failure);
  const es10::ProfileInfo& target = plan.profiles.front();
  const bool done = receipt.failure.ok();
  nlohmann::json steps = nlohmann::json::array();
  for (const auto& step : receipt.steps) {
    steps.push_back({{"operation", step.operation},
                     {"journalOperationId", step.operation_id},
                     {"result", step.status.ok() ? "ok" : step.status.message()}});
  }
  nlohmann::json document = {{"operation", StateChangeName(change)},
                             {"profile", es10::ToJson(id)},
                             {"result", done ? "ok" : "failed"},
                             {"steps", steps},
                             {"journal", guarded.journal().path()},
                             {"notifications", NotificationsReceiptJson(receipt.notifications)}};
  std::string text;
  if (done) {
    text = "Profile " + ProfileLabel(target) + " " + PastTense(change) + ".";
    if (plan.steps.size() > 1) text = "Profile " + ProfileLabel(target) + " disabled, then deleted.";
    if (receipt.last_applied && receipt.last_applied->verified_by_listing) {
      document["verifiedByListing"] = true;
      text += " (The card did not confirm it; a fresh profile list shows it " + std::string(PastTense(change)) + ".)";
    }
    text += "\n";
  }
  if (receipt.read_back.ok() && receipt.profile_after && *receipt.profile_after) {
    const std::string state = ProfileStateText((*receipt.profile_after)->profileState);
    document["readBack"] = {{"present", true}, {"state", state}};
    text += "Read back from the card: the profile is " + state + ".\n";
  } else if (receipt.read_back.ok() && receipt.profile_after) {
    document["readBack"] = {{"present", false}};
    text += "Read back from the card: the profile is no longer listed.\n";
  }
  text += NotificationsReceiptText(receipt.notifications, guarded.journal().path());
  if (receipt.notifications.empty() && done) text += "The card made no notification for this change.\n";
  Status status = !receipt.failure.ok()   ? receipt.failure
                  : !receipt.read_back.ok() ? receipt.read_back
                                            : PendingStatus(receipt.notifications, guarded.delivers());
  return out.Finish(document, text, status);
}

int RunChange(const CliContext& context, Output& out, const ChangeOptions& options, StateChange change) {
  auto id = ParseProfileId(options.id);
  if (!id.ok()) return out.Error(InputRejected(id.status()));
  ChangeCommand command;
  command.plan = [&](GuardedSession& guarded) -> Result<ChangePlan> {
    ESIM_ASSIGN_OR_RETURN(ChangePlan plan, PlanProfileChange(guarded.card(), change, *id, options.disable_first,
                                                             options.refresh));
    if (change == StateChange::kDelete) {
      plan.confirmation = [question = DeleteConfirmation(plan, guarded.eid())](const std::vector<JournalEntry>&) {
        return std::optional<ConfirmationRequest>(question);
      };
    }
    return plan;
  };
  command.afterwards = [&](const ChangePlan& plan) { return Afterwards(plan, options.flags); };
  command.receipt = [&](Output& print, GuardedSession& guarded, const ChangePlan& plan, const ChangeReceipt& receipt) {
    return ChangeReceiptOut(print, guarded, plan, receipt, change, *id);
  };
  return RunChangeCommand(context, out, options.flags, command);
}

void AddChangeCommand(CLI::App& profile, CliContext& context, StateChange change, const std::string& help) {
  AddLazySubcommand(profile, StateChangeName(change), help, [&context, change](CLI::App& command) {
    auto options = std::make_shared<ChangeOptions>();
    command.add_option("profile", options->id, "ICCID (18-20 digits) or ISD-P AID (hex)")->required();
    if (change != StateChange::kDelete) {
      // Off by default: a PC/SC reader has no terminal behind it to perform a REFRESH.
      command.add_flag("--refresh", options->refresh, "set refreshFlag (ask the terminal to REFRESH)");
    } else {
      command.add_flag("--disable-first", options->disable_first,
                       "if the profile is enabled, disable it first (both notifications are handled)");
    }
    AddChangeFlags(command, options->flags, change == StateChange::kDelete, true);
    context.run = [&context, options, change](Output& out) { return RunChange(context, out, *options, change); };
  });
}

int RunNickname(const CliContext& context, Output& out, const NicknameOptions& options) {
  auto iccid = ParseIccid(options.iccid);
  if (!iccid.ok()) return out.Error(InputRejected(iccid.status()));
  auto nickname = ParseNickname(options.nickname.value_or(""));
  if (!nickname.ok()) return out.Error(InputRejected(nickname.status()));
  ChangeCommand command;
  command.plan = [&](GuardedSession&) -> Result<ChangePlan> { return PlanNickname(*iccid, *nickname); };
  command.receipt = [&](Output& print, GuardedSession&, const ChangePlan&, const ChangeReceipt& receipt) {
    if (!receipt.failure.ok()) return print.Error(receipt.failure);
    nlohmann::json document = {{"operation", "nickname"},
                               {"iccid", *iccid},
                               {"profileNickname", nickname->empty() ? nlohmann::json(nullptr) : nlohmann::json(*nickname)},
                               {"result", "ok"},
                               {"journalOperationId", receipt.steps.front().operation_id}};
    std::string text = nickname->empty() ? "Nickname of profile " + *iccid + " cleared."
                                         : "Profile " + *iccid + " is now called \"" + *nickname + "\".";
    return print.Finish(document, text, Status::Ok());
  };
  return RunChangeCommand(context, out, options.flags, command);
}

void AddNicknameCommand(CLI::App& profile, CliContext& context) {
  AddLazySubcommand(
      profile, "nickname", "set a profile's nickname (no NAME clears it)",
      [&context](CLI::App& command) {
        auto options = std::make_shared<NicknameOptions>();
        command.add_option("iccid", options->iccid, "the profile's ICCID")->required();
        command.add_option("name", options->nickname, "the new nickname (at most 64 bytes of UTF-8)");
        AddChangeFlags(command, options->flags, false, false);
        context.run = [&context, options](Output& out) { return RunNickname(context, out, *options); };
      });
}

}  // namespace

void RegisterProfileChangeCommands(CLI::App& profile, CliContext& context) {
  AddChangeCommand(profile, context, StateChange::kEnable,
                   "enable a profile (the enabled one, if any, is disabled)");
  AddChangeCommand(profile, context, StateChange::kDisable,
                   "disable a profile (reversible: the line is paused, not removed)");
  AddChangeCommand(profile, context, StateChange::kDelete,
                   "delete a disabled profile (permanent; asks for confirmation)");
  AddNicknameCommand(profile, context);
}

}  // namespace esim

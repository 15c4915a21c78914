// `esimctl profile enable|disable|delete|nickname`: the local profile operations, guarded:
// confirmed when destructive, journaled, their notifications delivered (docs/safety.md).
#include <string>
#include <utility>
#include <vector>

#include "asn1/json.h"
#include "src/cli/cli_context.h"
#include "src/cli/guarded_command.h"
#include "src/cli/lazy_subcommand.h"
#include "src/ops/profile_ops.h"
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

std::string StateText(const std::optional<es10::ProfileState>& state) {
  if (!state) return "unknown";
  return *state == es10::ProfileState::kEnabled ? "enabled" : "disabled";
}

std::string IdOf(const es10::ProfileInfo& info) { return ProfileIdText(ProfileIdOf(info)); }

// "8999... (Contoso Travel 5GB, Contoso)".
std::string Describe(const es10::ProfileInfo& info) {
  std::string names;
  if (info.profileName) names = *info.profileName;
  if (info.serviceProviderName) names += (names.empty() ? "" : ", ") + *info.serviceProviderName;
  return names.empty() ? IdOf(info) : IdOf(info) + " (" + names + ")";
}

Es10Client::ChangeRequest RequestFor(StateChange change, const es10::ProfileInfo& info, bool refresh) {
  switch (change) {
    case StateChange::kEnable: return es10::EnableProfileRequest{ProfileIdOf(info), refresh};
    case StateChange::kDisable: return es10::DisableProfileRequest{ProfileIdOf(info), refresh};
    case StateChange::kDelete: break;
  }
  return es10::DeleteProfileRequest{ProfileIdOf(info)};
}

ConfirmationRequest DeleteConfirmation(const ProfileChangePlan& plan, const std::string& eid) {
  const es10::ProfileInfo& p = plan.target;
  std::string summary = "About to DELETE a profile from the eUICC " + eid + ":\n";
  summary += "  ICCID:     " + p.iccid.value_or("-") + "\n";
  summary += "  Name:      " + p.profileName.value_or("-") + "\n";
  summary += "  Provider:  " + p.serviceProviderName.value_or("-") + "\n";
  summary += "  State:     " + StateText(p.profileState) + "\n";
  if (plan.steps.size() > 1) summary += "It is enabled: it will be disabled first (the line stops now), then deleted.\n";
  summary += "This is PERMANENT: a deleted profile cannot be restored; the carrier must issue a new one.\n";
  const auto& address = plan.notify_addresses.back();
  summary += address ? "The carrier will be notified at " + *address + ".\n"
                     : "The profile names no address to notify of its deletion.\n";
  summary += "To only pause the line, use the reversible 'esimctl profile disable " + IdOf(p) + "' instead.\n";
  return {summary, IccidConfirmationDigits(IdOf(p)),
          "Type the last four digits of the ICCID to delete it: "};
}

// What happens after the commands, for the dry-run plan.
std::string Afterwards(const ProfileChangePlan& plan, const ChangeFlags& flags) {
  std::string addresses;
  for (const auto& a : plan.notify_addresses) {
    if (a && addresses.find(*a) == std::string::npos) addresses += (addresses.empty() ? "" : ", ") + *a;
  }
  std::string text = "read the new notifications and journal them";
  if (addresses.empty()) return text + " (the profile names no notification address for this change)";
  return text + (flags.no_notify ? "; --no-notify: keep them for later delivery to " + addresses
                                 : "; deliver them to " + addresses + "; remove each accepted one from the card");
}

int RunChange(const CliContext& context, Output& out, const ChangeOptions& options, StateChange change) {
  auto id = ParseProfileId(options.id);
  if (!id.ok()) return out.Error(InputRejected(id.status()));
  auto opened = GuardedCommand::Open(context, options.flags);
  if (!opened.ok()) return out.Error(opened.status());
  GuardedCommand& guarded = **opened;
  auto plan = PlanProfileChange(guarded.session(), change, *id, options.disable_first);
  if (!plan.ok()) return out.Error(plan.status());

  if (options.flags.dry_run) {
    std::vector<PlannedStep> steps;
    for (StateChange step : plan->steps) {
      steps.push_back({std::string(StateChangeName(step)) + " profile " + Describe(plan->target) +
                           ", now " + StateText(plan->target.profileState),
                       RequestFor(step, plan->target, change == StateChange::kDelete ? false : options.refresh)});
    }
    auto rendered = RenderDryRun(guarded.session(), steps, Afterwards(*plan, options.flags));
    if (!rendered.ok()) return out.Error(rendered.status());
    rendered->first["operation"] = StateChangeName(change);
    return out.Finish(rendered->first, rendered->second, Status::Ok());
  }
  if (change == StateChange::kDelete) {
    TerminalConfirmer confirmer = TerminalConfirmer::ForProcess(options.flags.yes);
    if (Status s = confirmer.Confirm(DeleteConfirmation(*plan, guarded.eid())); !s.ok()) return out.Error(s);
  }

  if (auto before = HighestSeqBefore(guarded.context()); !before.ok()) return out.Error(before.status());
  auto outcome = ExecuteProfileChange(guarded.context(), *plan, options.refresh);
  if (!outcome.ok()) return out.Error(outcome.status());
  std::vector<JournalEntry> captured;
  for (const auto& step : outcome->steps) captured.insert(captured.end(), step.captured.begin(), step.captured.end());
  auto kept = guarded.Settle(captured);
  if (!kept.ok()) return out.Error(kept.status());

  // The receipt.
  const bool done = outcome->failure.ok();
  nlohmann::json steps = nlohmann::json::array();
  for (const auto& step : outcome->steps) {
    steps.push_back({{"operation", step.operation},
                     {"journalOperationId", step.operation_id},
                     {"result", step.status.ok() ? "ok" : step.status.message()}});
  }
  nlohmann::json document = {{"operation", StateChangeName(change)},
                             {"profile", es10::ToJson(*id)},
                             {"result", done ? "ok" : "failed"},
                             {"steps", steps},
                             {"journal", guarded.journal()->path()},
                             {"notifications", NotificationsReceiptJson(*kept)}};
  std::string text;
  if (done) {
    text = "Profile " + Describe(plan->target) + " " + PastTense(change) + ".";
    if (plan->steps.size() > 1) text = "Profile " + Describe(plan->target) + " disabled, then deleted.";
    if (outcome->last_report && outcome->last_report->verified_by_listing) {
      document["verifiedByListing"] = true;
      text += " (The card did not confirm it; a fresh profile list shows it " + std::string(PastTense(change)) + ".)";
    }
    text += "\n";
  }
  if (outcome->verification.ok() && outcome->read_back) {
    document["readBack"] = {{"present", true}, {"state", StateText(outcome->read_back->profileState)}};
    text += "Read back from the card: the profile is " + StateText(outcome->read_back->profileState) + ".\n";
  } else if (outcome->verification.ok()) {
    document["readBack"] = {{"present", false}};
    text += "Read back from the card: the profile is no longer listed.\n";
  }
  text += NotificationsReceiptText(*kept, guarded.journal()->path());
  if (kept->empty() && done) text += "The card made no notification for this change.\n";
  Status status = !outcome->failure.ok()       ? outcome->failure
                  : !outcome->verification.ok() ? outcome->verification
                                                : PendingStatus(*kept, guarded.notify());
  return out.Finish(document, text, status);
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
  auto opened = GuardedCommand::Open(context, options.flags);
  if (!opened.ok()) return out.Error(opened.status());
  GuardedCommand& guarded = **opened;
  if (options.flags.dry_run) {
    auto rendered = RenderDryRun(guarded.session(),
                                 {{"set the nickname of profile " + *iccid + " to \"" + *nickname + "\"",
                                   es10::SetNicknameRequest{*iccid, *nickname}}},
                                 "");
    if (!rendered.ok()) return out.Error(rendered.status());
    rendered->first["operation"] = "nickname";
    return out.Finish(rendered->first, rendered->second, Status::Ok());
  }
  auto step = RunJournaled(
      guarded.context(), "nickname", *iccid,
      [&] { return SetProfileNickname(guarded.session(), *iccid, *nickname); }, false);
  if (!step.ok()) return out.Error(step.status());
  if (!step->status.ok()) return out.Error(step->status);
  nlohmann::json document = {{"operation", "nickname"},
                             {"iccid", *iccid},
                             {"profileNickname", nickname->empty() ? nlohmann::json(nullptr) : nlohmann::json(*nickname)},
                             {"result", "ok"},
                             {"journalOperationId", step->operation_id}};
  std::string text = nickname->empty() ? "Nickname of profile " + *iccid + " cleared."
                                       : "Profile " + *iccid + " is now called \"" + *nickname + "\".";
  return out.Finish(document, text, Status::Ok());
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

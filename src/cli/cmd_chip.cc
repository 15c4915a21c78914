// `esimctl chip info`: the eUICC's identity, versions, memory and addresses.
#include <string>

#include "asn1/json.h"
#include "src/cli/cli_context.h"
#include "src/cli/format.h"
#include "src/cli/change_command.h"
#include "src/cli/lazy_subcommand.h"
#include "src/safety/change_plans.h"
#include "src/safety/confirmation.h"
#include "src/ops/chip_info.h"
#include "src/validate/input.h"

namespace esim {

namespace {

// A PLMN (3 bytes, 3GPP TS 24.008 coding) as "MCC 001 MNC 01"; a wildcard nibble 'E' (SGP.22
// OperatorId) shows as '*'.
std::string PlmnText(const Bytes& plmn) {
  if (plmn.size() != 3) return ToHex(plmn);
  auto digit = [](uint8_t nibble) -> std::string {
    if (nibble <= 9) return std::string(1, static_cast<char>('0' + nibble));
    if (nibble == 0xE) return "*";
    return nibble == 0xF ? "" : "?";
  };
  const std::string mcc = digit(plmn[0] & 0x0F) + digit(plmn[0] >> 4) + digit(plmn[1] & 0x0F);
  const std::string mnc = digit(plmn[2] & 0x0F) + digit(plmn[2] >> 4) + digit(plmn[1] >> 4);
  return "MCC " + mcc + " MNC " + mnc;
}

// One RAT rule: "ppr1, ppr2 for MCC 001 MNC 01 (consent required)".
std::string RatRuleText(const es10::ProfilePolicyAuthorisationRule& rule) {
  const nlohmann::json names = es10::ToJson(rule);
  std::string text;
  for (const auto& name : names["pprIds"]) text += (text.empty() ? "" : ", ") + name.get<std::string>();
  if (text.empty()) text = "no rule";
  std::string operators;
  for (const es10::OperatorId& op : rule.allowedOperators) {
    operators += (operators.empty() ? "" : "; ") + PlmnText(op.mccMnc);
    if (op.gid1) operators += " GID1 " + ToHex(*op.gid1);
    if (op.gid2) operators += " GID2 " + ToHex(*op.gid2);
  }
  text += " for " + (operators.empty() ? std::string("no operator") : operators);
  for (const auto& flag : names["pprFlags"]) {
    if (flag == "consentRequired") text += " (end-user consent required)";
  }
  return text;
}

nlohmann::json ChipInfoJson(const ChipInfo& info) {
  nlohmann::json resources = nlohmann::json::object();
  if (info.resources.installedApplications) resources["installedApplications"] = *info.resources.installedApplications;
  if (info.resources.freeNonVolatileMemory) resources["freeNonVolatileMemory"] = *info.resources.freeNonVolatileMemory;
  if (info.resources.freeVolatileMemory) resources["freeVolatileMemory"] = *info.resources.freeVolatileMemory;
  nlohmann::json out = {{"eid", info.eid},
                        {"euiccInfo2", es10::ToJson(info.info2)},
                        {"extCardResource", resources},
                        {"configuredAddresses", es10::ToJson(info.addresses)}};
  if (info.rat.ok()) {
    out["rulesAuthorisationTable"] = es10::ToJson(*info.rat)["rat"];
  } else {
    out["rulesAuthorisationTable"] = nullptr;
    out["rulesAuthorisationTableError"] = {{"code", ErrorCodeName(info.rat.status().code())},
                                           {"message", info.rat.status().message()}};
  }
  return out;
}

std::string ChipInfoText(const ChipInfo& info) {
  const es10::EuiccInfo2& i2 = info.info2;
  std::vector<std::vector<std::string>> rows = {
      {"EID", info.eid},
      {"SGP.22 version (SVN)", es10::VersionText(i2.svn)},
      {"Firmware version", es10::VersionText(i2.euiccFirmwareVer)},
      {"Profile package version", es10::VersionText(i2.profileVersion)},
      {"Protection profile version", es10::VersionText(i2.ppVersion)},
  };
  if (info.resources.freeNonVolatileMemory) {
    rows.push_back({"Free non-volatile memory", FormatBytesCount(*info.resources.freeNonVolatileMemory)});
  }
  if (info.resources.freeVolatileMemory) {
    rows.push_back({"Free volatile memory", FormatBytesCount(*info.resources.freeVolatileMemory)});
  }
  if (info.resources.installedApplications) {
    rows.push_back({"Installed applications", std::to_string(*info.resources.installedApplications)});
  }
  if (i2.euiccCategory) rows.push_back({"eUICC category", EuiccCategoryName(*i2.euiccCategory)});
  if (!i2.sasAcreditationNumber.empty()) rows.push_back({"SAS accreditation", i2.sasAcreditationNumber});
  auto add_keys = [&rows](const std::string& label, const std::vector<Bytes>& keys) {
    if (keys.empty()) rows.push_back({label, "(none)"});
    for (size_t i = 0; i < keys.size(); ++i) rows.push_back({i == 0 ? label : "", ToHex(keys[i])});
  };
  add_keys("CI keys for verification", i2.euiccCiPKIdListForVerification);
  add_keys("CI keys for signing", i2.euiccCiPKIdListForSigning);
  rows.push_back({"Default SM-DP+", info.addresses.defaultDpAddress.value_or("(none)")});
  rows.push_back({"Root SM-DS", info.addresses.rootDsAddress.empty() ? "(none)" : info.addresses.rootDsAddress});
  const std::string rat_label = "Rules authorisation (RAT)";
  if (!info.rat.ok()) {
    rows.push_back({rat_label, "(not available: " + info.rat.status().message() + ")"});
  } else if (info.rat->rat.empty()) {
    rows.push_back({rat_label, "(empty: no operator may set profile policy rules)"});
  }
  for (size_t i = 0; info.rat.ok() && i < info.rat->rat.size(); ++i) {
    rows.push_back({i == 0 ? rat_label : "", RatRuleText(info.rat->rat[i])});
  }
  return RenderKeyValue(rows);
}

struct DefaultSmdpOptions {
  std::optional<std::string> address;
  bool clear = false;
  ChangeFlags flags;
};

struct ResetOptions {
  MemoryResetChoice choice;
  ChangeFlags flags;
};

// What a reset with `choice` removes, named profile by profile (the plan's profiles).
std::string ResetSummary(const std::string& eid, const MemoryResetChoice& o, const ChangePlan& plan) {
  std::string summary = "About to RESET the eUICC " + eid + " (eUICCMemoryReset):\n";
  for (const auto& p : plan.profiles) {
    summary += "  delete " + p.iccid.value_or("-") + "  " + p.profileName.value_or("-") + " (" +
               (p.profileState == es10::ProfileState::kEnabled ? "enabled" : "disabled") + ")\n";
  }
  if ((o.operational_profiles || o.test_profiles) && plan.profiles.empty()) {
    summary += "  (no profile of the selected classes is on the card)\n";
  }
  if (o.default_smdp_address) summary += "  clear the default SM-DP+ address\n";
  if (!plan.profiles.empty()) {
    summary += "This is PERMANENT. A memory reset sends the carriers no deletion notification: they\n"
               "will still consider these profiles installed until you tell them.\n";
  }
  return summary;
}

int ResetReceipt(Output& out, GuardedSession& guarded, const MemoryResetChoice& o, const ChangeReceipt& receipt) {
  if (receipt.journal_failed) return out.Error(receipt.failure);
  const JournaledStep& step = receipt.steps.front();
  nlohmann::json document = {{"operation", "reset"},
                             {"resetOptions",
                              {{"deleteOperationalProfiles", o.operational_profiles},
                               {"deleteFieldLoadedTestProfiles", o.test_profiles},
                               {"resetDefaultSmdpAddress", o.default_smdp_address}}},
                             {"result", step.status.ok() ? "ok" : "failed"},
                             {"journalOperationId", step.operation_id},
                             {"notifications", NotificationsReceiptJson(receipt.notifications)}};
  std::string text;
  if (step.status.ok()) {
    std::string done;
    if (o.operational_profiles) done += " operational profiles deleted;";
    if (o.test_profiles) done += " test profiles deleted;";
    if (o.default_smdp_address) done += " default SM-DP+ address reset;";
    done.pop_back();
    text = "Memory reset done:" + done + ".\n";
    // The receipt reports the card as read back, not what the command promised.
    if (receipt.profiles_after) {
      nlohmann::json iccids = nlohmann::json::array();
      for (const auto& p : *receipt.profiles_after) iccids.push_back(p.iccid.value_or(""));
      document["readBack"] = {{"profiles", iccids}};
      const size_t left = receipt.profiles_after->size();
      text += "Read back from the card: " + std::to_string(left) + (left == 1 ? " profile" : " profiles") +
              " left.\n";
    } else {
      text += "Reading the profiles back failed: " + receipt.read_back.message() + "\n";
    }
  }
  text += NotificationsReceiptText(receipt.notifications, guarded.journal().path());
  Status status = !step.status.ok() ? step.status : PendingStatus(receipt.notifications, guarded.delivers());
  return out.Finish(document, text, status);
}

int RunReset(const CliContext& context, Output& out, const ResetOptions& options) {
  const MemoryResetChoice& o = options.choice;
  if (!o.operational_profiles && !o.test_profiles && !o.default_smdp_address) {
    // Which data goes must be stated explicitly: there is no default for a reset.
    return out.Error(Status(ErrorCode::kUsage,
                            "chip reset: say what to reset: --operational, --test and/or "
                            "--default-smdp; nothing was sent to the card"));
  }
  ChangeCommand command;
  command.plan = [&](GuardedSession& guarded) -> Result<ChangePlan> {
    ESIM_ASSIGN_OR_RETURN(ChangePlan plan, PlanMemoryReset(guarded.card(), o));
    ConfirmationRequest question{ResetSummary(guarded.eid(), o, plan), "reset", "Type 'reset' to reset the eUICC: "};
    plan.confirmation = [question](const std::vector<JournalEntry>&) { return std::optional(question); };
    return plan;
  };
  command.dry_run_preface = [&](const GuardedSession& guarded, const ChangePlan& plan) {
    return ResetSummary(guarded.eid(), o, plan);
  };
  command.receipt = [&](Output& print, GuardedSession& guarded, const ChangePlan&, const ChangeReceipt& receipt) {
    return ResetReceipt(print, guarded, o, receipt);
  };
  return RunChangeCommand(context, out, options.flags, command);
}

void AddResetCommand(CLI::App& chip, CliContext& context) {
  AddLazySubcommand(
      chip, "reset", "eUICCMemoryReset: delete profiles and/or reset the default SM-DP+ address (asks first)",
      [&context](CLI::App& reset) {
        auto options = std::make_shared<ResetOptions>();
        MemoryResetChoice& r = options->choice;
        reset.add_flag("--operational", r.operational_profiles, "delete every operational profile");
        reset.add_flag("--test", r.test_profiles, "delete field-loaded test profiles");
        reset.add_flag("--default-smdp", r.default_smdp_address, "reset the default SM-DP+ address");
        AddChangeFlags(reset, options->flags, true, true);
        context.run = [&context, options](Output& out) { return RunReset(context, out, *options); };
      });
}

int ShowDefaultSmdp(const CliContext& context, Output& out) {
  return ShowFromCard(
      context, out, [](CardSession& session) { return session.es10().GetEuiccConfiguredAddresses(); },
      [](const auto& addresses) { return es10::ToJson(addresses); },
      [](const auto& addresses) {
        return RenderKeyValue({{"Default SM-DP+", addresses.defaultDpAddress.value_or("(none)")},
                               {"Root SM-DS", addresses.rootDsAddress}});
      });
}

int SetDefaultSmdpAddress(const CliContext& context, Output& out, const std::string& target,
                          const ChangeFlags& flags) {
  ChangeCommand command;
  command.plan = [&](GuardedSession&) -> Result<ChangePlan> { return PlanDefaultSmdpAddress(target); };
  command.receipt = [&](Output& print, GuardedSession&, const ChangePlan&, const ChangeReceipt& receipt) {
    if (!receipt.failure.ok()) return print.Error(receipt.failure);
    return print.Finish({{"operation", "setDefaultDpAddress"},
                         {"defaultDpAddress", target},
                         {"result", "ok"},
                         {"journalOperationId", receipt.steps.front().operation_id}},
                        target.empty() ? "Default SM-DP+ address cleared."
                                       : "Default SM-DP+ address set to " + target + ".",
                        Status::Ok());
  };
  return RunChangeCommand(context, out, flags, command);
}

void AddDefaultSmdpCommand(CLI::App& chip, CliContext& context) {
  AddLazySubcommand(
      chip, "default-smdp", "show or set the default SM-DP+ address",
      [&context](CLI::App& command) {
        auto options = std::make_shared<DefaultSmdpOptions>();
        command.add_option("address", options->address, "the new address (an FQDN); none: show it");
        command.add_flag("--clear", options->clear, "remove the default SM-DP+ address");
        AddChangeFlags(command, options->flags, false, false);
        context.run = [&context, options](Output& out) {
          if (options->clear && options->address) {
            return out.Error(Status(ErrorCode::kUsage, "default-smdp: give an ADDRESS or --clear, not both"));
          }
          if (!options->clear && !options->address) {
            if (options->flags.dry_run) {
              return out.Error(Status(ErrorCode::kUsage, "default-smdp: --dry-run needs an ADDRESS or --clear"));
            }
            return ShowDefaultSmdp(context, out);
          }
          std::string target;
          if (options->address) {
            auto fqdn = ParseFqdn(*options->address);
            if (!fqdn.ok()) return out.Error(InputRejected(fqdn.status()));
            target = *fqdn;
          }
          return SetDefaultSmdpAddress(context, out, target, options->flags);
        };
      });
}

}  // namespace

void RegisterChipCommands(CLI::App& chip, CliContext& context) {
  chip.require_subcommand(1);
  AddLazySubcommand(
      chip, "info", "show EID, versions, free memory, CI keys and addresses",
      [&context](CLI::App&) {
        context.run = [&context](Output& out) {
          return ShowFromCard(context, out, ReadChipInfo, ChipInfoJson, ChipInfoText);
        };
      });
  AddResetCommand(chip, context);
  AddDefaultSmdpCommand(chip, context);
}

}  // namespace esim

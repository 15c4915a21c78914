// `esimctl chip info`: the eUICC's identity, versions, memory and addresses.
#include <string>

#include "asn1/json.h"
#include "src/cli/cli_context.h"
#include "src/cli/format.h"
#include "src/cli/guarded_command.h"
#include "src/cli/lazy_subcommand.h"
#include "src/ops/profile_list.h"
#include "src/safety/confirmation.h"
#include "src/ops/chip_info.h"
#include "src/ops/chip_ops.h"
#include "src/validate/input.h"

namespace esim {

namespace {

nlohmann::json ChipInfoJson(const ChipInfo& info) {
  nlohmann::json resources = nlohmann::json::object();
  if (info.resources.installedApplications) resources["installedApplications"] = *info.resources.installedApplications;
  if (info.resources.freeNonVolatileMemory) resources["freeNonVolatileMemory"] = *info.resources.freeNonVolatileMemory;
  if (info.resources.freeVolatileMemory) resources["freeVolatileMemory"] = *info.resources.freeVolatileMemory;
  return {{"eid", info.eid},
          {"euiccInfo2", es10::ToJson(info.info2)},
          {"extCardResource", resources},
          {"configuredAddresses", es10::ToJson(info.addresses)}};
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
  return RenderKeyValue(rows);
}

struct DefaultSmdpOptions {
  std::optional<std::string> address;
  bool clear = false;
  ChangeFlags flags;
};

struct ResetOptions {
  es10::EuiccMemoryResetRequest request;
  ChangeFlags flags;
};

// What a reset with `o` removes, named profile by profile (one GetProfilesInfo).
Result<std::string> ResetSummary(CardSession& session, const std::string& eid,
                                 const es10::EuiccMemoryResetRequest& o) {
  ESIM_ASSIGN_OR_RETURN(auto profiles, ListProfiles(session, ListProfilesOptions{}));
  std::string summary = "About to RESET the eUICC " + eid + " (eUICCMemoryReset):\n";
  size_t doomed = 0;
  for (const auto& p : profiles) {
    const auto klass = p.profileClass.value_or(es10::ProfileClass::kOperational);
    const bool goes = (klass == es10::ProfileClass::kOperational && o.deleteOperationalProfiles) ||
                      (klass == es10::ProfileClass::kTest && o.deleteFieldLoadedTestProfiles);
    if (!goes) continue;
    ++doomed;
    summary += "  delete " + p.iccid.value_or("-") + "  " + p.profileName.value_or("-") + " (" +
               (p.profileState == es10::ProfileState::kEnabled ? "enabled" : "disabled") + ")\n";
  }
  if ((o.deleteOperationalProfiles || o.deleteFieldLoadedTestProfiles) && doomed == 0) {
    summary += "  (no profile of the selected classes is on the card)\n";
  }
  if (o.resetDefaultSmdpAddress) summary += "  clear the default SM-DP+ address\n";
  if (doomed > 0) {
    summary += "This is PERMANENT. A memory reset sends the carriers no deletion notification: they\n"
               "will still consider these profiles installed until you tell them.\n";
  }
  return summary;
}

int RunReset(const CliContext& context, Output& out, const ResetOptions& options) {
  const es10::EuiccMemoryResetRequest& o = options.request;
  if (!o.deleteOperationalProfiles && !o.deleteFieldLoadedTestProfiles && !o.resetDefaultSmdpAddress) {
    // Which data goes must be stated explicitly: there is no default for a reset.
    return out.Error(Status(ErrorCode::kUsage,
                            "chip reset: say what to reset: --operational, --test and/or "
                            "--default-smdp; nothing was sent to the card"));
  }
  auto opened = GuardedCommand::Open(context, options.flags);
  if (!opened.ok()) return out.Error(opened.status());
  GuardedCommand& guarded = **opened;
  auto summary = ResetSummary(guarded.session(), guarded.eid(), o);
  if (!summary.ok()) return out.Error(summary.status());
  if (options.flags.dry_run) {
    auto rendered = RenderDryRun(guarded.session(), {{"eUICCMemoryReset", o}}, "");
    if (!rendered.ok()) return out.Error(rendered.status());
    rendered->first["operation"] = "reset";
    return out.Finish(rendered->first, *summary + rendered->second, Status::Ok());
  }
  TerminalConfirmer confirmer = TerminalConfirmer::ForProcess(options.flags.yes);
  if (Status s = confirmer.Confirm({*summary, "reset", "Type 'reset' to reset the eUICC: "}); !s.ok()) {
    return out.Error(s);
  }
  if (auto before = HighestSeqBefore(guarded.context()); !before.ok()) return out.Error(before.status());
  auto step = RunJournaled(guarded.context(), "reset", std::nullopt,
                           [&] { return ResetMemory(guarded.session(), o); });
  if (!step.ok()) return out.Error(step.status());
  auto kept = guarded.Settle(step->captured);
  if (!kept.ok()) return out.Error(kept.status());
  nlohmann::json document = {{"operation", "reset"},
                             {"resetOptions",
                              {{"deleteOperationalProfiles", o.deleteOperationalProfiles},
                               {"deleteFieldLoadedTestProfiles", o.deleteFieldLoadedTestProfiles},
                               {"resetDefaultSmdpAddress", o.resetDefaultSmdpAddress}}},
                             {"result", step->status.ok() ? "ok" : "failed"},
                             {"journalOperationId", step->operation_id},
                             {"notifications", NotificationsReceiptJson(*kept)}};
  std::string text;
  if (step->status.ok()) {
    std::string done;
    if (o.deleteOperationalProfiles) done += " operational profiles deleted;";
    if (o.deleteFieldLoadedTestProfiles) done += " test profiles deleted;";
    if (o.resetDefaultSmdpAddress) done += " default SM-DP+ address reset;";
    done.pop_back();
    text = "Memory reset done:" + done + ".\n";
    // The receipt reports the card as read back, not what the command promised.
    auto left = ListProfiles(guarded.session(), ListProfilesOptions{});
    if (left.ok()) {
      nlohmann::json iccids = nlohmann::json::array();
      for (const auto& p : *left) iccids.push_back(p.iccid.value_or(""));
      document["readBack"] = {{"profiles", iccids}};
      text += "Read back from the card: " + std::to_string(left->size()) +
              (left->size() == 1 ? " profile" : " profiles") + " left.\n";
    } else {
      text += "Reading the profiles back failed: " + left.status().message() + "\n";
    }
  }
  text += NotificationsReceiptText(*kept, guarded.journal()->path());
  Status status = !step->status.ok() ? step->status : PendingStatus(*kept, guarded.notify());
  return out.Finish(document, text, status);
}

void AddResetCommand(CLI::App& chip, CliContext& context) {
  AddLazySubcommand(
      chip, "reset", "eUICCMemoryReset: delete profiles and/or reset the default SM-DP+ address (asks first)",
      [&context](CLI::App& reset) {
        auto options = std::make_shared<ResetOptions>();
        es10::EuiccMemoryResetRequest& r = options->request;
        reset.add_flag("--operational", r.deleteOperationalProfiles, "delete every operational profile");
        reset.add_flag("--test", r.deleteFieldLoadedTestProfiles, "delete field-loaded test profiles");
        reset.add_flag("--default-smdp", r.resetDefaultSmdpAddress, "reset the default SM-DP+ address");
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
  auto opened = GuardedCommand::Open(context, flags);
  if (!opened.ok()) return out.Error(opened.status());
  GuardedCommand& guarded = **opened;
  if (flags.dry_run) {
    auto rendered = RenderDryRun(
        guarded.session(),
        {{target.empty() ? "clear the default SM-DP+ address" : "set the default SM-DP+ address to " + target,
          es10::SetDefaultDpAddressRequest{target}}},
        "");
    if (!rendered.ok()) return out.Error(rendered.status());
    rendered->first["operation"] = "setDefaultDpAddress";
    return out.Finish(rendered->first, rendered->second, Status::Ok());
  }
  auto step = RunJournaled(
      guarded.context(), "default-smdp", std::nullopt,
      [&] { return SetDefaultSmdp(guarded.session(), target); }, false);
  if (!step.ok()) return out.Error(step.status());
  if (!step->status.ok()) return out.Error(step->status);
  return out.Finish({{"operation", "setDefaultDpAddress"},
                     {"defaultDpAddress", target},
                     {"result", "ok"},
                     {"journalOperationId", step->operation_id}},
                    target.empty() ? "Default SM-DP+ address cleared." : "Default SM-DP+ address set to " + target + ".",
                    Status::Ok());
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

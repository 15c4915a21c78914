// `esimctl chip info`: the eUICC's identity, versions, memory and addresses.
#include <string>

#include "asn1/json.h"
#include "src/cli/cli_context.h"
#include "src/cli/format.h"
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
};

void AddResetCommand(CLI::App& chip, CliContext& context) {
  CLI::App* reset = chip.add_subcommand(
      "reset", "eUICCMemoryReset: delete profiles and/or reset the default SM-DP+ address");
  auto options = std::make_shared<es10::EuiccMemoryResetRequest>();
  reset->add_flag("--operational", options->deleteOperationalProfiles, "delete every operational profile");
  reset->add_flag("--test", options->deleteFieldLoadedTestProfiles, "delete field-loaded test profiles");
  reset->add_flag("--default-smdp", options->resetDefaultSmdpAddress, "reset the default SM-DP+ address");
  reset->callback([&context, options] {
    context.run = [&context, options](Output& out) {
      const es10::EuiccMemoryResetRequest& o = *options;
      if (!o.deleteOperationalProfiles && !o.deleteFieldLoadedTestProfiles && !o.resetDefaultSmdpAddress) {
        // Which data goes must be stated explicitly: there is no default for a reset.
        return out.Error(Status(ErrorCode::kUsage,
                                "chip reset: say what to reset: --operational, --test and/or "
                                "--default-smdp; nothing was sent to the card"));
      }
      return RunOnCard(context, out, [&](CardSession& session) -> Status {
        ESIM_RETURN_IF_ERROR(ResetMemory(session, o));
        if (out.json()) {
          out.Json({{"operation", "reset"},
                    {"resetOptions",
                     {{"deleteOperationalProfiles", o.deleteOperationalProfiles},
                      {"deleteFieldLoadedTestProfiles", o.deleteFieldLoadedTestProfiles},
                      {"resetDefaultSmdpAddress", o.resetDefaultSmdpAddress}}},
                    {"result", "ok"}});
        } else {
          std::string done;
          if (o.deleteOperationalProfiles) done += " operational profiles deleted;";
          if (o.deleteFieldLoadedTestProfiles) done += " test profiles deleted;";
          if (o.resetDefaultSmdpAddress) done += " default SM-DP+ address reset;";
          done.pop_back();
          out.Text("Memory reset done:" + done + ".");
        }
        return Status::Ok();
      });
    };
  });
}

void AddDefaultSmdpCommand(CLI::App& chip, CliContext& context) {
  CLI::App* command = chip.add_subcommand("default-smdp", "show or set the default SM-DP+ address");
  auto options = std::make_shared<DefaultSmdpOptions>();
  command->add_option("address", options->address, "the new address (an FQDN); none: show it");
  command->add_flag("--clear", options->clear, "remove the default SM-DP+ address");
  command->callback([&context, options] {
    context.run = [&context, options](Output& out) {
      if (options->clear && options->address) {
        return out.Error(Status(ErrorCode::kUsage, "default-smdp: give an ADDRESS or --clear, not both"));
      }
      std::optional<std::string> target;
      if (options->clear) target = "";
      if (options->address) {
        auto fqdn = ParseFqdn(*options->address);
        if (!fqdn.ok()) return out.Error(InputRejected(fqdn.status()));
        target = *fqdn;
      }
      return RunOnCard(context, out, [&](CardSession& session) -> Status {
        if (!target) {
          ESIM_ASSIGN_OR_RETURN(auto addresses, session.es10().GetEuiccConfiguredAddresses());
          if (out.json()) {
            out.Json(es10::ToJson(addresses));
          } else {
            out.Text(RenderKeyValue({{"Default SM-DP+", addresses.defaultDpAddress.value_or("(none)")},
                                     {"Root SM-DS", addresses.rootDsAddress}}));
          }
          return Status::Ok();
        }
        ESIM_RETURN_IF_ERROR(SetDefaultSmdp(session, *target));
        if (out.json()) {
          out.Json({{"operation", "setDefaultDpAddress"}, {"defaultDpAddress", *target}, {"result", "ok"}});
        } else {
          out.Text(target->empty() ? "Default SM-DP+ address cleared."
                                   : "Default SM-DP+ address set to " + *target + ".");
        }
        return Status::Ok();
      });
    };
  });
}

}  // namespace

void RegisterChipCommands(CLI::App& app, CliContext& context) {
  CLI::App* chip = app.add_subcommand("chip", "the eUICC itself");
  chip->require_subcommand(1);
  CLI::App* info = chip->add_subcommand("info", "show EID, versions, free memory, CI keys and addresses");
  info->callback([&context] {
    context.run = [&context](Output& out) {
      auto session = context.OpenSession();
      if (!session.ok()) return out.Error(session.status());
      auto info_result = ReadChipInfo(**session);
      if (!info_result.ok()) return out.Error(info_result.status());
      if (out.json()) {
        out.Json(ChipInfoJson(*info_result));
      } else {
        out.Text(ChipInfoText(*info_result));
      }
      return 0;
    };
  });
  AddResetCommand(*chip, context);
  AddDefaultSmdpCommand(*chip, context);
}

}  // namespace esim

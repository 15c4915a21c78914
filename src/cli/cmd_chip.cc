// `esimctl chip info`: the eUICC's identity, versions, memory and addresses.
#include <string>

#include "asn1/json.h"
#include "src/cli/cli_context.h"
#include "src/cli/format.h"
#include "src/ops/chip_info.h"

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
}

}  // namespace esim

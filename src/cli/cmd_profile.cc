// `esimctl profile ...`: the profiles on the eUICC.
#include <string>

#include "asn1/json.h"
#include "src/cli/cli_context.h"
#include "src/cli/format.h"
#include "src/cli/lazy_subcommand.h"
#include "src/ops/profile_list.h"

namespace esim {

namespace {

std::string ProfileListText(const std::vector<es10::ProfileInfo>& profiles) {
  if (profiles.empty()) return "No profiles on this eUICC.\n";
  std::vector<std::vector<std::string>> rows;
  for (const auto& p : profiles) {
    rows.push_back({
        p.iccid.value_or("-"),
        p.profileState ? es10::ProfileStateName(*p.profileState) : "-",
        // SGP.22: an absent profileClass means operational.
        es10::ProfileClassName(p.profileClass.value_or(es10::ProfileClass::kOperational)),
        p.serviceProviderName.value_or("-"),
        p.profileName.value_or("-"),
        p.profileNickname.value_or("-"),
    });
  }
  return RenderTable({"ICCID", "STATE", "CLASS", "PROVIDER", "NAME", "NICKNAME"}, rows);
}

nlohmann::json ProfileListJson(const std::vector<es10::ProfileInfo>& profiles) {
  nlohmann::json list = nlohmann::json::array();
  for (const auto& p : profiles) list.push_back(es10::ToJson(p));
  return {{"profiles", list}};
}

}  // namespace

void RegisterProfileCommands(CLI::App& profile, CliContext& context) {
  profile.require_subcommand(1);

  AddLazySubcommand(profile, "list", "list the profiles", [&context](CLI::App& list) {
    auto options = std::make_shared<ListProfilesOptions>();
    list.add_flag("--icons", options->with_icons, "also fetch icons (and every other member)");
    context.run = [&context, options](Output& out) {
      return ShowFromCard(
          context, out, [&](CardSession& session) { return ListProfiles(session, *options); },
          ProfileListJson, ProfileListText);
    };
  });
  RegisterProfileChangeCommands(profile, context);
  RegisterProfileDownloadCommand(profile, context);
  RegisterProfileDiscoverCommand(profile, context);
}

}  // namespace esim

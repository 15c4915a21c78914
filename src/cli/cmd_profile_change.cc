// `esimctl profile enable|disable|delete|nickname`: the local profile operations.
#include <string>

#include "asn1/json.h"
#include "src/cli/cli_context.h"
#include "src/ops/profile_ops.h"
#include "src/validate/input.h"

namespace esim {

namespace {

struct ChangeOptions {
  std::string id;
  bool refresh = false;
};

struct NicknameOptions {
  std::string iccid;
  std::optional<std::string> nickname;
};

const char* ChangeName(StateChange change) {
  switch (change) {
    case StateChange::kEnable: return "enable";
    case StateChange::kDisable: return "disable";
    case StateChange::kDelete: return "delete";
  }
  return "";
}

const char* PastTense(StateChange change) {
  switch (change) {
    case StateChange::kEnable: return "enabled";
    case StateChange::kDisable: return "disabled";
    case StateChange::kDelete: return "deleted";
  }
  return "";
}

void AddChangeCommand(CLI::App& profile, CliContext& context, StateChange change,
                      const std::string& help) {
  CLI::App* command = profile.add_subcommand(ChangeName(change), help);
  auto options = std::make_shared<ChangeOptions>();
  command->add_option("profile", options->id, "ICCID (18-20 digits) or ISD-P AID (hex)")->required();
  if (change != StateChange::kDelete) {
    // Off by default: a PC/SC reader has no terminal behind it to perform a REFRESH.
    command->add_flag("--refresh", options->refresh, "set refreshFlag (ask the terminal to REFRESH)");
  }
  command->callback([&context, options, change] {
    context.run = [&context, options, change](Output& out) {
      auto id = ParseProfileId(options->id);
      if (!id.ok()) return out.Error(InputRejected(id.status()));
      return RunOnCard(context, out, [&](CardSession& session) -> Status {
        ESIM_ASSIGN_OR_RETURN(auto report, ChangeProfileState(session, change, *id, options->refresh));
        if (out.json()) {
          nlohmann::json document = {{"operation", ChangeName(change)},
                                     {"profile", es10::ToJson(*id)},
                                     {"result", "ok"}};
          if (report.verified_by_listing) document["verifiedByListing"] = true;
          out.Json(document);
        } else {
          std::string line = "Profile " + ProfileIdText(*id) + " " + PastTense(change) + ".";
          if (report.verified_by_listing) {
            line += " (The card did not confirm it; a fresh profile list shows it " +
                    std::string(PastTense(change)) + ".)";
          }
          out.Text(line);
        }
        return Status::Ok();
      });
    };
  });
}

void AddNicknameCommand(CLI::App& profile, CliContext& context) {
  CLI::App* command = profile.add_subcommand("nickname", "set a profile's nickname (no NAME clears it)");
  auto options = std::make_shared<NicknameOptions>();
  command->add_option("iccid", options->iccid, "the profile's ICCID")->required();
  command->add_option("name", options->nickname, "the new nickname (at most 64 bytes of UTF-8)");
  command->callback([&context, options] {
    context.run = [&context, options](Output& out) {
      auto iccid = ParseIccid(options->iccid);
      if (!iccid.ok()) return out.Error(InputRejected(iccid.status()));
      auto nickname = ParseNickname(options->nickname.value_or(""));
      if (!nickname.ok()) return out.Error(InputRejected(nickname.status()));
      return RunOnCard(context, out, [&](CardSession& session) -> Status {
        ESIM_RETURN_IF_ERROR(SetProfileNickname(session, *iccid, *nickname));
        if (out.json()) {
          out.Json({{"operation", "nickname"},
                    {"iccid", *iccid},
                    {"profileNickname", nickname->empty() ? nlohmann::json(nullptr) : nlohmann::json(*nickname)},
                    {"result", "ok"}});
        } else if (nickname->empty()) {
          out.Text("Nickname of profile " + *iccid + " cleared.");
        } else {
          out.Text("Profile " + *iccid + " is now called \"" + *nickname + "\".");
        }
        return Status::Ok();
      });
    };
  });
}

}  // namespace

void RegisterProfileChangeCommands(CLI::App& profile, CliContext& context) {
  AddChangeCommand(profile, context, StateChange::kEnable,
                   "enable a profile (the enabled one, if any, is disabled)");
  AddChangeCommand(profile, context, StateChange::kDisable,
                   "disable a profile (reversible: the line is paused, not removed)");
  AddChangeCommand(profile, context, StateChange::kDelete,
                   "delete a disabled profile (permanent)");
  AddNicknameCommand(profile, context);
}

}  // namespace esim

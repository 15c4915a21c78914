// `esimctl notification list|show|remove`: the pending notifications on the eUICC.
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "asn1/json.h"
#include "src/cli/cli_context.h"
#include "src/cli/format.h"
#include "src/ops/notifications.h"
#include "src/validate/input.h"

namespace esim {

namespace {

struct ShowOptions {
  std::string seq;
  bool raw = false;
};

// "install", or "enable,disable" should a card ever set more than one bit.
std::string EventText(const es10::NotificationEvents& events) {
  std::string text;
  for (const auto& name : es10::EventNames(events)) {
    if (!text.empty()) text += ",";
    text += name.get<std::string>();
  }
  return text.empty() ? "-" : text;
}

std::string ListText(const std::vector<NotificationListing>& listing, bool with_names) {
  if (listing.empty()) return "No pending notifications.\n";
  std::vector<std::vector<std::string>> rows;
  for (const auto& n : listing) {
    rows.push_back({std::to_string(n.metadata.seqNumber), EventText(n.metadata.profileManagementOperation),
                    n.metadata.iccid.value_or("-"), n.metadata.notificationAddress});
    if (with_names) rows.back().push_back(n.profile_name.value_or("-"));
  }
  std::vector<std::string> header = {"SEQ", "EVENT", "ICCID", "ADDRESS"};
  if (with_names) header.push_back("PROFILE");
  return RenderTable(header, rows);
}

nlohmann::json ListJson(const std::vector<NotificationListing>& listing) {
  nlohmann::json list = nlohmann::json::array();
  for (const auto& n : listing) {
    nlohmann::json item = es10::ToJson(n.metadata);
    if (n.profile_name) item["profileName"] = *n.profile_name;
    list.push_back(std::move(item));
  }
  return {{"notifications", list}};
}

// {"subject","issuer"}, or {"error"} when the card's certificate does not parse: the rest
// of the notification is still worth showing.
nlohmann::json CertificateJson(const Bytes& der) {
  auto names = ReadCertificateNames(der);
  if (!names.ok()) return {{"error", names.status().message()}};
  return {{"subject", names->subject}, {"issuer", names->issuer}};
}

nlohmann::json ShowJson(const es10::PendingNotification& n, bool raw) {
  const es10::NotificationMetadata& metadata = n.metadata();
  nlohmann::json out = {{"seqNumber", metadata.seqNumber}, {"metadata", es10::ToJson(metadata)}};
  if (const auto* other = std::get_if<es10::OtherSignedNotification>(&n.value)) {
    out["kind"] = "otherSignedNotification";
    out["signature"] = ToHex(other->euiccNotificationSignature);
    out["euiccCertificate"] = CertificateJson(other->euiccCertificate);
    out["eumCertificate"] = CertificateJson(other->eumCertificate);
  } else {
    // A ProfileInstallationResult carries no certificates: the SM-DP+ has them from the download.
    const auto& install = std::get<es10::ProfileInstallationResult>(n.value);
    out["kind"] = "profileInstallationResult";
    out["signature"] = ToHex(install.euiccSignPIR);
    out["profileInstallationResult"] = es10::ToJson(install);
  }
  if (raw) out["pendingNotification"] = Base64(n.der);
  return out;
}

// The text view of `shown` (ShowJson of `n`), one "label value" line each.
std::string ShowText(const es10::PendingNotification& n, const nlohmann::json& shown) {
  const es10::NotificationMetadata& m = n.metadata();
  std::vector<std::vector<std::string>> rows = {
      {"seqNumber", std::to_string(m.seqNumber)},
      {"Event", EventText(m.profileManagementOperation)},
      {"ICCID", m.iccid.value_or("-")},
      {"Notification address", m.notificationAddress},
      {"Kind", shown["kind"].get<std::string>()},
      {"Signature", shown["signature"].get<std::string>()},
  };
  for (const auto& [key, label] : {std::pair{"euiccCertificate", "eUICC certificate"},
                                   std::pair{"eumCertificate", "EUM certificate"}}) {
    if (!shown.contains(key)) continue;
    const nlohmann::json& cert = shown[key];
    if (cert.contains("error")) {
      rows.push_back({label, cert["error"].get<std::string>()});
    } else {
      rows.push_back({std::string(label) + " subject", cert["subject"].get<std::string>()});
      rows.push_back({std::string(label) + " issuer", cert["issuer"].get<std::string>()});
    }
  }
  if (shown.contains("pendingNotification")) {
    rows.push_back({"PendingNotification (base64)", shown["pendingNotification"].get<std::string>()});
  }
  return RenderKeyValue(rows);
}

void AddListCommand(CLI::App& group, CliContext& context) {
  CLI::App* list = group.add_subcommand("list", "list the pending notifications");
  auto with_names = std::make_shared<bool>(false);
  // Off by default: the listing itself is one STORE DATA; names cost a second one.
  list->add_flag("--names", *with_names, "also show each notification's profile name");
  list->callback([&context, with_names] {
    context.run = [&context, with_names](Output& out) {
      return RunOnCard(context, out, [&](CardSession& session) -> Status {
        ESIM_ASSIGN_OR_RETURN(auto listing, ListNotifications(session, *with_names));
        if (out.json()) {
          out.Json(ListJson(listing));
        } else {
          out.Text(ListText(listing, *with_names));
        }
        return Status::Ok();
      });
    };
  });
}

void AddShowCommand(CLI::App& group, CliContext& context) {
  CLI::App* show = group.add_subcommand("show", "show one signed notification, decoded");
  auto options = std::make_shared<ShowOptions>();
  show->add_option("seq", options->seq, "the notification's seqNumber")->required();
  show->add_flag("--raw", options->raw, "also print the PendingNotification DER as base64");
  show->callback([&context, options] {
    context.run = [&context, options](Output& out) {
      auto seq = ParseSeqNumber(options->seq);
      if (!seq.ok()) return out.Error(InputRejected(seq.status()));
      return RunOnCard(context, out, [&](CardSession& session) -> Status {
        ESIM_ASSIGN_OR_RETURN(auto notification, RetrieveNotification(session, *seq));
        nlohmann::json shown = ShowJson(notification, options->raw);
        if (out.json()) {
          out.Json(shown);
        } else {
          out.Text(ShowText(notification, shown));
        }
        return Status::Ok();
      });
    };
  });
}

void AddRemoveCommand(CLI::App& group, CliContext& context) {
  CLI::App* remove = group.add_subcommand("remove", "remove notifications from the eUICC (NotificationSent)");
  auto seqs = std::make_shared<std::vector<std::string>>();
  remove->add_option("seq", *seqs, "the seqNumbers to remove, in order")->required();
  remove->callback([&context, seqs] {
    context.run = [&context, seqs](Output& out) {
      // Every seqNumber is checked before the first APDU: a typo removes nothing.
      std::vector<int64_t> numbers;
      for (const auto& text : *seqs) {
        auto seq = ParseSeqNumber(text);
        if (!seq.ok()) return out.Error(InputRejected(seq.status()));
        numbers.push_back(*seq);
      }
      return RunOnCard(context, out, [&](CardSession& session) -> Status {
        nlohmann::json removed = nlohmann::json::array();
        std::string done;
        for (int64_t seq : numbers) {
          if (Status s = RemoveNotification(session, seq); !s.ok()) {
            // The ones before are gone for good: say so, whatever the output mode.
            return done.empty() ? s : Status(s.code(), s.message() + " (already removed: " + done + ")");
          }
          removed.push_back(seq);
          done += (done.empty() ? "" : ", ") + std::to_string(seq);
          if (!out.json()) out.Text("Notification " + std::to_string(seq) + " removed.");
        }
        if (out.json()) out.Json({{"operation", "remove"}, {"removed", removed}, {"result", "ok"}});
        return Status::Ok();
      });
    };
  });
}

}  // namespace

void RegisterNotificationCommands(CLI::App& app, CliContext& context) {
  CLI::App* group = app.add_subcommand("notification", "the pending notifications on the eUICC");
  group->require_subcommand(1);
  AddListCommand(*group, context);
  AddShowCommand(*group, context);
  AddRemoveCommand(*group, context);
}

}  // namespace esim

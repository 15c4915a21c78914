// `esimctl notification list|show|remove`: the pending notifications on the eUICC.
#include <algorithm>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "asn1/json.h"
#include "common/base64.h"
#include "src/cli/cli_context.h"
#include "src/cli/format.h"
#include "src/cli/change_command.h"
#include "src/cli/lazy_subcommand.h"
#include "src/safety/change_plans.h"
#include "src/safety/confirmation.h"
#include "src/ops/notifications.h"
#include "src/ops/notification_dump.h"
#include "src/cli/notification_dump.h"
#include "src/validate/input.h"

namespace esim {

namespace {

struct ShowOptions {
  std::string seq;
  bool raw = false;
};

// The events for a table cell: "-" when the card set none.
std::string EventCell(const es10::NotificationEvents& events) {
  std::string text = EventText(events);
  return text.empty() ? "-" : text;
}

std::string ListText(const std::vector<NotificationListing>& listing, bool with_names) {
  if (listing.empty()) return "No pending notifications.\n";
  std::vector<std::vector<std::string>> rows;
  for (const auto& n : listing) {
    rows.push_back({std::to_string(n.metadata.seqNumber), EventCell(n.metadata.profileManagementOperation),
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
      {"Event", EventCell(m.profileManagementOperation)},
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
  AddLazySubcommand(group, "list", "list the pending notifications", [&context](CLI::App& list) {
    auto with_names = std::make_shared<bool>(false);
    // Off by default: the listing itself is one STORE DATA; names cost a second one.
    list.add_flag("--names", *with_names, "also show each notification's profile name");
    context.run = [&context, with_names](Output& out) {
      return ShowFromCard(
          context, out, [&](CardSession& session) { return ListNotifications(session, *with_names); },
          ListJson, [&](const auto& listing) { return ListText(listing, *with_names); });
    };
  });
}

void AddShowCommand(CLI::App& group, CliContext& context) {
  AddLazySubcommand(group, "show", "show one signed notification, decoded", [&context](CLI::App& show) {
    auto options = std::make_shared<ShowOptions>();
    show.add_option("seq", options->seq, "the notification's seqNumber")->required();
    show.add_flag("--raw", options->raw, "also print the PendingNotification DER as base64");
    context.run = [&context, options](Output& out) {
      auto seq = ParseSeqNumber(options->seq);
      if (!seq.ok()) return out.Error(InputRejected(seq.status()));
      return ShowFromCard(
          context, out, [&](CardSession& session) { return RetrieveNotification(session, *seq); },
          [&](const auto& notification) { return ShowJson(notification, options->raw); },
          [&](const auto& notification) { return ShowText(notification, ShowJson(notification, options->raw)); });
    };
  });
}

// Every seqNumber is checked before the first APDU: a typo touches nothing.
Result<std::vector<int64_t>> ParseSeqs(const std::vector<std::string>& texts) {
  std::vector<int64_t> numbers;
  for (const auto& text : texts) {
    auto seq = ParseSeqNumber(text);
    if (!seq.ok()) return InputRejected(seq.status());
    numbers.push_back(*seq);
  }
  return numbers;
}

struct SeqOptions {
  std::vector<std::string> seqs;
  bool all = false;
  ChangeFlags flags;
};

// What removing the unaccepted `entries` loses, for the confirmation.
ConfirmationRequest RemoveConfirmation(const std::vector<JournalEntry>& unaccepted, const std::string& path) {
  std::string summary = "These notifications have NOT been accepted by their SM-DP+:\n";
  for (const auto& e : unaccepted) {
    summary += "  " + std::to_string(e.record.seq_number) + "  " + e.record.event + "  " +
               e.record.iccid.value_or("-") + "  -> " + e.record.address + "  (journal entry " +
               std::to_string(e.id) + ")\n";
  }
  summary += "Removing them from the card leaves the journal (" + path +
             ") as their only copy; 'esimctl journal retry' can still deliver them from there.\n"
             "To deliver them first, run 'esimctl notification process' instead.\n";
  return {summary, "remove", "Type 'remove' to remove them from the card: "};
}

// The receipt of a removal: the seqNumbers removed, and on a failure those already gone.
int RemoveReceipt(Output& out, const ChangeReceipt& receipt) {
  nlohmann::json removed = nlohmann::json::array();
  std::string text;
  std::string done;
  for (size_t i = 0; i < receipt.steps.size(); ++i) {
    if (!receipt.steps[i].status.ok()) break;
    const JournalEntry& e = receipt.journaled_first[i];
    const int64_t seq = e.record.seq_number;
    removed.push_back(seq);
    done += (done.empty() ? "" : ", ") + std::to_string(seq);
    text += "Notification " + std::to_string(seq) + " removed" +
            (e.accepted_at_ms ? "" : " (not accepted by its SM-DP+; journal entry " + std::to_string(e.id) + " keeps it)") +
            ".\n";
  }
  Status status = receipt.failure;
  // The ones before are gone for good: say so, whatever the output mode.
  if (!status.ok() && !done.empty()) status = Status(status.code(), status.message() + " (already removed: " + done + ")");
  return out.Finish({{"operation", "remove"}, {"removed", removed}, {"result", status.ok() ? "ok" : "failed"}}, text,
                    status);
}

int RunRemove(const CliContext& context, Output& out, const SeqOptions& options) {
  auto numbers = ParseSeqs(options.seqs);
  if (!numbers.ok()) return out.Error(numbers.status());
  ChangeCommand command;
  command.plan = [&](GuardedSession& guarded) -> Result<ChangePlan> {
    const std::string path = guarded.dry_run() ? std::string() : guarded.journal().path();
    return PlanNotificationRemoval(*numbers, [path](const std::vector<JournalEntry>& unaccepted) {
      return RemoveConfirmation(unaccepted, path);
    });
  };
  command.afterwards = [](const ChangePlan&) { return std::string("journal each notification before it is removed"); };
  command.receipt = [](Output& print, GuardedSession&, const ChangePlan&, const ChangeReceipt& receipt) {
    return RemoveReceipt(print, receipt);
  };
  return RunChangeCommand(context, out, options.flags, command);
}

void AddRemoveCommand(CLI::App& group, CliContext& context) {
  AddLazySubcommand(
      group, "remove",
      "remove notifications from the eUICC (journaled first; asks unless the SM-DP+ accepted them)",
      [&context](CLI::App& remove) {
        auto options = std::make_shared<SeqOptions>();
        remove.add_option("seq", options->seqs, "the seqNumbers to remove, in order")->required();
        AddChangeFlags(remove, options->flags, true, false);
        context.run = [&context, options](Output& out) { return RunRemove(context, out, *options); };
      });
}

int RunProcess(const CliContext& context, Output& out, const SeqOptions& options) {
  if (options.all == !options.seqs.empty()) {
    return out.Error(Status(ErrorCode::kUsage, "notification process: name seqNumbers or --all (not both)"));
  }
  auto numbers = ParseSeqs(options.seqs);
  if (!numbers.ok()) return out.Error(numbers.status());
  ChangeCommand command;
  command.plan = [&](GuardedSession& guarded) { return PlanNotificationProcessing(guarded.card(), *numbers); };
  command.dry_run_preface = [](const GuardedSession&, const ChangePlan&) {
    return std::string("Each notification is journaled, then delivered to its SM-DP+.\n");
  };
  command.receipt = [](Output& print, GuardedSession& guarded, const ChangePlan&, const ChangeReceipt& receipt) {
    const auto& kept = receipt.notifications;
    std::string text = kept.empty() ? "No pending notifications on the card.\n"
                                    : NotificationsReceiptText(kept, guarded.journal().path());
    return print.Finish({{"operation", "process"},
                         {"journal", guarded.journal().path()},
                         {"notifications", NotificationsReceiptJson(kept)}},
                        text, PendingStatus(kept, true));
  };
  return RunChangeCommand(context, out, options.flags, command);
}

void AddProcessCommand(CLI::App& group, CliContext& context) {
  AddLazySubcommand(
      group, "process", "journal, deliver to the SM-DP+ and then remove pending notifications",
      [&context](CLI::App& process) {
        auto options = std::make_shared<SeqOptions>();
        process.add_option("seq", options->seqs, "the seqNumbers to process");
        process.add_flag("--all", options->all, "process every notification on the card");
        AddChangeFlags(process, options->flags, false, false);
        context.run = [&context, options](Output& out) { return RunProcess(context, out, *options); };
      });
}

// ---- notification dump: a copy of the signed notifications, outside the journal -------------

struct DumpOptions {
  std::vector<std::string> seqs;
  bool all = false;
  std::string format = "json";
  std::optional<std::string> output;
};

int RunDump(const CliContext& context, Output& out, const DumpOptions& options) {
  if (options.all == !options.seqs.empty()) {
    return out.Error(Status(ErrorCode::kUsage, "notification dump: name seqNumbers or --all (not both)"));
  }
  if (out.json() && options.format == "base64" && !options.output) {
    return out.Error(Status(ErrorCode::kUsage,
                            "notification dump: --json prints one JSON document; with --format base64 give --output FILE"));
  }
  if (options.output && AllReaders(context)) {
    return out.Error(Status(ErrorCode::kUsage, "notification dump --output: name one reader, not all"));
  }
  auto numbers = ParseSeqs(options.seqs);
  if (!numbers.ok()) return out.Error(numbers.status());
  return RunOnCard(context, out, [&](CardSession& session, Output& print) -> Status {
    ESIM_ASSIGN_OR_RETURN(auto list,
                          options.all ? RetrieveAllNotifications(session) : RetrieveNotifications(session, *numbers));
    const bool json = options.format == "json";
    if (!options.output) {
      if (print.json()) {
        print.Json(NotificationDumpJson(list));
      } else {
        print.Text(json ? NotificationDumpJson(list).dump(2) + "\n" : NotificationDumpBase64(list));
      }
      return Status::Ok();
    }
    ESIM_RETURN_IF_ERROR(WritePrivateFile(
        *options.output, json ? NotificationDumpJson(list).dump(2) + "\n" : NotificationDumpBase64(list)));
    nlohmann::json seqs = nlohmann::json::array();
    for (const auto& n : list) seqs.push_back(n.metadata().seqNumber);
    if (print.json()) {
      print.Json({{"output", *options.output}, {"format", options.format}, {"seqNumbers", seqs}});
    } else {
      print.Text("Wrote " + std::to_string(list.size()) + (list.size() == 1 ? " notification" : " notifications") +
                 " (" + options.format + ", signed DER as the card sent it) to " + *options.output +
                 " (mode 0600).\n");
    }
    return Status::Ok();
  });
}

void AddDumpCommand(CLI::App& group, CliContext& context) {
  AddLazySubcommand(
      group, "dump", "write the signed pending notifications (exact DER) as JSON or base64; read-only",
      [&context](CLI::App& dump) {
        auto options = std::make_shared<DumpOptions>();
        dump.add_option("seq", options->seqs, "the seqNumbers to dump");
        dump.add_flag("--all", options->all, "dump every notification on the card");
        dump.add_option("--format", options->format, "json (default) or base64 (one DER per line)")
            ->check(CLI::IsMember({"json", "base64"}));
        dump.add_option("--output", options->output, "write to FILE (created 0600) instead of stdout");
        context.run = [&context, options](Output& out) { return RunDump(context, out, *options); };
      });
}

}  // namespace

void RegisterNotificationCommands(CLI::App& group, CliContext& context) {
  group.require_subcommand(1);
  AddListCommand(group, context);
  AddShowCommand(group, context);
  AddRemoveCommand(group, context);
  AddProcessCommand(group, context);
  AddDumpCommand(group, context);
}

}  // namespace esim

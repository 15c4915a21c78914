// `esimctl journal list|show|export|retry`: the notification journal, read-only here.
//
// list/show/export only read the journal (opening it creates an empty one, as every command that
// uses it would); they never open a card. `retry` delivers and lives in cmd_journal_retry.cc.
#include <charconv>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <system_error>
#include <vector>

#include "src/cli/cli_context.h"
#include "src/cli/cmd_journal_retry.h"
#include "src/cli/journal_view.h"
#include "src/cli/lazy_subcommand.h"
#include "src/safety/journal_schema.h"

namespace esim {

namespace {

// Opens the journal, runs `body` on it and returns the exit code: 0, or that of the first error
// (reported through `out`). The journal counterpart of RunOnCard.
int RunOnJournal(const CliContext& context, Output& out,
                 const std::function<Status(NotificationJournal&)>& body) {
  auto journal = context.OpenJournal();
  if (!journal.ok()) return out.Error(journal.status());
  Status status = body(**journal);
  return status.ok() ? 0 : out.Error(status);
}

// A journal ID as printed by `journal list`: a positive whole number that fits int64.
Result<int64_t> ParseJournalId(const std::string& text) {
  int64_t id = 0;
  const char* end = text.data() + text.size();
  auto [stop, error] = std::from_chars(text.data(), end, id);
  if (text.empty() || error != std::errc() || stop != end || id <= 0) {
    return Status(ErrorCode::kInvalidInput, "journal ID \"" + text +
                                                "\" is not a positive whole number; esimctl journal list "
                                                "shows the IDs in its first column");
  }
  return id;
}

void AddListCommand(CLI::App& group, CliContext& context) {
  AddLazySubcommand(
      group, "list", "list the journaled notifications and what each is still owed",
      [&context](CLI::App& list) {
        auto pending_only = std::make_shared<bool>(false);
        list.add_flag("--pending", *pending_only,
                       "only notifications not yet both accepted by the SM-DP+ and removed from the card");
        context.run = [&context, pending_only](Output& out) {
          return RunOnJournal(context, out, [&](NotificationJournal& journal) -> Status {
            ESIM_ASSIGN_OR_RETURN(auto entries, journal.List(*pending_only));
            if (out.json()) {
              nlohmann::json notifications = nlohmann::json::array();
              for (const auto& entry : entries) notifications.push_back(NotificationEntryJson(entry, false));
              out.Json({{"journal", journal.path()}, {"notifications", std::move(notifications)}});
            } else if (entries.empty()) {
              out.Text(*pending_only ? "The journal holds no pending notifications."
                                     : "The journal holds no notifications.");
            } else {
              out.Text(NotificationTableText(entries));
            }
            return Status::Ok();
          });
        };
      });
}

void AddShowCommand(CLI::App& group, CliContext& context) {
  AddLazySubcommand(
      group, "show", "show one journaled notification with its delivery attempts",
      [&context](CLI::App& show) {
        auto id_text = std::make_shared<std::string>();
        // A string, not an int64 option: CLI11's own conversion error would be a usage error (exit 2),
        // while a bad ID is bad input (exit 3) like every other argument esimctl checks.
        show.add_option("id", *id_text, "the notification's ID (first column of esimctl journal list)")->required();
        context.run = [&context, id_text](Output& out) {
          // Checked before the journal is opened: a typo creates no journal file.
          auto id = ParseJournalId(*id_text);
          if (!id.ok()) return out.Error(id.status());
          return RunOnJournal(context, out, [&](NotificationJournal& journal) -> Status {
            auto entry = journal.Get(*id);
            if (!entry.ok()) {
              if (entry.status().code() != ErrorCode::kInvalidInput) return entry.status();
              return Status(ErrorCode::kInvalidInput,
                            entry.status().message() + " (" + journal.path() + "); esimctl journal list shows the IDs");
            }
            std::optional<OperationEntry> operation;
            if (entry->record.operation_id) {
              ESIM_ASSIGN_OR_RETURN(operation, journal.GetOperation(*entry->record.operation_id));
            }
            if (out.json()) {
              nlohmann::json shown = NotificationEntryJson(*entry, true);
              shown["operation"] = operation ? OperationEntryJson(*operation) : nlohmann::json(nullptr);
              out.Json(shown);
            } else {
              out.Text(NotificationDetailText(*entry, operation ? &*operation : nullptr));
            }
            return Status::Ok();
          });
        };
      });
}

void AddExportCommand(CLI::App& group, CliContext& context) {
  AddLazySubcommand(
      group, "export", "print the whole journal as one JSON document (DER in base64), with or without --json",
      [&context](CLI::App&) {
        context.run = [&context](Output& out) {
          return RunOnJournal(context, out, [&](NotificationJournal& journal) -> Status {
            // Notifications first: an operation is journaled before its notifications, so every
            // operation a notification names is in the later read even if a writer runs between.
            ESIM_ASSIGN_OR_RETURN(auto entries, journal.List(false));
            ESIM_ASSIGN_OR_RETURN(auto operations, journal.ListOperations());
            nlohmann::json notifications = nlohmann::json::array();
            for (const auto& entry : entries) notifications.push_back(NotificationEntryJson(entry, true));
            nlohmann::json operations_json = nlohmann::json::array();
            for (const auto& operation : operations) operations_json.push_back(OperationEntryJson(operation));
            ESIM_ASSIGN_OR_RETURN(auto downloads, journal.ListDownloads(false));
            nlohmann::json downloads_json = nlohmann::json::array();
            for (const auto& download : downloads) downloads_json.push_back(DownloadEntryJson(download));
            // JSON even without --json: export exists for programs and backups, and a text
            // rendering of DER would serve neither. Errors still follow --json.
            out.Json({{"journal", journal.path()},
                      {"schemaVersion", JournalSchemaVersion()},
                      {"operations", std::move(operations_json)},
                      {"notifications", std::move(notifications)},
                      {"downloads", std::move(downloads_json)}});
            return Status::Ok();
          });
        };
      });
}

}  // namespace

void RegisterJournalCommands(CLI::App& group, CliContext& context) {
  group.require_subcommand(1);
  AddListCommand(group, context);
  AddShowCommand(group, context);
  AddExportCommand(group, context);
  AddJournalRetryCommand(group, context);
}

}  // namespace esim

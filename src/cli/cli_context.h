// CliContext: the global options and shared services every esimctl command uses.
//
// Commands register themselves on the CLI11 app as lazy subcommands
// (lazy_subcommand.h): a command's options are built, and `run` is set to what
// it does, only when the command line chooses it; `run` is called once parsing
// succeeded. Commands open the card through OpenSession() so that reader set-up
// happens once, and only for commands that need a card.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>

#include <CLI/CLI.hpp>

#include "common/status.h"
#include "src/cli/output.h"
#include "src/safety/handle_notification_client.h"
#include "src/safety/notification_journal.h"
#include "src/session/card_session.h"

namespace esim {

struct CliContext {
  // Global options (see docs/cli.md).
  std::string reader;
  std::string aid_hex;
  std::string trace_path;
  bool json = false;
  bool verbose = false;
  bool shared = false;
  std::optional<size_t> block_size;            // --block-size; default: see SessionOptions
  ApduLength apdu_length = ApduLength::kAuto;  // --apdu-length auto|short|extended
  uint32_t baud = 115200;                      // --baud (modems: --reader at:...)
  std::optional<uint32_t> at_timeout_ms;       // --at-timeout SECONDS (modems), in ms
  std::string journal_path;    // --journal; empty = NotificationJournal::DefaultPath()
  DeliveryOptions delivery;    // --ca-file, --connect-to, --notify-timeout, --notify-attempts

  // The command chosen on the command line; returns the exit code.
  std::function<int(Output&)> run;

  // The card session the global options describe; kInvalidInput for a bad --aid.
  Result<SessionOptions> SessionOptionsFor() const;
  // Opens the card session described by the global options.
  Result<std::unique_ptr<CardSession>> OpenSession() const;
  // Opens the notification journal (--journal or the default path); any failure is
  // kJournalUnavailable naming the path.
  Result<std::unique_ptr<NotificationJournal>> OpenJournal() const;
};

// Opens the card session, runs `body` on it (printing through the Output it is given) and
// returns the exit code: 0, or that of the first error (reported through `out`). Commands
// validate their input before this. With `--reader all` (read-only commands only) `body` runs
// on every reader holding a card, in parallel, each on its own connection, and the output is
// grouped per reader (run_on_card.cc).
int RunOnCard(const CliContext& context, Output& out,
              const std::function<Status(CardSession&, Output&)>& body);

// RunOnCard for a command that reads and shows: `read(session)` returns a Result, whose value is
// printed as `to_json(value)` with --json and as `to_text(value)` otherwise.
template <typename Read, typename ToJson, typename ToText>
int ShowFromCard(const CliContext& context, Output& out, Read read, ToJson to_json, ToText to_text) {
  return RunOnCard(context, out, [&](CardSession& session, Output& print) -> Status {
    ESIM_ASSIGN_OR_RETURN(auto value, read(session));
    if (print.json()) {
      print.Json(to_json(value));
    } else {
      print.Text(to_text(value));
    }
    return Status::Ok();
  });
}

// True when --reader names every reader ("all").
bool AllReaders(const CliContext& context);

// `status` (bad user input) with the reassurance that the card was not touched.
Status InputRejected(const Status& status);

// Each of these fills one top-level command that RunCli created (its name and description are
// in app.cc's command table) with its options, subcommands and callbacks. RunCli calls it only
// when that command is on the command line.
void RegisterReadersCommand(CLI::App& readers, CliContext& context);
void RegisterChipCommands(CLI::App& chip, CliContext& context);
void RegisterProfileCommands(CLI::App& profile, CliContext& context);
// Adds enable/disable/delete/nickname under the `profile` command.
void RegisterProfileChangeCommands(CLI::App& profile, CliContext& context);
// Adds `download` under the `profile` command.
void RegisterProfileDownloadCommand(CLI::App& profile, CliContext& context);
// Adds `discover` (ES11 event discovery, src/cli/cmd_profile_discover.cc) under `profile`.
void RegisterProfileDiscoverCommand(CLI::App& profile, CliContext& context);
void RegisterDecodeCommand(CLI::App& decode, CliContext& context);
void RegisterNotificationCommands(CLI::App& notification, CliContext& context);
// `journal list|show|export|retry`.
void RegisterJournalCommands(CLI::App& journal, CliContext& context);

// Parses argv, runs the chosen command and returns the process exit code. Once per process:
// the parse tree is left for the process's exit to reclaim (app.cc says why).
int RunCli(int argc, char** argv);

}  // namespace esim

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <iterator>
#include <iostream>
#include <memory>
#include <string>
#include <utility>

#include "common/bytes.h"
#include "common/data_directory.h"
#include "src/cli/cli_context.h"
#include "src/cli/lazy_subcommand.h"
#include "common/exit_codes.h"
#include "src/safety/guarded_session.h"

#ifndef ESIMCTL_VERSION
#define ESIMCTL_VERSION "0.0.0"
#endif


namespace esim {

Result<SessionOptions> CliContext::SessionOptionsFor() const {
  SessionOptions options;
  options.reader = reader;
  if (!aid_hex.empty()) {
    ESIM_ASSIGN_OR_RETURN(Bytes aid, FromHex(aid_hex));
    options.aid = std::move(aid);
  }
  options.trace_path = trace_path;
  options.apdu_log = verbose ? &std::cerr : nullptr;
  options.shared = shared;
  options.block_size = block_size;
  options.apdu_length = apdu_length;
  options.baud = baud;
  options.at_timeout_ms = at_timeout_ms;
  return options;
}

Result<std::unique_ptr<CardSession>> CliContext::OpenSession() const {
  ESIM_ASSIGN_OR_RETURN(SessionOptions options, SessionOptionsFor());
  return CardSession::Open(options);
}

Result<std::unique_ptr<NotificationJournal>> CliContext::OpenJournal() const {
  return OpenNotificationJournal(journal_path);
}

Status InputRejected(const Status& status) {
  return Status(status.code(), status.message() + "; nothing was sent to the card");
}

namespace {

// Checks global options that CLI11 cannot check by itself, before any card I/O.
Status ValidateGlobalOptions(const CliContext& context) {
  if (!context.aid_hex.empty()) {
    Result<Bytes> aid = FromHex(context.aid_hex);
    if (!aid.ok()) return aid.status().WithContext("--aid");
    if (aid->size() < 5 || aid->size() > 16) {
      return Status(ErrorCode::kInvalidInput, "--aid: an AID is 5 to 16 bytes, got " +
                                                  std::to_string(aid->size()));
    }
  }
  return Status::Ok();
}

// The speeds a serial port can be set to (termios B*): anything else is a typo, refused before
// the port is opened.
constexpr uint32_t kBaudRates[] = {1200,   2400,   4800,    9600,    19200,   38400,   57600,
                                   115200, 230400, 460800,  500000,  576000,  921600,  1000000,
                                   1152000, 1500000, 2000000, 2500000, 3000000, 3500000, 4000000};

std::string CheckBaud(const std::string& text) {
  uint32_t value = 0;
  bool digits = !text.empty() && text.size() <= 8 &&
                text.find_first_not_of("0123456789") == std::string::npos;
  if (digits) value = static_cast<uint32_t>(std::stoul(text));
  if (digits && std::find(std::begin(kBaudRates), std::end(kBaudRates), value) != std::end(kBaudRates)) {
    return "";
  }
  return "not a serial port speed: " + text + " (e.g. 9600, 115200, 460800, 921600)";
}

// --at-timeout: seconds, 0.1 to 600 ("nan" and "inf" included in what is refused).
std::string CheckAtTimeout(const std::string& text) {
  char* end = nullptr;
  const double seconds = std::strtod(text.c_str(), &end);
  const bool number = !text.empty() && end == text.c_str() + text.size() && std::isfinite(seconds);
  if (number && seconds >= 0.1 && seconds <= 600.0) return "";
  return "not a number of seconds from 0.1 to 600: " + text;
}

// The top-level commands, in --help order.
struct TopLevelCommand {
  const char* name;
  const char* description;
  void (*fill)(CLI::App&, CliContext&);
};
constexpr TopLevelCommand kTopLevelCommands[] = {
    {"readers", "list the PC/SC readers and their cards (--modems: the modems' AT ports)", RegisterReadersCommand},
    {"chip", "the eUICC itself", RegisterChipCommands},
    {"profile", "the profiles on the eUICC", RegisterProfileCommands},
    {"notification", "the pending notifications on the eUICC", RegisterNotificationCommands},
    {"decode", "decode an ES10 request or response given in hex", RegisterDecodeCommand},
    {"journal", "the notification journal: what was read from cards and delivered", RegisterJournalCommands},
};

}  // namespace

// The command-line parse tree, kept until the process ends and never torn down: RunCli runs
// once per process, and freeing the tree's thousands of allocations right before exit cost about
// 0.1 ms, 7 % of `esimctl --version` (clang's -disable-free, for the same reason). Held by a
// global with external linkage, so the pointer is really stored and leak checkers (the ASan
// build's LeakSanitizer) see the tree as reachable.
CLI::App* cli_parse_tree = nullptr;

namespace {

CLI::App& NewParseTree(std::string description) {
  cli_parse_tree = std::make_unique<CLI::App>(std::move(description)).release();
  return *cli_parse_tree;
}

}  // namespace

int RunCli(int argc, char** argv) {
  CliContext context;
  CLI::App& app = NewParseTree("esimctl: list and manage the eSIM profiles on an eUICC behind a PC/SC reader or in a modem");
  app.require_subcommand(1);
  // The data directory is looked up only when --version is given (a readlink and a stat or two):
  // it tells which installation answers, and where its CI certificates and demo card come from.
  app.set_version_flag("--version", [] {
    Result<std::string> data = DataDirectory();
    return std::string("esimctl ") + ESIMCTL_VERSION + "\ndata directory: " +
           (data.ok() ? *data : "none (" + data.status().message() + ")");
  });
  app.add_option("-r,--reader", context.reader,
                 "reader: PC/SC name, index or unique substring; at:DEVICE (a modem's AT port, "
                 "e.g. at:/dev/ttyUSB2); at:auto (the only modem with an eUICC); virtual:STATE.json; "
                 "replay:TRACE");
  app.add_option("--aid", context.aid_hex, "ISD-R AID in hex (default: try the known AIDs)");
  app.add_option("--trace", context.trace_path, "record every APDU exchange to FILE");
  app.add_flag("--json", context.json, "print exactly one JSON document on stdout");
  app.add_flag("-v,--verbose", context.verbose, "log APDUs on stderr");
  app.add_flag("--shared", context.shared,
               "share the reader with other programs (work on a logical channel)");
  app.add_option_function<size_t>(
         "--block-size", [&context](size_t size) { context.block_size = size; },
         "STORE DATA block size, 1-65535 (default: a whole request with extended-length APDUs, "
         "else 255; short APDUs cut it to 255)")
      ->check(CLI::Range(1, 65535));
  // IsMember turns any other word into a usage error before the function runs.
  app.add_option_function<std::string>(
         "--apdu-length",
         [&context](const std::string& mode) {
           context.apdu_length = mode == "short"      ? ApduLength::kShort
                                 : mode == "extended" ? ApduLength::kExtended
                                                      : ApduLength::kAuto;
         },
         "auto: extended-length APDUs when reader and card announce them (default); "
         "short: never; extended: always (cards that support them without saying so)")
      ->check(CLI::IsMember({"auto", "short", "extended"}));
  app.add_option_function<std::string>(
         "--baud", [&context](const std::string& text) { context.baud = static_cast<uint32_t>(std::stoul(text)); },
         "modem port speed with --reader at:DEVICE (default 115200; USB modems ignore it)")
      ->type_name("N")
      ->check(CLI::Validator(CheckBaud, "", "baud"));
  app.add_option_function<double>(
         "--at-timeout",
         [&context](double seconds) { context.at_timeout_ms = static_cast<uint32_t>(seconds * 1000); },
         "seconds a modem may take to answer one APDU command (default 30; a profile segment "
         "can take several)")
      ->type_name("SECONDS")
      ->check(CLI::Validator(CheckAtTimeout, "", "seconds"));
  app.add_option("--journal", context.journal_path,
                 "notification journal (default $XDG_STATE_HOME/esimctl/journal.db)");
  app.add_option("--ca-file", context.delivery.ca_files,
                 "PEM file of extra CA certificates trusted for SM-DP+ TLS (repeatable)");
  app.add_flag("--trust-test-ci", context.delivery.trust_test_ci,
               "also trust the GSMA test CIs the card lists for SM-DP+/SM-DS TLS (test servers only)");
  app.add_option("--connect-to", context.delivery.connect_to,
                 "HOST:PORT:CONNECT_HOST:CONNECT_PORT: reach an SM-DP+ elsewhere, TLS still checks HOST "
                 "(repeatable; for test servers)");
  auto* timeout = app.add_option_function<double>(
      "--notify-timeout",
      [&context](double seconds) {
        context.delivery.total_timeout = std::chrono::milliseconds(static_cast<int64_t>(seconds * 1000));
        context.delivery.connect_timeout = std::min(context.delivery.connect_timeout, context.delivery.total_timeout);
      },
      "seconds one delivery attempt may take (default 30)");
  timeout->check(CLI::Range(0.1, 600.0));
  app.add_option("--notify-attempts", context.delivery.max_attempts,
                 "delivery attempts per notification in one run (default 3)")
      ->check(CLI::Range(1, 10));
  // Global options may also follow the command name (esimctl profile list --json).
  app.fallthrough();

  for (const TopLevelCommand& top : kTopLevelCommands) {
    AddLazySubcommand(app, top.name, top.description,
                      [&context, fill = top.fill](CLI::App& command) { fill(command, context); });
  }

  try {
    app.parse(argc, argv);
  } catch (const CLI::Success& e) {
    return app.exit(e);  // --help, --version
  } catch (const CLI::ParseError& e) {
    Output output(std::cout, std::cerr, context.json);
    std::string message = e.what();
    if (!context.json) message += "\nRun 'esimctl --help' for usage.";
    return output.Error(Status(ErrorCode::kUsage, message));
  }

  Output output(std::cout, std::cerr, context.json);
  if (Status s = ValidateGlobalOptions(context); !s.ok()) return output.Error(s);
  if (!context.run) return output.Error(Status(ErrorCode::kUsage, "no command given"));
  return context.run(output);
}

}  // namespace esim

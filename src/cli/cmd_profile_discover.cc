// `esimctl profile discover`: SGP.22 event discovery at the card's root SM-DS (or --smds) over
// ES11 (src/ops/discover.h), and with --download each event downloaded through RunDownload, so
// it gets the same preview, confirmation, journal and receipt as `profile download`.
#include <unistd.h>

#include <iostream>
#include <memory>
#include <optional>
#include <sstream>
#include <string>

#include "common/exit_codes.h"
#include "common/utf8.h"
#include "src/cli/change_command.h"
#include "src/cli/cli_context.h"
#include "src/cli/format.h"
#include "src/cli/lazy_subcommand.h"
#include "src/cli/profile_download.h"
#include "src/safety/es11_https.h"
#include "src/ops/discover.h"
#include "src/safety/guarded_session.h"
#include "src/validate/download_input.h"

namespace esim {
namespace {

struct DiscoverOptions {
  std::optional<std::string> smds;
  std::optional<std::string> imei;
  bool download = false;
  ChangeFlags flags;  // passed to every download
};

// What the discovery found, for the listing.
struct Found {
  std::string smds_address;
  es11::Path path = es11::Path::kEs11;
  std::vector<es11::EventEntry> events;
};

nlohmann::json EventsJson(const Found& found) {
  nlohmann::json events = nlohmann::json::array();
  for (const auto& e : found.events) events.push_back({{"eventId", e.eventId}, {"rspServerAddress", e.rspServerAddress}});
  return {{"smdsAddress", found.smds_address},
          {"path", std::string("/gsma/rsp2/") + es11::PathSegment(found.path) + "/"},
          {"events", events}};
}

std::string EventsText(const Found& found) {
  if (found.events.empty()) return "SM-DS " + found.smds_address + " has no event waiting for this eUICC.\n";
  std::vector<std::vector<std::string>> rows;
  for (const auto& e : found.events) rows.push_back({TerminalText(e.eventId), TerminalText(e.rspServerAddress)});
  std::string text = "SM-DS " + found.smds_address + " has " + std::to_string(found.events.size()) +
                     (found.events.size() == 1 ? " event" : " events") + " waiting for this eUICC:\n";
  return text + RenderTable({"EVENT ID", "SM-DP+"}, rows);
}

// The SM-DS to ask: --smds, else the card's root SM-DS (EuiccConfiguredAddresses rootDsAddress).
Result<std::string> SmdsAddress(CardSession& session, const std::optional<std::string>& given) {
  if (given) return *given;
  ESIM_ASSIGN_OR_RETURN(es10::EuiccConfiguredAddressesResponse addresses,
                        session.es10().GetEuiccConfiguredAddresses());
  if (addresses.rootDsAddress.empty()) {
    return Status(ErrorCode::kInvalidInput, "the card has no root SM-DS address; give --smds ADDRESS");
  }
  Result<std::string> address = ParseSmdpAddress(addresses.rootDsAddress);
  if (!address.ok()) {
    return Status(ErrorCode::kInvalidInput, "the card's root SM-DS address is not usable (" +
                                                address.status().message() + "); give --smds ADDRESS");
  }
  return address;
}

int RunDiscover(const CliContext& context, Output& out, const DiscoverOptions& options) {
  // Everything typed is checked before the card or the network is touched.
  if (AllReaders(context)) {
    return out.Error(InputRejected(Status(ErrorCode::kInvalidInput, "profile discover works on one card; name its reader")));
  }
  DiscoverRequest request;
  std::optional<std::string> smds;
  if (options.smds) {
    Result<std::string> address = ParseSmdpAddress(*options.smds);
    if (!address.ok()) return out.Error(InputRejected(address.status()));
    smds = *address;
  }
  if (options.imei) {
    Result<std::string> imei = ParseImei(*options.imei);
    if (!imei.ok()) return out.Error(InputRejected(imei.status()));
    request.imei = PackImei(*imei);
    request.tac = PackTac(*imei);
  }
  if (options.download && !options.flags.dry_run && !options.flags.yes && isatty(STDIN_FILENO) != 1) {
    return out.Error(Status(ErrorCode::kConfirmationRequired,
                            "each download asks to confirm the offered profile, and there is no terminal to ask on; "
                            "add -y for scripts; nothing was sent"));
  }
  auto https = CreateDeliveryClient(context.delivery);
  if (!https.ok()) return out.Error(InputRejected(https.status()));

  Found found;
  int code = RunOnCard(context, out, [&](CardSession& session, Output&) -> Status {
    ESIM_ASSIGN_OR_RETURN(found.smds_address, SmdsAddress(session, smds));
    Es11Https server(**https, found.smds_address);
    Es10DownloadCard card(session);
    request.smds_address = found.smds_address;
    Result<DiscoverOutcome> outcome = DiscoverEvents(card, server, request);
    found.path = server.path();
    if (!outcome.ok()) return outcome.status();
    found.events = std::move(outcome->events);
    return Status::Ok();
  });
  if (code != 0) return code;
  if (!options.download || found.events.empty()) {
    if (out.json()) {
      out.Json(EventsJson(found));
    } else {
      out.Text(EventsText(found));
    }
    return 0;
  }

  // Each event through the download command itself (its own card session, journal entry,
  // preview and confirmation); the first failure's exit code is the command's, the others
  // still run (a declined or failed event does not hold up the next).
  if (!out.json()) out.Text(EventsText(found));
  nlohmann::json document = EventsJson(found);
  document["downloads"] = nlohmann::json::array();
  int first_failure = 0;
  for (size_t i = 0; i < found.events.size(); ++i) {
    const es11::EventEntry& event = found.events[i];
    DownloadOptions download;
    download.smdp = event.rspServerAddress;
    download.matching_id = event.eventId;
    download.imei = options.imei;
    download.flags = options.flags;
    int result = 0;
    if (out.json()) {
      std::ostringstream captured;
      Output one(captured, std::cerr, true);
      result = RunDownload(context, one, download);
      nlohmann::json answer = nlohmann::json::parse(captured.str(), nullptr, false);
      document["downloads"].push_back({{"eventId", event.eventId},
                                       {"rspServerAddress", event.rspServerAddress},
                                       {"exitCode", result},
                                       {"result", answer}});
    } else {
      out.Text("\nEvent " + std::to_string(i + 1) + " of " + std::to_string(found.events.size()) + ": SM-DP+ " +
               TerminalText(event.rspServerAddress) + "\n");
      result = RunDownload(context, out, download);
    }
    if (first_failure == 0) first_failure = result;
  }
  if (out.json()) out.Json(document);
  return first_failure;
}

}  // namespace

void RegisterProfileDiscoverCommand(CLI::App& profile, CliContext& context) {
  AddLazySubcommand(profile, "discover", "list the events an SM-DS holds for this eUICC (ES11), and download them",
                    [&context](CLI::App& command) {
                      auto options = std::make_shared<DiscoverOptions>();
                      command.add_option("--smds", options->smds,
                                         "SM-DS address HOST[:PORT] (default: the card's root SM-DS)");
                      command.add_flag("--download", options->download,
                                       "download every event found, one by one, as `profile download` does");
                      command.add_option("--imei", options->imei,
                                         "the device's IMEI (15 digits, or 14) sent to the SM-DS and SM-DP+");
                      AddChangeFlags(command, options->flags, /*destructive=*/true, /*notifies=*/true);
                      context.run = [&context, options](Output& out) { return RunDiscover(context, out, *options); };
                    });
}

}  // namespace esim

// `esimctl journal retry`: delivers the journal's undelivered notifications to their SM-DP+.
//
// Kept apart from cmd_journal.cc because, unlike list/show/export, it talks to the network and
// may touch the card; cmd_journal.cc only hooks it into the `journal` group.
#pragma once

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "src/cli/cli_context.h"
#include "src/safety/download_recovery.h"

namespace esim {

// Adds the `retry` subcommand to `group` (the `journal` command group).
void AddJournalRetryCommand(CLI::App& group, CliContext& context);

// A journaled download as the receipts show it (--json): its row, never the matching ID.
nlohmann::json DownloadEntryJson(const DownloadEntry& d);
// The downloads recovery finished or tried: JSON array, and text lines ("" when none).
nlohmann::json RecoveredDownloadsJson(const std::vector<RecoveredDownload>& recovered);
std::string RecoveredDownloadsText(const std::vector<RecoveredDownload>& recovered);

}  // namespace esim

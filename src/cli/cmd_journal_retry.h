// `esimctl journal retry`: delivers the journal's undelivered notifications to their SM-DP+.
//
// Kept apart from cmd_journal.cc because, unlike list/show/export, it talks to the network and
// may touch the card; cmd_journal.cc only hooks it into the `journal` group.
#pragma once

#include <CLI/CLI.hpp>

#include "src/cli/cli_context.h"

namespace esim {

// Adds the `retry` subcommand to `group` (the `journal` command group).
void AddJournalRetryCommand(CLI::App& group, CliContext& context);

}  // namespace esim

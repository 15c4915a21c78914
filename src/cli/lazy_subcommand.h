// Subcommands whose options are built only when the command line uses them.
//
// CLI11 builds every subcommand's App, options and flags up front; for all of esimctl's commands
// that cost more CPU than a short command's own work (docs/performance.md, "Start-up"). A lazy
// subcommand exists at once under its name and description (so name matching and the parent's
// --help listing work), and gets its options and subcommands only when CLI11 reaches it on the
// command line, before it parses the subcommand's own arguments (its --help included). Since only
// the chosen command is ever filled, its fill can record what the command does right away (esimctl
// sets CliContext::run there) instead of in a CLI11 callback.
// Like CLI11 itself: one thread at a time.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>
#include <string>

namespace esim {

// Adds subcommand `name` to `parent`; `fill` completes it when the command line reaches it.
CLI::App* AddLazySubcommand(CLI::App& parent, std::string name, std::string description,
                            std::function<void(CLI::App&)> fill);

}  // namespace esim

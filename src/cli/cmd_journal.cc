// PLACEHOLDER (being written by a helper): `esimctl journal list|show|export|retry`.
#include "src/cli/cli_context.h"

namespace esim {

void RegisterJournalCommands(CLI::App&, CliContext&) {}

}  // namespace esim

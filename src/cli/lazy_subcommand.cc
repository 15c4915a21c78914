#include "src/cli/lazy_subcommand.h"

#include <utility>

namespace esim {

CLI::App* AddLazySubcommand(CLI::App& parent, std::string name, std::string description,
                            std::function<void(CLI::App&)> fill) {
  CLI::App* command = parent.add_subcommand(std::move(name), std::move(description));
  command->preparse_callback([command, fill = std::move(fill)](size_t) { fill(*command); });
  return command;
}

}  // namespace esim

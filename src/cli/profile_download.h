// RunDownload: `esimctl profile download` as a function, so that other commands (profile
// discover --download) run the very same download, preview, confirmation and journal.
#pragma once

#include <optional>
#include <string>

#include "src/cli/change_command.h"
#include "src/cli/cli_context.h"
#include "src/cli/output.h"

namespace esim {

// What the user gave `profile download` (unchecked: RunDownload checks it before anything is sent).
struct DownloadOptions {
  std::optional<std::string> activation_code;
  std::optional<std::string> smdp;
  std::optional<std::string> matching_id;
  std::optional<std::string> confirmation_code;
  std::optional<std::string> imei;
  std::optional<std::string> qr;  // --qr IMAGE: read the activation code from a QR picture
  // --preview: show the offered profile after authenticateClient, cancel the session as
  // postponed (1) so the order stays usable, install nothing, exit 0.
  bool preview = false;
  ChangeFlags flags;
};

// Checks `options`, downloads the profile through the change pipeline and prints the receipt;
// returns the exit code.
int RunDownload(const CliContext& context, Output& out, const DownloadOptions& options);

}  // namespace esim

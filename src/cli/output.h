// Output: how a command's result reaches the user, as text or as one JSON document.
//
// In --json mode exactly one JSON document is printed on stdout, for success
// and failure alike ({"error":{"code":...,"message":...}}); invalid UTF-8 from a
// card becomes U+FFFD. In text mode results go to stdout and errors to stderr,
// with control characters and invalid UTF-8 replaced (common/utf8.h
// TerminalText): a card cannot send escape sequences to the user's terminal.
// Not thread-safe.
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/status.h"

namespace esim {

class Output {
 public:
  Output(std::ostream& out, std::ostream& err, bool json) : out_(out), err_(err), json_(json) {}

  // True when the user asked for --json.
  bool json() const { return json_; }
  // Prints `document` (JSON mode only).
  void Json(const nlohmann::json& document);
  // Prints text lines (text mode only).
  void Text(const std::string& text);
  // Reports `status` (not ok) and returns its exit code.
  int Error(const Status& status);
  // Ends a command that did something, successful or not: prints its receipt (`document` in
  // JSON mode, with "error" added when `status` is not ok; else `text`, then the error on
  // stderr) and returns the exit code of `status`.
  int Finish(nlohmann::json document, const std::string& text, const Status& status);
  // A note on stderr that never disturbs stdout (e.g. warnings); printed in both modes.
  void Note(const std::string& text);

 private:
  std::ostream& out_;
  std::ostream& err_;
  bool json_;
};

// Renders rows as a left-aligned table under `header`, for Output::Text. Widths are measured as
// Text will show the cells (TerminalWidth), so columns stay aligned around replaced bytes.
std::string RenderTable(const std::vector<std::string>& header,
                        const std::vector<std::vector<std::string>>& rows);

}  // namespace esim

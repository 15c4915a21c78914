// ProgressLine: "Loading profile: n/m" on one terminal line, rewritten in place ("\r") as the
// BPP load advances, ended with a newline when it completes or is abandoned.
//
// Shown only where a person watches: the caller enables it when stderr is a terminal and
// --json is off (ShouldShowOnStderr). Not thread-safe; the stream must outlive it.
#pragma once

#include <cstddef>
#include <ostream>
#include <string>
#include <utility>

namespace esim {

class ProgressLine {
 public:
  // Writes to `out` with the prefix `label` (e.g. "Loading profile").
  ProgressLine(std::ostream& out, std::string label) : out_(out), label_(std::move(label)) {}
  ProgressLine(const ProgressLine&) = delete;
  ProgressLine& operator=(const ProgressLine&) = delete;
  // Ends an open line, so that what is printed next starts on a line of its own.
  ~ProgressLine() { End(); }

  // True when progress belongs on stderr: it is a terminal and the output is not --json.
  static bool ShouldShowOnStderr(bool json);

  // Rewrites the line as "<label>: done/total"; ends it when done == total.
  void Update(size_t done, size_t total);
  // Ends the line with a newline if one is open (the load stopped before its end).
  void End();

 private:
  std::ostream& out_;
  std::string label_;
  bool open_ = false;
};

}  // namespace esim

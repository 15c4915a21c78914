#include "src/cli/progress_line.h"

#include <unistd.h>

namespace esim {

bool ProgressLine::ShouldShowOnStderr(bool json) { return !json && isatty(STDERR_FILENO) == 1; }

void ProgressLine::Update(size_t done, size_t total) {
  // "\r" and rewriting the whole line: the numbers only grow, so no old digit is left behind.
  out_ << '\r' << label_ << ": " << done << '/' << total;
  open_ = true;
  if (done >= total) End();
  out_.flush();
}

void ProgressLine::End() {
  if (!open_) return;
  out_ << '\n';
  out_.flush();
  open_ = false;
}

}  // namespace esim

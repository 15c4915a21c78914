// Test knobs of the virtual eUICC's profile download (esimctl-vcard flags and
// VirtualEuicc::Options): refuse a step with a chosen error, answer a chosen BPP segment with a
// 6Fxx or not at all, slow segments. Values; thread-compatible.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "common/status.h"

namespace esim::vcard {

// --download-fail authenticate:N|prepare:N|install:N
struct DownloadFail {
  enum class Step { kAuthenticate, kPrepare, kInstall };
  Step step = Step::kAuthenticate;
  int64_t code = 127;  // the error code (AuthenticateServer/PrepareDownload) or errorReason (BF37)
};

// --bpp-segment-answer K:6Fxx|K:none (K 1-based STORE DATA sequence of the load, or "last").
struct SegmentAnswer {
  uint32_t index = 0;           // 0 = the last sequence (the one that yields BF37)
  std::optional<uint16_t> sw;   // nullopt = "none": executed, but no R-APDU at all
};

// Parse the command-line forms above; kInvalidInput with the reason otherwise.
Result<DownloadFail> ParseDownloadFail(const std::string& text);
Result<SegmentAnswer> ParseSegmentAnswer(const std::string& text);

}  // namespace esim::vcard

// Parsing of the download test knobs (vcard/download_knobs.h).
#include "vcard/download_knobs.h"

#include <charconv>

namespace esim::vcard {
namespace {

std::optional<uint64_t> Number(const std::string& s, int base) {
  uint64_t v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v, base);
  if (ec != std::errc() || end != s.data() + s.size() || s.empty()) return std::nullopt;
  return v;
}

}  // namespace

Result<DownloadFail> ParseDownloadFail(const std::string& text) {
  auto colon = text.find(':');
  Status bad(ErrorCode::kInvalidInput,
             "--download-fail: expected authenticate:N, prepare:N or install:N, got '" + text + "'");
  if (colon == std::string::npos) return bad;
  std::string step = text.substr(0, colon);
  auto code = Number(text.substr(colon + 1), 10);
  if (!code || *code > 255) return bad;
  DownloadFail fail;
  fail.code = static_cast<int64_t>(*code);
  if (step == "authenticate") {
    fail.step = DownloadFail::Step::kAuthenticate;
  } else if (step == "prepare") {
    fail.step = DownloadFail::Step::kPrepare;
  } else if (step == "install") {
    fail.step = DownloadFail::Step::kInstall;
  } else {
    return bad;
  }
  return fail;
}

Result<SegmentAnswer> ParseSegmentAnswer(const std::string& text) {
  auto colon = text.find(':');
  Status bad(ErrorCode::kInvalidInput,
             "--bpp-segment-answer: expected K:6Fxx or K:none (K a number from 1, or last), got '" + text + "'");
  if (colon == std::string::npos) return bad;
  std::string k = text.substr(0, colon);
  std::string answer = text.substr(colon + 1);
  SegmentAnswer out;
  if (k != "last") {
    auto n = Number(k, 10);
    if (!n || *n == 0 || *n > 100000) return bad;
    out.index = static_cast<uint32_t>(*n);
  }
  if (answer == "none") return out;
  if (answer.size() != 4 || (answer.substr(0, 2) != "6F" && answer.substr(0, 2) != "6f")) return bad;
  auto sw = Number(answer, 16);
  if (!sw) return bad;
  out.sw = static_cast<uint16_t>(*sw);
  return out;
}

}  // namespace esim::vcard

#include "src/cli/output.h"

#include <algorithm>
#include <ostream>

#include "asn1/json.h"
#include "common/exit_codes.h"
#include "common/utf8.h"

namespace esim {

void Output::Json(const nlohmann::json& document) {
  out_ << es10::JsonText(document, 2) << "\n";
}

void Output::Text(const std::string& text) {
  // Text mode prints what the card sent (names, addresses) to a terminal.
  out_ << TerminalText(text);
  if (!text.empty() && text.back() != '\n') out_ << "\n";
}

namespace {

nlohmann::json ErrorJson(const Status& status) {
  return {{"code", ErrorCodeName(status.code())}, {"message", status.message()}};
}

}  // namespace

int Output::Error(const Status& status) {
  if (json_) {
    Json({{"error", ErrorJson(status)}});
  } else {
    err_ << "esimctl: " << TerminalText(status.message()) << "\n";
  }
  return ExitCodeFor(status.code());
}

int Output::Finish(nlohmann::json document, const std::string& text, const Status& status) {
  if (!json_) {
    Text(text);
    return status.ok() ? ExitCodeFor(status.code()) : Error(status);
  }
  if (!status.ok()) document["error"] = ErrorJson(status);
  Json(document);
  return ExitCodeFor(status.code());
}

void Output::Note(const std::string& text) { err_ << TerminalText(text) << "\n"; }

std::string RenderTable(const std::vector<std::string>& header,
                        const std::vector<std::vector<std::string>>& rows) {
  std::vector<size_t> widths(header.size(), 0);
  auto measure = [&](const std::vector<std::string>& row) {
    for (size_t i = 0; i < row.size() && i < widths.size(); ++i) {
      widths[i] = std::max(widths[i], TerminalWidth(row[i]));
    }
  };
  measure(header);
  for (const auto& row : rows) measure(row);

  std::string out;
  auto emit = [&](const std::vector<std::string>& row) {
    std::string line;
    for (size_t i = 0; i < row.size() && i < widths.size(); ++i) {
      line += row[i];
      if (i + 1 < row.size()) line.append(widths[i] - TerminalWidth(row[i]) + 2, ' ');
    }
    out += line + "\n";
  };
  emit(header);
  for (const auto& row : rows) emit(row);
  return out;
}

}  // namespace esim

#include "src/cli/journal_view.h"

#include <cinttypes>
#include <cstdio>
#include <ctime>
#include <optional>
#include <utility>

#include "common/base64.h"
#include "src/cli/format.h"
#include "src/cli/output.h"
#include "src/ops/notifications.h"
#include "src/safety/handle_notification_client.h"

namespace esim {

namespace {

template <typename T>
nlohmann::json ValueOrNull(const std::optional<T>& value) {
  return value ? nlohmann::json(*value) : nlohmann::json(nullptr);
}

nlohmann::json TimeOrNull(const std::optional<int64_t>& unix_ms) {
  return unix_ms ? nlohmann::json(FormatTimeMs(*unix_ms)) : nlohmann::json(nullptr);
}

std::string TimeOrDash(const std::optional<int64_t>& unix_ms) {
  return unix_ms ? FormatTimeMs(*unix_ms) : "-";
}

// "7 (enable 8999010010000001018 on reader X, started ..., result 0: ok)": enough to connect a
// notification to the command that produced it without a second lookup.
std::string OperationSummary(const OperationEntry& operation) {
  const OperationRecord& record = operation.record;
  std::string text = std::to_string(operation.id) + " (" + record.operation;
  if (record.iccid) text += " " + *record.iccid;
  text += " on reader " + record.reader + ", started " + FormatTimeMs(record.started_at_ms) + ", ";
  if (operation.result_code) {
    text += "result " + std::to_string(*operation.result_code);
    if (!operation.result_message.empty()) text += ": " + operation.result_message;
  } else {
    // Intent journaled, outcome never: the command was interrupted (or is still running).
    text += "never finished";
  }
  return text + ")";
}

}  // namespace

std::string FormatTimeMs(int64_t unix_ms) {
  // Floor division, so that -1 ms reads 23:59:59.999 of the day before and not ".-01".
  int64_t seconds = unix_ms / 1000;
  int64_t millis = unix_ms % 1000;
  if (millis < 0) {
    millis += 1000;
    seconds -= 1;
  }
  const auto time = static_cast<std::time_t>(seconds);
  std::tm utc{};
  if (gmtime_r(&time, &utc) == nullptr) {
    // Only a year beyond what struct tm holds gets here; the raw number still says what was stored.
    return std::to_string(unix_ms) + " ms since 1970";
  }
  char date[48];
  const size_t length = std::strftime(date, sizeof date, "%Y-%m-%dT%H:%M:%S", &utc);
  char text[64];
  std::snprintf(text, sizeof text, "%.*s.%03" PRId64 "Z", static_cast<int>(length), date, millis);
  return text;
}

nlohmann::json DeliveryAttemptJson(const DeliveryAttempt& attempt) {
  nlohmann::json json = {{"at", FormatTimeMs(attempt.attempted_at_ms)},
                         {"url", attempt.url},
                         {"durationMs", attempt.duration_ms}};
  // The journal guarantees exactly one of the two; show whichever is there rather than assert.
  if (attempt.http_status) json["httpStatus"] = *attempt.http_status;
  if (attempt.transport_error) json["transportError"] = *attempt.transport_error;
  return json;
}

nlohmann::json NotificationEntryJson(const JournalEntry& entry, bool with_der) {
  const NotificationRecord& record = entry.record;
  nlohmann::json attempts = nlohmann::json::array();
  for (const auto& attempt : entry.attempts) attempts.push_back(DeliveryAttemptJson(attempt));
  nlohmann::json json = {
      {"id", entry.id},
      {"eid", record.eid},
      {"seqNumber", record.seq_number},
      {"event", record.event},
      {"iccid", ValueOrNull(record.iccid)},
      {"address", record.address},
      {"readAt", FormatTimeMs(record.read_at_ms)},
      {"operationId", ValueOrNull(record.operation_id)},
      {"state", NotificationStateName(entry.state())},
      {"acceptedAt", TimeOrNull(entry.accepted_at_ms)},
      {"removedFromCardAt", TimeOrNull(entry.removed_at_ms)},
      {"attempts", std::move(attempts)},
  };
  if (with_der) json["pendingNotification"] = Base64(record.der);
  return json;
}

nlohmann::json OperationEntryJson(const OperationEntry& operation) {
  const OperationRecord& record = operation.record;
  const bool finished = operation.finished_at_ms.has_value();
  return {
      {"id", operation.id},
      {"startedAt", FormatTimeMs(record.started_at_ms)},
      {"reader", record.reader},
      {"eid", record.eid},
      {"iccid", ValueOrNull(record.iccid)},
      {"operation", record.operation},
      {"finishedAt", TimeOrNull(operation.finished_at_ms)},
      {"resultCode", ValueOrNull(operation.result_code)},
      // An empty message of a finished operation is still its message; unfinished has none.
      {"resultMessage", finished ? nlohmann::json(operation.result_message) : nlohmann::json(nullptr)},
  };
}

std::string DeliveryAttemptText(const DeliveryAttempt& attempt) {
  return FormatTimeMs(attempt.attempted_at_ms) + " " + attempt.url + ": " + DescribeAttempt(attempt) + " (" +
         std::to_string(attempt.duration_ms) + " ms)";
}

std::string NotificationOwedText(const JournalEntry& entry) {
  switch (entry.state()) {
    case NotificationState::kUndelivered:
      return "Not yet accepted by the SM-DP+; still on the card. Deliver it with: esimctl journal retry";
    case NotificationState::kRemovedUndelivered:
      return "Removed from the card without acceptance: the journal holds the only copy; "
             "esimctl journal retry delivers it";
    case NotificationState::kAcceptedOnCard:
      return "Accepted by the SM-DP+; still on the card: esimctl notification process --all removes it";
    case NotificationState::kDone:
      return "Done: accepted by the SM-DP+ and removed from the card.";
  }
  return "Unknown state.";
}

std::string NotificationTableText(const std::vector<JournalEntry>& entries) {
  std::vector<std::vector<std::string>> rows;
  rows.reserve(entries.size());
  for (const auto& entry : entries) {
    const NotificationRecord& record = entry.record;
    rows.push_back({std::to_string(entry.id), record.eid, std::to_string(record.seq_number), record.event,
                    record.iccid.value_or("-"), record.address, NotificationStateName(entry.state()),
                    std::to_string(entry.attempts.size()),
                    entry.attempts.empty() ? "-" : DescribeAttempt(entry.attempts.back())});
  }
  return RenderTable({"ID", "EID", "SEQ", "EVENT", "ICCID", "ADDRESS", "STATE", "ATTEMPTS", "LAST RESULT"},
                     rows);
}

std::string NotificationDetailText(const JournalEntry& entry, const OperationEntry* operation) {
  const NotificationRecord& record = entry.record;
  std::string operation_text = "-";
  if (operation != nullptr) {
    operation_text = OperationSummary(*operation);
  } else if (record.operation_id) {
    operation_text = std::to_string(*record.operation_id);
  }
  std::vector<std::vector<std::string>> rows = {
      {"ID", std::to_string(entry.id)},
      {"EID", record.eid},
      {"seqNumber", std::to_string(record.seq_number)},
      {"Event", record.event},
      {"ICCID", record.iccid.value_or("-")},
      {"Notification address", record.address},
      {"Read from card at", FormatTimeMs(record.read_at_ms)},
      {"Operation", operation_text},
      {"State", NotificationStateName(entry.state())},
      {"Accepted at", TimeOrDash(entry.accepted_at_ms)},
      {"Removed from card at", TimeOrDash(entry.removed_at_ms)},
      {"PendingNotification", std::to_string(record.der.size()) + " bytes (base64: esimctl --json journal show " +
                                  std::to_string(entry.id) + ")"},
      {"Delivery attempts", entry.attempts.empty() ? "none" : std::to_string(entry.attempts.size())},
  };
  for (size_t i = 0; i < entry.attempts.size(); ++i) {
    rows.push_back({"Attempt " + std::to_string(i + 1), DeliveryAttemptText(entry.attempts[i])});
  }
  return RenderKeyValue(rows) + "\n" + NotificationOwedText(entry) + "\n";
}

}  // namespace esim

// Views of the notification journal for people (text) and programs (JSON).
//
// Shared by `esimctl journal list|show|export` and by the receipts that state-changing commands
// print, so a notification reads the same everywhere. Pure functions of their arguments: no I/O,
// thread-safe. Times are Unix milliseconds in, ISO-8601 UTC with milliseconds out. JSON member
// names are documented in docs/cli.md (`journal`); keep the two in step.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "src/safety/notification_journal.h"

namespace esim {

// "2026-11-24T20:31:02.123Z" (UTC, milliseconds; times before 1970 work too).
std::string FormatTimeMs(int64_t unix_ms);

// {"at","url","httpStatus" | "transportError","durationMs"}: exactly one of the two outcomes.
nlohmann::json DeliveryAttemptJson(const DeliveryAttempt& attempt);

// {"id","eid","seqNumber","event","iccid","address","readAt","operationId","state","acceptedAt",
//  "removedFromCardAt","attempts":[DeliveryAttemptJson...]}; absent values are null. With
// `with_der`, also "pendingNotification": the exact DER the card gave, in base64.
nlohmann::json NotificationEntryJson(const JournalEntry& entry, bool with_der);

// {"id","startedAt","reader","eid","iccid","operation","finishedAt","resultCode","resultMessage"};
// iccid and the last three are null when absent (an unfinished operation has no result).
nlohmann::json OperationEntryJson(const OperationEntry& operation);

// "2026-11-24T20:31:02.123Z https://.../handleNotification: HTTP 500 (1234 ms)": one attempt on
// one line, its outcome worded by DescribeAttempt.
std::string DeliveryAttemptText(const DeliveryAttempt& attempt);

// What is still owed for `entry`, in plain words with the command that does it, e.g.
// "Not yet accepted by the SM-DP+; still on the card. Deliver it with: esimctl journal retry".
std::string NotificationOwedText(const JournalEntry& entry);

// A table with one line per entry: ID, EID, SEQ, EVENT, ICCID, ADDRESS, STATE, ATTEMPTS and
// LAST RESULT (the last attempt's outcome, "-" when never attempted). Callers print their own
// message for an empty list: this always prints the header.
std::string NotificationTableText(const std::vector<JournalEntry>& entries);

// "Label  value" lines for every field of `entry`, one line per delivery attempt, then a blank
// line and NotificationOwedText. With `operation` (the entry's operation, when journaled), its
// kind, time and result are shown too.
std::string NotificationDetailText(const JournalEntry& entry, const OperationEntry* operation = nullptr);

}  // namespace esim

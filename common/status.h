// Status and Result<T>: errors as values, shared by every layer of esimctl.
//
// A Status is either OK or carries an ErrorCode and a human-readable message.
// Result<T> holds either a value or a non-OK Status. Both are plain values:
// copyable, movable, no exceptions. Thread-compatible (no shared state).
#pragma once

#include <cassert>
#include <optional>
#include <string>
#include <utility>
#include <variant>

namespace esim {

// Every failure esimctl can report. The CLI maps each code to a distinct exit
// code (docs/exit-codes.md); keep the two lists in step.
enum class ErrorCode {
  kOk = 0,
  kUsage,              // command line cannot be understood
  kInvalidInput,       // an argument or input file is malformed (bad hex, bad ICCID, ...)
  kNoService,          // pcscd is not running / cannot be reached
  kNoReader,           // no reader is attached at all
  kReaderNotFound,     // --reader names no reader, or names more than one
  kNoCard,             // the reader holds no card
  kCardRemoved,        // the card went away during the command
  kReaderBusy,         // another program holds the reader (sharing violation)
  kReaderError,        // any other PC/SC or transport failure
  kNotEuicc,           // no ISD-R answered: not an eUICC, or wrong --aid
  kCardStatus,         // the card answered an unexpected status word
  kMalformedResponse,  // the card's answer does not decode as the expected message
  kEs10Result,         // the card reported a failure result not listed below
  // SGP.22 result codes the card reports inside a well-formed answer:
  kProfileNotFound,    // iccidOrAidNotFound / iccidNotFound (1)
  kWrongProfileState,  // profileNotInDisabledState / profileNotInEnabledState (2)
  kDisallowedByPolicy, // disallowedByPolicy (3): PPR1/PPR2 forbid it
  kWrongProfileReenabling,  // wrongProfileReenabling (4)
  kCatBusy,            // catBusy (5): the card's toolkit is busy, retry later
  kNothingToDelete,    // nothingToDelete (1 for eUICCMemoryReset / NotificationSent)
  kCardUndefinedError, // undefinedError (127)
  kIo,                 // a local file could not be read or written
  kConfirmationRequired,  // a destructive command without a terminal to confirm on and without --yes
  kNotConfirmed,       // the user did not type the confirmation (or ended input)
  kJournalUnavailable, // the notification journal cannot be opened or written: nothing was sent
  kNotificationPending,  // the card work is done but a notification is not accepted yet (kept)
  // Profile download (ES9+ and the card's download functions):
  kServerUnreachable,      // the SM-DP+ cannot be reached (DNS, TCP, TLS, timeout)
  kServerRefused,          // the SM-DP+ answered Failed (subject/reason codes in the message) or HTTP error
  kServerAnswerInvalid,    // bad JSON/base64, transactionId/serverAddress or metadata mismatch
  kCardRefusedServer,      // AuthenticateServer / PrepareDownload error from the card
  kInstallFailed,          // the card's ProfileInstallationResult reports an error
  kIccidAlreadyInstalled,  // installFailedDueToIccidAlreadyExistsOnEuicc (9)
  kNotEnoughMemory,        // installFailedDueToInsufficientMemoryForProfile (10)
  kConfirmationCodeRequired,  // the SM-DP+ needs a confirmation code and none can be asked for
  kServerNotTrusted,       // the server's TLS certificate chains to no CA/CI trusted for this card (58)
  kInternal,           // a bug in esimctl
};

// Stable machine name of a code, used in --json error output ("no_reader").
const char* ErrorCodeName(ErrorCode code);

class [[nodiscard]] Status {
 public:
  // Constructs OK.
  Status() = default;
  // Constructs an error; `code` must not be kOk.
  Status(ErrorCode code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status Ok() { return Status(); }
  // True iff this is not an error.
  bool ok() const { return code_ == ErrorCode::kOk; }
  ErrorCode code() const { return code_; }
  // The message for a person; empty when ok().
  const std::string& message() const { return message_; }
  // Returns a copy whose message is "context: message" (keeps the code).
  Status WithContext(const std::string& context) const {
    if (ok()) return *this;
    return Status(code_, context + ": " + message_);
  }

 private:
  ErrorCode code_ = ErrorCode::kOk;
  std::string message_;
};

// Either a T or a non-OK Status.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}  // NOLINT(google-explicit-constructor)
  Result(Status status) : v_(std::move(status)) {  // NOLINT(google-explicit-constructor)
    assert(!std::get<Status>(v_).ok());
  }

  // True iff a value is held.
  bool ok() const { return std::holds_alternative<T>(v_); }
  explicit operator bool() const { return ok(); }
  // The error; Status::Ok() when a value is held.
  Status status() const { return ok() ? Status::Ok() : std::get<Status>(v_); }
  // The value; requires ok().
  T& value() & { return std::get<T>(v_); }
  const T& value() const& { return std::get<T>(v_); }
  T&& value() && { return std::get<T>(std::move(v_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

 private:
  std::variant<T, Status> v_;
};

}  // namespace esim

// Returns the Status of `expr` from the enclosing function if it is an error.
#define ESIM_RETURN_IF_ERROR(expr)               \
  do {                                           \
    ::esim::Status esim_status_ = (expr);        \
    if (!esim_status_.ok()) return esim_status_; \
  } while (0)

#define ESIM_CONCAT_INNER(a, b) a##b
#define ESIM_CONCAT(a, b) ESIM_CONCAT_INNER(a, b)
// Declares `lhs` from the value of Result-returning `expr`, or returns its error.
#define ESIM_ASSIGN_OR_RETURN(lhs, expr) \
  ESIM_ASSIGN_OR_RETURN_IMPL(ESIM_CONCAT(esim_result_, __LINE__), lhs, expr)
#define ESIM_ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                               \
  if (!tmp.ok()) return tmp.status();              \
  lhs = std::move(tmp).value()

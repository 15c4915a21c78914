// NotificationJournal: the on-disk record that keeps eUICC notifications from
// being lost between the card and the SM-DP+.
//
// A notification read from the card is committed here (with its exact DER)
// before it is delivered, and NotificationSent is only sent to the card after
// the SM-DP+'s acceptance has been committed here too. So a crash or a kill at
// any point leaves every notification either on the card or in the journal as
// not yet accepted. The journal also records every state-changing operation
// (intent first, result after) and every delivery attempt.
//
// Storage: one SQLite database (WAL, synchronous=FULL, foreign keys on), file
// 0600 in directories created 0700. Schema in journal_schema.h; docs/safety.md.
//
// Errors are values: any failure to read or write the file is kIo with a
// message naming the path (SQLITE_FULL reads "database or disk is full").
//
// Threading: one SQLite connection per object. Not thread-safe: use an object
// from one thread at a time. Several processes may open the same file (SQLite
// locking, busy_timeout). Times are Unix milliseconds supplied by the caller.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/bytes.h"
#include "common/status.h"

struct sqlite3;

namespace esim {

// A state-changing operation as journaled before its command is sent.
struct OperationRecord {
  int64_t started_at_ms = 0;
  std::string reader;               // PC/SC reader name (or "virtual", "replay:...")
  std::string eid;                  // 32 decimal digits
  std::optional<std::string> iccid; // the profile it targets, if any
  std::string operation;            // e.g. "enable", "disable", "delete", "nickname"
};

// A journaled operation with its outcome (absent until FinishOperation).
struct OperationEntry {
  int64_t id = 0;
  OperationRecord record;
  std::optional<int64_t> finished_at_ms;
  std::optional<int64_t> result_code;  // ES10 result code (0 = ok), or esimctl's own
  std::string result_message;
};

// One notification as read from the card.
struct NotificationRecord {
  std::string eid;
  int64_t seq_number = 0;
  std::string event;                // "install", "enable", "disable" or "delete"
  std::optional<std::string> iccid;
  std::string address;              // notificationAddress (SM-DP+ FQDN)
  Bytes der;                        // the exact PendingNotification bytes
  int64_t read_at_ms = 0;
  std::optional<int64_t> operation_id;  // the operation that produced it, if journaled
};

// One attempt to hand a notification to the SM-DP+: exactly one of
// http_status and transport_error is set.
struct DeliveryAttempt {
  int64_t attempted_at_ms = 0;
  std::string url;
  std::optional<int64_t> http_status;
  std::optional<std::string> transport_error;
  int64_t duration_ms = 0;
  bool operator==(const DeliveryAttempt&) const = default;
};

// Where a journaled notification stands.
enum class NotificationState {
  kUndelivered,           // not accepted yet; still on the card
  kRemovedUndelivered,    // removed from the card but never accepted: the journal holds the only copy
  kAcceptedOnCard,        // accepted by the SM-DP+, NotificationSent not yet done on the card
  kDone,                  // accepted and removed from the card
};

// A journaled notification with its history.
struct JournalEntry {
  int64_t id = 0;
  NotificationRecord record;
  std::optional<int64_t> accepted_at_ms;
  std::optional<int64_t> removed_at_ms;
  std::vector<DeliveryAttempt> attempts;  // oldest first

  // The state derived from accepted_at_ms and removed_at_ms.
  NotificationState state() const;
  // True unless kDone: something is still to do (deliver, or remove from the card).
  bool pending() const { return state() != NotificationState::kDone; }
};

// The durability settings in force on a journal's connection, as SQLite reports them.
struct JournalPragmas {
  std::string journal_mode;   // "wal"
  int64_t synchronous = 0;    // 2 = FULL
  bool foreign_keys = false;
  int64_t busy_timeout_ms = 0;
};

// A profile download as journaled step by step (table `downloads`, keyed by its operation).
struct DownloadEntry {
  int64_t operation_id = 0;
  std::string smdp_address;
  std::optional<std::string> matching_id_sha256;  // lower-case hex; never the matching ID itself
  std::optional<std::string> transaction_id;      // hex, once AuthenticateServer opened the session
  std::optional<std::string> iccid;               // from the profile's metadata
  std::optional<std::string> provider_name;
  std::optional<std::string> profile_name;
  std::string step;                               // "started", "authenticated", ..., "loading 3/18", "loaded"
  int64_t updated_at_ms = 0;
  std::optional<int64_t> cancel_reason;           // the CancelSession reason sent, if any
  std::optional<std::string> card_cancel_answer;  // what the card said to CancelSession
  std::optional<std::string> server_cancel_answer;  // what the SM-DP+ said to cancelSession
  std::optional<std::string> result;              // the final outcome in words
  std::optional<int64_t> finished_at_ms;          // set once nothing is left to do
  bool finished() const { return finished_at_ms.has_value(); }
};

// Changes to a download row: each set member replaces the column, unset ones are kept.
struct DownloadUpdate {
  std::optional<std::string> step;
  std::optional<std::string> transaction_id;
  std::optional<std::string> iccid;
  std::optional<std::string> provider_name;
  std::optional<std::string> profile_name;
  std::optional<int64_t> cancel_reason;
  std::optional<std::string> card_cancel_answer;
  std::optional<std::string> server_cancel_answer;
  std::optional<std::string> result;
};

// Stable lower-case name of a state ("undelivered", "removed_undelivered", ...).
const char* NotificationStateName(NotificationState state);

class NotificationJournal {
 private:
  struct Key {};  // lets Open() use make_unique with a constructor nobody else can call

 public:
  // $XDG_STATE_HOME/esimctl/journal.db (XDG_STATE_HOME only if absolute), else
  // $HOME/.local/state/esimctl/journal.db (HOME from the password database if unset);
  // kInvalidInput when no home directory can be found.
  static Result<std::string> DefaultPath();

  // Opens or creates the journal at `path`: missing parent directories are created 0700, the
  // file 0600 (umask-independent; -wal/-shm get the same), then WAL/FULL/foreign keys are set and
  // migrations applied. kIo names the path on any failure, including a schema newer than known.
  static Result<std::unique_ptr<NotificationJournal>> Open(const std::string& path);

  NotificationJournal(Key, std::string path, sqlite3* db);
  ~NotificationJournal();
  NotificationJournal(const NotificationJournal&) = delete;
  NotificationJournal& operator=(const NotificationJournal&) = delete;

  // The path this journal was opened from.
  const std::string& path() const { return path_; }

  // Commits a real write (and rolls nothing back) to prove the journal can take the next commit;
  // call before touching the card. kIo on a full disk or unwritable file.
  Status CheckWritable();

  // Commits the intent of a state-changing operation; returns its id.
  Result<int64_t> BeginOperation(const OperationRecord& op);
  // Commits the outcome of operation `id` (once: a second call is kInvalidInput).
  Status FinishOperation(int64_t id, int64_t result_code, const std::string& message,
                         int64_t finished_at_ms);
  // The journaled operation `id`; kInvalidInput if there is none.
  Result<OperationEntry> GetOperation(int64_t id);

  // Commits a notification read from the card; returns its id. Idempotent on (eid, seq_number):
  // the same notification again returns the first id and keeps the first record; different DER
  // under the same key is kInvalidInput and changes nothing.
  Result<int64_t> RecordNotification(const NotificationRecord& n);
  // Commits one delivery attempt of notification `notification_id` (kInvalidInput if unknown or
  // if not exactly one of http_status / transport_error is set).
  Status RecordDeliveryAttempt(int64_t notification_id, const DeliveryAttempt& attempt);
  // Commits the SM-DP+'s acceptance of notification `id`; a repeat keeps the first time.
  Status MarkAccepted(int64_t id, int64_t accepted_at_ms);
  // Commits that notification `id` is gone from the card; a repeat keeps the first time.
  Status MarkRemovedFromCard(int64_t id, int64_t removed_at_ms);

  // All notifications (pending_only: those not kDone), by id, from one consistent snapshot.
  Result<std::vector<JournalEntry>> List(bool pending_only);
  // Notification `id` with its attempts; kInvalidInput if there is none.
  Result<JournalEntry> Get(int64_t id);
  // Reads back journal_mode, synchronous, foreign_keys and busy_timeout from this connection.
  Result<JournalPragmas> Pragmas();
  // Notification (eid, seq_number) with its attempts, or nullopt when it is not journaled.
  Result<std::optional<JournalEntry>> Find(const std::string& eid, int64_t seq_number);
  // All journaled operations, by id.
  Result<std::vector<OperationEntry>> ListOperations();
  // The highest seqNumber journaled for `eid`, or -1 when there is none.
  Result<int64_t> HighestSeqNumber(const std::string& eid);

  // Downloads (download_journal.cc). Each call is one committed transaction.
  // Commits the start of the download of operation `operation_id` (step "started"); kInvalidInput
  // when the operation is unknown or already has a download.
  Status BeginDownload(int64_t operation_id, const std::string& smdp_address,
                       const std::optional<std::string>& matching_id_sha256, int64_t at_ms);
  // Commits `update` to download `operation_id` (kInvalidInput if there is none or it is finished).
  Status UpdateDownload(int64_t operation_id, const DownloadUpdate& update, int64_t at_ms);
  // Commits `update` and marks download `operation_id` finished (once: kInvalidInput after).
  Status FinishDownload(int64_t operation_id, const DownloadUpdate& update, int64_t at_ms);
  // Download `operation_id`, or nullopt when that operation has none.
  Result<std::optional<DownloadEntry>> GetDownload(int64_t operation_id);
  // All downloads (unfinished_only: those not finished), by operation id.
  Result<std::vector<DownloadEntry>> ListDownloads(bool unfinished_only);

 private:
  // Runs `update_sql` (binding ?1 = id, ?2 = at_ms) in a write transaction after checking
  // the notification exists; the SQL's "IS NULL" guard keeps the first time recorded.
  Status SetTimeOnce(int64_t id, const char* update_sql, int64_t at_ms);

  struct DbCloser {
    void operator()(sqlite3* db) const;
  };

  std::string path_;
  std::unique_ptr<sqlite3, DbCloser> db_;
};

}  // namespace esim

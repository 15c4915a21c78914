#include "src/safety/notification_journal.h"

#include <sqlite3.h>

#include <fcntl.h>

#include <functional>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <string_view>
#include <utility>

#include "src/safety/journal_schema.h"
#include "src/safety/sqlite_library.h"
#include "src/safety/sqlite_statement.h"

namespace esim {
namespace {

constexpr int kBusyTimeoutMs = 5000;

std::string ErrnoText(int err) { return std::string(std::strerror(err)); }

Status NotFound(const std::string& what, int64_t id) {
  return Status(ErrorCode::kInvalidInput,
                "the notification journal has no " + what + " with id " + std::to_string(id));
}

// mkdir -p with 0700 for every directory it creates; existing ones are left as they are.
Status MakeParentDirs(const std::string& path) {
  std::string::size_type slash = path.find_last_of('/');
  if (slash == std::string::npos || slash == 0) return Status::Ok();
  std::string dir = path.substr(0, slash);
  for (std::string::size_type pos = 1; pos <= dir.size(); ++pos) {
    if (pos != dir.size() && dir[pos] != '/') continue;
    std::string prefix = dir.substr(0, pos);
    if (::mkdir(prefix.c_str(), 0700) == 0) {
      // mkdir's mode is masked by the umask; chmod makes 0700 exact.
      if (::chmod(prefix.c_str(), 0700) != 0) {
        return JournalIoError(path, "cannot set permissions on " + prefix + ": " + ErrnoText(errno));
      }
      continue;
    }
    int err = errno;
    struct stat st{};
    if (err == EEXIST && ::stat(prefix.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) continue;
    return JournalIoError(path, "cannot create directory " + prefix + ": " +
                             ErrnoText(err == EEXIST ? ENOTDIR : err));
  }
  return Status::Ok();
}

// Creates the file 0600 (or tightens an existing one to 0600) before SQLite touches it, so the
// database never exists with umask-derived permissions. The descriptor is closed before SQLite
// opens the file: closing a second descriptor later would drop SQLite's POSIX locks.
Status CreateFile(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) return JournalIoError(path, "cannot open for writing: " + ErrnoText(errno));
  struct stat st{};
  Status status;
  if (::fstat(fd, &st) != 0) {
    status = JournalIoError(path, "cannot stat: " + ErrnoText(errno));
  } else if (!S_ISREG(st.st_mode)) {
    status = JournalIoError(path, "not a regular file");
  } else if ((st.st_mode & 07777) != 0600 && ::fchmod(fd, 0600) != 0) {
    status = JournalIoError(path, "cannot set permissions to 0600: " + ErrnoText(errno));
  }
  ::close(fd);
  return status;
}

// SQLite creates -wal and -shm with the database file's mode; this re-asserts 0600 in case a
// file was left behind by something else.
Status TightenSideFiles(const std::string& path) {
  for (const char* suffix : {"-wal", "-shm"}) {
    std::string side = path + suffix;
    struct stat st{};
    if (::lstat(side.c_str(), &st) != 0) continue;  // not there (yet): SQLite will create it 0600
    if ((st.st_mode & 07777) != 0600 && ::chmod(side.c_str(), 0600) != 0) {
      return JournalIoError(path, "cannot set permissions on " + side + ": " + ErrnoText(errno));
    }
  }
  return Status::Ok();
}

Result<std::string> PragmaText(const std::string& path, sqlite3* db, std::string_view sql) {
  ESIM_ASSIGN_OR_RETURN(SqlStatement stmt, SqlStatement::Prepare(path, db, sql));
  ESIM_ASSIGN_OR_RETURN(bool row, stmt.Step());
  if (!row) return JournalIoError(path, "\"" + std::string(sql) + "\" returned nothing");
  return stmt.Text(0);
}

Result<int64_t> UserVersion(const std::string& path, sqlite3* db) {
  ESIM_ASSIGN_OR_RETURN(SqlStatement stmt, SqlStatement::Prepare(path, db, "PRAGMA user_version"));
  ESIM_ASSIGN_OR_RETURN(bool row, stmt.Step());
  if (!row) return JournalIoError(path, "PRAGMA user_version returned nothing");
  return stmt.Int(0);
}

Status TooNew(const std::string& path, int64_t version) {
  return JournalIoError(path, "schema version " + std::to_string(version) +
                           " is newer than this esimctl knows (" +
                           std::to_string(JournalSchemaVersion()) +
                           "); refusing to use or downgrade it: use a newer esimctl");
}

Status Migrate(const std::string& path, sqlite3* db) {
  ESIM_ASSIGN_OR_RETURN(int64_t version, UserVersion(path, db));
  if (version > JournalSchemaVersion()) return TooNew(path, version);
  for (const JournalMigration& m : JournalMigrations()) {
    if (m.version <= version) continue;
    ESIM_ASSIGN_OR_RETURN(SqlTransaction tx, SqlTransaction::Begin(path, db, /*write=*/true));
    // Re-read under the write lock: another process may have migrated meanwhile.
    ESIM_ASSIGN_OR_RETURN(int64_t now, UserVersion(path, db));
    if (now > JournalSchemaVersion()) return TooNew(path, now);
    if (now >= m.version) {
      version = now;
      continue;
    }
    ESIM_RETURN_IF_ERROR(SqlExec(path, db, m.sql).WithContext("migration to version " +
                                                            std::to_string(m.version)));
    std::string bump = "PRAGMA user_version = " + std::to_string(m.version);
    ESIM_RETURN_IF_ERROR(SqlExec(path, db, bump.c_str()));
    ESIM_RETURN_IF_ERROR(tx.Commit());
    version = m.version;
  }
  return Status::Ok();
}

constexpr char kSelectNotification[] =
    "SELECT id, eid, seq_number, event, iccid, address, der, read_at_ms, operation_id, "
    "accepted_at_ms, removed_at_ms FROM notifications";

JournalEntry EntryFromRow(const SqlStatement& s) {
  JournalEntry e;
  e.id = s.Int(0);
  e.record.eid = s.Text(1);
  e.record.seq_number = s.Int(2);
  e.record.event = s.Text(3);
  e.record.iccid = s.OptText(4);
  e.record.address = s.Text(5);
  e.record.der = s.Blob(6);
  e.record.read_at_ms = s.Int(7);
  e.record.operation_id = s.OptInt(8);
  e.accepted_at_ms = s.OptInt(9);
  e.removed_at_ms = s.OptInt(10);
  return e;
}

Status LoadAttempts(const std::string& path, sqlite3* db, JournalEntry& e) {
  ESIM_ASSIGN_OR_RETURN(
      SqlStatement s, SqlStatement::Prepare(path, db,
                            "SELECT attempted_at_ms, url, http_status, transport_error, duration_ms "
                            "FROM delivery_attempts WHERE notification_id = ?1 ORDER BY id"));
  s.Bind(1, e.id);
  for (;;) {
    ESIM_ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) break;
    e.attempts.push_back(DeliveryAttempt{s.Int(0), s.Text(1), s.OptInt(2), s.OptText(3), s.Int(4)});
  }
  return Status::Ok();
}

// The operation columns started_at_ms .. result_message, starting at column `first`.
OperationEntry OperationFromRow(const SqlStatement& s, int first) {
  OperationEntry e;
  e.record = OperationRecord{s.Int(first), s.Text(first + 1), s.Text(first + 2), s.OptText(first + 3),
                             s.Text(first + 4)};
  e.finished_at_ms = s.OptInt(first + 5);
  e.result_code = s.OptInt(first + 6);
  e.result_message = s.Text(first + 7);
  return e;
}

Result<bool> NotificationExists(const std::string& path, sqlite3* db, int64_t id) {
  ESIM_ASSIGN_OR_RETURN(SqlStatement s, SqlStatement::Prepare(path, db, "SELECT 1 FROM notifications WHERE id = ?1"));
  s.Bind(1, id);
  return s.Step();
}

// The first notification matching `where` (SQL on the notifications table; `bind` binds its
// parameters) with its attempts, from one snapshot; nullopt when none matches.
Result<std::optional<JournalEntry>> FindNotification(const std::string& path, sqlite3* db,
                                                     const std::string& where,
                                                     const std::function<void(SqlStatement&)>& bind) {
  ESIM_ASSIGN_OR_RETURN(SqlTransaction tx, SqlTransaction::Begin(path, db, false));
  ESIM_ASSIGN_OR_RETURN(SqlStatement s, SqlStatement::Prepare(path, db, std::string(kSelectNotification) + " WHERE " + where));
  bind(s);
  ESIM_ASSIGN_OR_RETURN(bool row, s.Step());
  if (!row) return std::optional<JournalEntry>();
  JournalEntry e = EntryFromRow(s);
  ESIM_RETURN_IF_ERROR(LoadAttempts(path, db, e));
  ESIM_RETURN_IF_ERROR(tx.Commit());
  return std::optional<JournalEntry>(std::move(e));
}

}  // namespace

NotificationState JournalEntry::state() const {
  if (accepted_at_ms) return removed_at_ms ? NotificationState::kDone : NotificationState::kAcceptedOnCard;
  return removed_at_ms ? NotificationState::kRemovedUndelivered : NotificationState::kUndelivered;
}

const char* NotificationStateName(NotificationState state) {
  switch (state) {
    case NotificationState::kUndelivered: return "undelivered";
    case NotificationState::kRemovedUndelivered: return "removed_undelivered";
    case NotificationState::kAcceptedOnCard: return "accepted_on_card";
    case NotificationState::kDone: return "done";
  }
  return "unknown";
}

void NotificationJournal::DbCloser::operator()(sqlite3* db) const { SqliteApi().close_v2(db); }

NotificationJournal::NotificationJournal(Key, std::string path, sqlite3* db)
    : path_(std::move(path)), db_(db) {}

NotificationJournal::~NotificationJournal() = default;

Result<std::string> NotificationJournal::DefaultPath() {
  constexpr char kTail[] = "/esimctl/journal.db";
  // The XDG spec says relative values are invalid and must be ignored.
  const char* xdg = std::getenv("XDG_STATE_HOME");
  if (xdg != nullptr && xdg[0] == '/') return std::string(xdg) + kTail;
  std::string home;
  if (const char* h = std::getenv("HOME"); h != nullptr && h[0] == '/') {
    home = h;
  } else {
    struct passwd pw{};
    struct passwd* found = nullptr;
    std::vector<char> buf(16384);
    if (::getpwuid_r(::getuid(), &pw, buf.data(), buf.size(), &found) == 0 && found != nullptr &&
        found->pw_dir != nullptr && found->pw_dir[0] == '/') {
      home = found->pw_dir;
    }
  }
  if (home.empty()) {
    return Status(ErrorCode::kInvalidInput,
                  "cannot find a place for the notification journal: set XDG_STATE_HOME or HOME, "
                  "or pass --journal PATH");
  }
  return home + "/.local/state" + kTail;
}

Result<std::unique_ptr<NotificationJournal>> NotificationJournal::Open(const std::string& path) {
  if (path.empty()) return Status(ErrorCode::kInvalidInput, "notification journal path is empty");
  if (Result<const SqliteLibrary*> sqlite = SqliteLibrary::Load(); !sqlite.ok()) {
    return JournalIoError(path, sqlite.status().message());
  }
  ESIM_RETURN_IF_ERROR(MakeParentDirs(path));
  ESIM_RETURN_IF_ERROR(CreateFile(path));
  ESIM_RETURN_IF_ERROR(TightenSideFiles(path));

  sqlite3* raw = nullptr;
  // No SQLITE_OPEN_CREATE: CreateFile made the file with the right mode; if it vanished since,
  // failing beats SQLite creating it with umask-derived permissions.
  int rc = SqliteApi().open_v2(path.c_str(), &raw,
                           SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE,
                           nullptr);
  auto journal = std::make_unique<NotificationJournal>(Key{}, path, raw);  // owns raw, even on error
  sqlite3* db = journal->db_.get();
  if (rc != SQLITE_OK) return JournalSqlError(path, db, rc, "cannot open");
  SqliteApi().busy_timeout(db, kBusyTimeoutMs);

  // journal_mode=WAL answers the mode in force; anything else means WAL could not be set.
  ESIM_ASSIGN_OR_RETURN(std::string mode, PragmaText(path, db, "PRAGMA journal_mode=WAL"));
  if (mode != "wal") return JournalIoError(path, "cannot switch to WAL mode (journal_mode is " + mode + ")");
  // FULL: every commit fsyncs the WAL, so a committed notification survives a power cut.
  ESIM_RETURN_IF_ERROR(SqlExec(path, db, "PRAGMA synchronous=FULL"));
  ESIM_RETURN_IF_ERROR(SqlExec(path, db, "PRAGMA foreign_keys=ON"));
  ESIM_RETURN_IF_ERROR(Migrate(path, db));
  // The -wal/-shm files now exist; make sure nothing left them looser than the database.
  ESIM_RETURN_IF_ERROR(TightenSideFiles(path));
  return journal;
}

Status NotificationJournal::CheckWritable() {
  sqlite3* db = db_.get();
  ESIM_ASSIGN_OR_RETURN(SqlTransaction tx, SqlTransaction::Begin(path_, db, /*write=*/true));
  ESIM_ASSIGN_OR_RETURN(
      SqlStatement s, SqlStatement::Prepare(path_, db,
                            "INSERT INTO write_probe (id, probed_at) VALUES (1, 1) "
                            "ON CONFLICT (id) DO UPDATE SET probed_at = probed_at + 1"));
  // A counter that changes on every probe: the commit has a page to write to the WAL and fsync.
  ESIM_RETURN_IF_ERROR(s.Run().WithContext("write probe"));
  return tx.Commit().WithContext("write probe");
}

Result<int64_t> NotificationJournal::BeginOperation(const OperationRecord& op) {
  sqlite3* db = db_.get();
  ESIM_ASSIGN_OR_RETURN(SqlTransaction tx, SqlTransaction::Begin(path_, db, true));
  ESIM_ASSIGN_OR_RETURN(
      SqlStatement s, SqlStatement::Prepare(path_, db,
                            "INSERT INTO operations (started_at_ms, reader, eid, iccid, operation) "
                            "VALUES (?1, ?2, ?3, ?4, ?5)"));
  s.Bind(1, op.started_at_ms).Bind(2, op.reader).Bind(3, op.eid).Bind(4, op.iccid).Bind(5, op.operation);
  ESIM_RETURN_IF_ERROR(s.Run());
  int64_t id = SqliteApi().last_insert_rowid(db);
  ESIM_RETURN_IF_ERROR(tx.Commit());
  return id;
}

Status NotificationJournal::FinishOperation(int64_t id, int64_t result_code,
                                            const std::string& message, int64_t finished_at_ms) {
  sqlite3* db = db_.get();
  ESIM_ASSIGN_OR_RETURN(SqlTransaction tx, SqlTransaction::Begin(path_, db, true));
  ESIM_ASSIGN_OR_RETURN(SqlStatement s, SqlStatement::Prepare(path_, db,
                                              "UPDATE operations SET finished_at_ms = ?2, "
                                              "result_code = ?3, result_message = ?4 "
                                              "WHERE id = ?1 AND finished_at_ms IS NULL"));
  s.Bind(1, id).Bind(2, finished_at_ms).Bind(3, result_code).Bind(4, message);
  ESIM_RETURN_IF_ERROR(s.Run());
  if (SqliteApi().changes(db) == 0) {
    return Status(ErrorCode::kInvalidInput, "the notification journal has no unfinished operation "
                                            "with id " + std::to_string(id));
  }
  return tx.Commit();
}

Result<OperationEntry> NotificationJournal::GetOperation(int64_t id) {
  ESIM_ASSIGN_OR_RETURN(
      SqlStatement s, SqlStatement::Prepare(path_, db_.get(),
                            "SELECT started_at_ms, reader, eid, iccid, operation, finished_at_ms, "
                            "result_code, result_message FROM operations WHERE id = ?1"));
  s.Bind(1, id);
  ESIM_ASSIGN_OR_RETURN(bool row, s.Step());
  if (!row) return NotFound("operation", id);
  OperationEntry e = OperationFromRow(s, 0);
  e.id = id;
  return e;
}

Result<int64_t> NotificationJournal::RecordNotification(const NotificationRecord& n) {
  if (n.seq_number < 0) {
    return Status(ErrorCode::kInvalidInput,
                  "notification seqNumber " + std::to_string(n.seq_number) + " is negative");
  }
  if (n.der.empty()) {
    return Status(ErrorCode::kInvalidInput, "notification " + std::to_string(n.seq_number) +
                                                " has no DER to journal");
  }
  sqlite3* db = db_.get();
  ESIM_ASSIGN_OR_RETURN(SqlTransaction tx, SqlTransaction::Begin(path_, db, true));
  {
    ESIM_ASSIGN_OR_RETURN(SqlStatement find, SqlStatement::Prepare(path_, db,
                                                   "SELECT id, der FROM notifications "
                                                   "WHERE eid = ?1 AND seq_number = ?2"));
    find.Bind(1, n.eid).Bind(2, n.seq_number);
    ESIM_ASSIGN_OR_RETURN(bool row, find.Step());
    if (row) {
      // Already journaled (e.g. read again after a crash): the first bytes are the ones that
      // count. Different bytes under the same key mean the card reused a seqNumber or the caller
      // mixed up cards; keeping both silently would lose one of them on delivery.
      if (find.Blob(1) != n.der) {
        return Status(ErrorCode::kInvalidInput,
                      "notification seqNumber " + std::to_string(n.seq_number) + " of EID " + n.eid +
                          " is already journaled with different bytes; keeping the first");
      }
      return find.Int(0);  // nothing written; the transaction rolls back
    }
  }
  ESIM_ASSIGN_OR_RETURN(
      SqlStatement s, SqlStatement::Prepare(path_, db,
                            "INSERT INTO notifications (eid, seq_number, event, iccid, address, der, "
                            "read_at_ms, operation_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)"));
  s.Bind(1, n.eid).Bind(2, n.seq_number).Bind(3, n.event).Bind(4, n.iccid).Bind(5, n.address);
  s.Bind(6, n.der).Bind(7, n.read_at_ms).Bind(8, n.operation_id);
  ESIM_RETURN_IF_ERROR(s.Run());
  int64_t id = SqliteApi().last_insert_rowid(db);
  ESIM_RETURN_IF_ERROR(tx.Commit());
  return id;
}

Status NotificationJournal::RecordDeliveryAttempt(int64_t notification_id,
                                                  const DeliveryAttempt& attempt) {
  if (attempt.http_status.has_value() == attempt.transport_error.has_value()) {
    return Status(ErrorCode::kInvalidInput,
                  "a delivery attempt needs exactly one of an HTTP status and a transport error");
  }
  sqlite3* db = db_.get();
  ESIM_ASSIGN_OR_RETURN(SqlTransaction tx, SqlTransaction::Begin(path_, db, true));
  ESIM_ASSIGN_OR_RETURN(bool exists, NotificationExists(path_, db, notification_id));
  if (!exists) return NotFound("notification", notification_id);
  ESIM_ASSIGN_OR_RETURN(
      SqlStatement s, SqlStatement::Prepare(path_, db,
                            "INSERT INTO delivery_attempts (notification_id, attempted_at_ms, url, "
                            "http_status, transport_error, duration_ms) "
                            "VALUES (?1, ?2, ?3, ?4, ?5, ?6)"));
  s.Bind(1, notification_id).Bind(2, attempt.attempted_at_ms).Bind(3, attempt.url);
  s.Bind(4, attempt.http_status).Bind(5, attempt.transport_error).Bind(6, attempt.duration_ms);
  ESIM_RETURN_IF_ERROR(s.Run());
  return tx.Commit();
}

Status NotificationJournal::MarkAccepted(int64_t id, int64_t accepted_at_ms) {
  return SetTimeOnce(id, "UPDATE notifications SET accepted_at_ms = ?2 "
                         "WHERE id = ?1 AND accepted_at_ms IS NULL",
                     accepted_at_ms);
}

Status NotificationJournal::MarkRemovedFromCard(int64_t id, int64_t removed_at_ms) {
  return SetTimeOnce(id, "UPDATE notifications SET removed_at_ms = ?2 "
                         "WHERE id = ?1 AND removed_at_ms IS NULL",
                     removed_at_ms);
}

Status NotificationJournal::SetTimeOnce(int64_t id, const char* update_sql, int64_t at_ms) {
  sqlite3* db = db_.get();
  ESIM_ASSIGN_OR_RETURN(SqlTransaction tx, SqlTransaction::Begin(path_, db, true));
  ESIM_ASSIGN_OR_RETURN(bool exists, NotificationExists(path_, db, id));
  if (!exists) return NotFound("notification", id);
  ESIM_ASSIGN_OR_RETURN(SqlStatement s, SqlStatement::Prepare(path_, db, update_sql));
  s.Bind(1, id).Bind(2, at_ms);
  ESIM_RETURN_IF_ERROR(s.Run());
  return tx.Commit();
}

Result<std::vector<JournalEntry>> NotificationJournal::List(bool pending_only) {
  sqlite3* db = db_.get();
  // One read transaction: the entries and their attempts come from the same snapshot.
  ESIM_ASSIGN_OR_RETURN(SqlTransaction tx, SqlTransaction::Begin(path_, db, false));
  std::string sql = kSelectNotification;
  if (pending_only) sql += " WHERE accepted_at_ms IS NULL OR removed_at_ms IS NULL";
  sql += " ORDER BY id";
  ESIM_ASSIGN_OR_RETURN(SqlStatement s, SqlStatement::Prepare(path_, db, sql));
  std::vector<JournalEntry> entries;
  for (;;) {
    ESIM_ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) break;
    entries.push_back(EntryFromRow(s));
  }
  for (JournalEntry& e : entries) ESIM_RETURN_IF_ERROR(LoadAttempts(path_, db, e));
  ESIM_RETURN_IF_ERROR(tx.Commit());
  return entries;
}

Result<JournalEntry> NotificationJournal::Get(int64_t id) {
  ESIM_ASSIGN_OR_RETURN(auto found,
                        FindNotification(path_, db_.get(), "id = ?1", [id](SqlStatement& s) { s.Bind(1, id); }));
  if (!found) return NotFound("notification", id);
  return std::move(*found);
}

Result<std::optional<JournalEntry>> NotificationJournal::Find(const std::string& eid, int64_t seq_number) {
  return FindNotification(path_, db_.get(), "eid = ?1 AND seq_number = ?2",
                          [&](SqlStatement& s) { s.Bind(1, eid).Bind(2, seq_number); });
}

Result<std::vector<OperationEntry>> NotificationJournal::ListOperations() {
  ESIM_ASSIGN_OR_RETURN(
      SqlStatement s, SqlStatement::Prepare(path_, db_.get(),
                            "SELECT id, started_at_ms, reader, eid, iccid, operation, finished_at_ms, "
                            "result_code, result_message FROM operations ORDER BY id"));
  std::vector<OperationEntry> operations;
  for (;;) {
    ESIM_ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) break;
    operations.push_back(OperationFromRow(s, 1));
    operations.back().id = s.Int(0);
  }
  return operations;
}

Result<JournalPragmas> NotificationJournal::Pragmas() {
  sqlite3* db = db_.get();
  JournalPragmas p;
  ESIM_ASSIGN_OR_RETURN(p.journal_mode, PragmaText(path_, db, "PRAGMA journal_mode"));
  ESIM_ASSIGN_OR_RETURN(std::string sync, PragmaText(path_, db, "PRAGMA synchronous"));
  ESIM_ASSIGN_OR_RETURN(std::string fk, PragmaText(path_, db, "PRAGMA foreign_keys"));
  ESIM_ASSIGN_OR_RETURN(std::string busy, PragmaText(path_, db, "PRAGMA busy_timeout"));
  p.synchronous = std::strtoll(sync.c_str(), nullptr, 10);
  p.foreign_keys = fk == "1";
  p.busy_timeout_ms = std::strtoll(busy.c_str(), nullptr, 10);
  return p;
}

Result<int64_t> NotificationJournal::HighestSeqNumber(const std::string& eid) {
  ESIM_ASSIGN_OR_RETURN(SqlStatement s, SqlStatement::Prepare(path_, db_.get(),
                                              "SELECT COALESCE(MAX(seq_number), -1) "
                                              "FROM notifications WHERE eid = ?1"));
  s.Bind(1, eid);
  ESIM_ASSIGN_OR_RETURN(bool row, s.Step());
  if (!row) return JournalIoError(path_, "MAX(seq_number) returned nothing");
  return s.Int(0);
}

}  // namespace esim

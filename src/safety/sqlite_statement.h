// SQLite helpers of the notification journal: a prepared statement with chainable binds and
// typed columns, a transaction that rolls back unless committed, a one-shot exec, and errors
// that name the journal's path (kIo, with SQLite's message and what a user can check).
//
// SQLite is opened on first use (sqlite_library.h): these helpers reach it through SqliteApi(), valid
// only after SqliteLibrary::Load() succeeded, which NotificationJournal::Open ensures. Each
// object belongs to one connection and is not thread-safe, like the connection.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "common/bytes.h"
#include "common/status.h"
#include "src/safety/sqlite_library.h"

namespace esim {

// SQLite's entry points (loaded: see the file comment).
const SqliteLibrary& SqliteApi();

// kIo: "notification journal PATH: WHAT".
Status JournalIoError(const std::string& path, const std::string& what);
// kIo naming the path, what was being done, SQLite's message and, for the failures a user can
// fix (disk full, read-only), what to look at.
Status JournalSqlError(const std::string& path, sqlite3* db, int rc, const std::string& what);

// SQLITE_TRANSIENT (SQLite copies a bound value at once); sqlite3.h spells it as an old-style
// cast, this is the same value.
inline const sqlite3_destructor_type kSqlTransient =
    reinterpret_cast<sqlite3_destructor_type>(static_cast<intptr_t>(-1));

// Finalizes a statement when its owner goes (unique_ptr deleter).
struct StatementFinalizer {
  void operator()(sqlite3_stmt* s) const { SqliteApi().finalize(s); }
};

// A prepared statement bound to one connection; errors carry the journal path.
class SqlStatement {
 public:
  // Compiles `sql` on `db`; errors name `path` and the statement.
  static Result<SqlStatement> Prepare(const std::string& path, sqlite3* db, std::string_view sql) {
    sqlite3_stmt* raw = nullptr;
    int rc = SqliteApi().prepare_v2(db, sql.data(), static_cast<int>(sql.size()), &raw, nullptr);
    SqlStatement stmt(path, db, raw);  // owns raw even on failure
    if (rc != SQLITE_OK) return JournalSqlError(path, db, rc, "preparing \"" + std::string(sql) + "\"");
    return stmt;
  }

  // Bind(i, v) sets parameter ?i (from 1): an integer, text, a blob (empty stays x'', not NULL),
  // or NULL for an empty optional. A failure is kept and reported by the next Step().
  SqlStatement& Bind(int i, int64_t v) { Check(SqliteApi().bind_int64(s_.get(), i, v)); return *this; }
  SqlStatement& Bind(int i, const std::string& v) {
    Check(SqliteApi().bind_text64(s_.get(), i, v.data(), v.size(), kSqlTransient, SQLITE_UTF8));
    return *this;
  }
  SqlStatement& Bind(int i, const Bytes& v) {
    // An empty vector's data() may be null, which SQLite would store as NULL, not as x''.
    static const uint8_t kEmpty = 0;
    Check(SqliteApi().bind_blob64(s_.get(), i, v.empty() ? &kEmpty : v.data(), v.size(), kSqlTransient));
    return *this;
  }
  template <typename T>
  SqlStatement& Bind(int i, const std::optional<T>& v) {
    if (v) return Bind(i, *v);
    Check(SqliteApi().bind_null(s_.get(), i));
    return *this;
  }

  // Steps once: true when a row is available, false when done.
  Result<bool> Step() {
    if (bind_rc_ != SQLITE_OK) return JournalSqlError(path_, db_, bind_rc_, "binding a value");
    int rc = SqliteApi().step(s_.get());
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    return JournalSqlError(path_, db_, rc, "running \"" + std::string(SqliteApi().sql(s_.get())) + "\"");
  }
  // Steps to completion, for statements that return no rows.
  Status Run() {
    ESIM_ASSIGN_OR_RETURN(bool row, Step());
    (void)row;
    return Status::Ok();
  }

  // Column accessors for the current row, column `c` from 0.
  // True when the column is NULL.
  bool IsNull(int c) const { return SqliteApi().column_type(s_.get(), c) == SQLITE_NULL; }
  // The column as an integer (0 for NULL).
  int64_t Int(int c) const { return SqliteApi().column_int64(s_.get(), c); }
  // The column as an integer; nullopt for NULL.
  std::optional<int64_t> OptInt(int c) const {
    return IsNull(c) ? std::nullopt : std::optional<int64_t>(Int(c));
  }
  // The column as text, its exact bytes ("" for NULL).
  std::string Text(int c) const {
    const unsigned char* p = SqliteApi().column_text(s_.get(), c);
    if (p == nullptr) return {};
    return std::string(reinterpret_cast<const char*>(p),
                       static_cast<size_t>(SqliteApi().column_bytes(s_.get(), c)));
  }
  // The column as text; nullopt for NULL.
  std::optional<std::string> OptText(int c) const {
    return IsNull(c) ? std::nullopt : std::optional<std::string>(Text(c));
  }
  // The column as bytes (empty for NULL).
  Bytes Blob(int c) const {
    const auto* p = static_cast<const uint8_t*>(SqliteApi().column_blob(s_.get(), c));
    if (p == nullptr) return {};
    return Bytes(p, p + SqliteApi().column_bytes(s_.get(), c));
  }

 private:
  SqlStatement(std::string path, sqlite3* db, sqlite3_stmt* s) : path_(std::move(path)), db_(db), s_(s) {}
  // Keeps the first bind failure; Step() reports it, so Bind() can chain.
  void Check(int rc) {
    if (bind_rc_ == SQLITE_OK) bind_rc_ = rc;
  }

  std::string path_;
  sqlite3* db_;
  std::unique_ptr<sqlite3_stmt, StatementFinalizer> s_;
  int bind_rc_ = SQLITE_OK;
};

// Runs `sql` (no rows) on `db`.
Status SqlExec(const std::string& path, sqlite3* db, const char* sql);

// A transaction that rolls back unless committed. Writers use BEGIN IMMEDIATE so that the write
// lock is taken (and busy_timeout applies) up front, never half-way through.
class SqlTransaction {
 public:
  static Result<SqlTransaction> Begin(const std::string& path, sqlite3* db, bool write) {
    ESIM_RETURN_IF_ERROR(SqlExec(path, db, write ? "BEGIN IMMEDIATE" : "BEGIN DEFERRED"));
    return SqlTransaction(path, db);
  }
  SqlTransaction(SqlTransaction&& o) noexcept : path_(std::move(o.path_)), db_(std::exchange(o.db_, nullptr)) {}
  SqlTransaction& operator=(SqlTransaction&&) = delete;
  ~SqlTransaction() {
    if (db_ != nullptr) SqliteApi().exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
  }
  Status Commit() {
    Status s = SqlExec(path_, db_, "COMMIT");
    // A failed COMMIT (e.g. SQLITE_FULL) may leave the transaction open; the destructor's
    // ROLLBACK closes it. On success there is nothing left to roll back.
    if (s.ok()) db_ = nullptr;
    return s;
  }

 private:
  SqlTransaction(std::string path, sqlite3* db) : path_(std::move(path)), db_(db) {}
  std::string path_;
  sqlite3* db_;
};

}  // namespace esim

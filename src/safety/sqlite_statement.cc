#include "src/safety/sqlite_statement.h"

namespace esim {

const SqliteLibrary& SqliteApi() { return *SqliteLibrary::Load().value(); }

Status JournalIoError(const std::string& path, const std::string& what) {
  return Status(ErrorCode::kIo, "notification journal " + path + ": " + what);
}

Status JournalSqlError(const std::string& path, sqlite3* db, int rc, const std::string& what) {
  std::string msg = what + ": ";
  msg += db != nullptr ? SqliteApi().errmsg(db) : SqliteApi().errstr(rc);
  msg += " (" + std::string(SqliteApi().errstr(rc)) + ", code " + std::to_string(rc) + ")";
  switch (rc & 0xff) {
    case SQLITE_FULL: msg += "; the disk is full"; break;
    case SQLITE_READONLY:
    case SQLITE_CANTOPEN:
    case SQLITE_PERM: msg += "; is the file or its directory read-only?"; break;
    default: break;
  }
  return JournalIoError(path, msg);
}

Status SqlExec(const std::string& path, sqlite3* db, const char* sql) {
  char* err = nullptr;
  int rc = SqliteApi().exec(db, sql, nullptr, nullptr, &err);
  std::unique_ptr<char, decltype(SqliteApi().free)> owned(err, SqliteApi().free);
  if (rc == SQLITE_OK) return Status::Ok();
  return JournalSqlError(path, db, rc, std::string("running \"") + sql + "\"");
}

}  // namespace esim

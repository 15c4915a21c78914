// SqliteLibrary: the SQLite entry points the notification journal uses, loaded on first use.
//
// Why not link libsqlite3: Debian builds it with BIND_NOW, so linking it makes every esimctl
// process resolve ~1600 of its symbols at start-up, while only the commands that journal
// (state changes, notification process, journal ...) open the journal
// (docs/performance.md, "Start-up"). libsqlite3.so.0 is opened (common/shared_library.h) the
// first time a journal is opened, once per process. The pointers are typed from <sqlite3.h>.
//
// Threading: Load() is thread-safe (LoadOnce); the table it returns is immutable.
#pragma once

#include <sqlite3.h>

#include "common/status.h"

namespace esim {

struct SqliteLibrary {
  decltype(&sqlite3_open_v2) open_v2 = nullptr;
  decltype(&sqlite3_close_v2) close_v2 = nullptr;
  decltype(&sqlite3_busy_timeout) busy_timeout = nullptr;
  decltype(&sqlite3_exec) exec = nullptr;
  decltype(&sqlite3_free) free = nullptr;
  decltype(&sqlite3_errmsg) errmsg = nullptr;
  decltype(&sqlite3_errstr) errstr = nullptr;
  decltype(&sqlite3_prepare_v2) prepare_v2 = nullptr;
  decltype(&sqlite3_finalize) finalize = nullptr;
  decltype(&sqlite3_sql) sql = nullptr;
  decltype(&sqlite3_bind_int64) bind_int64 = nullptr;
  decltype(&sqlite3_bind_text64) bind_text64 = nullptr;
  decltype(&sqlite3_bind_blob64) bind_blob64 = nullptr;
  decltype(&sqlite3_bind_null) bind_null = nullptr;
  decltype(&sqlite3_step) step = nullptr;
  decltype(&sqlite3_column_type) column_type = nullptr;
  decltype(&sqlite3_column_int64) column_int64 = nullptr;
  decltype(&sqlite3_column_text) column_text = nullptr;
  decltype(&sqlite3_column_blob) column_blob = nullptr;
  decltype(&sqlite3_column_bytes) column_bytes = nullptr;
  decltype(&sqlite3_last_insert_rowid) last_insert_rowid = nullptr;
  decltype(&sqlite3_changes) changes = nullptr;

  // The process-wide table, libsqlite3.so.0 opened and every entry point found; kInternal
  // naming what is missing (e.g. the libsqlite3-0 package) otherwise; the same answer on every
  // call.
  static Result<const SqliteLibrary*> Load();
};

}  // namespace esim

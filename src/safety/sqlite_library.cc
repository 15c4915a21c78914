#include "src/safety/sqlite_library.h"


#include "common/shared_library.h"

namespace esim {
namespace {

Result<const SqliteLibrary*> Open() {
  static SqliteLibrary table;
  ESIM_ASSIGN_OR_RETURN(SharedLibrary lib,
                        SharedLibrary::Open("libsqlite3.so.0", "the notification journal",
                                            "install the libsqlite3-0 package"));
  ESIM_RETURN_IF_ERROR(lib.Bind("sqlite3_open_v2", table.open_v2)
                           .Bind("sqlite3_close_v2", table.close_v2)
                           .Bind("sqlite3_busy_timeout", table.busy_timeout)
                           .Bind("sqlite3_exec", table.exec)
                           .Bind("sqlite3_free", table.free)
                           .Bind("sqlite3_errmsg", table.errmsg)
                           .Bind("sqlite3_errstr", table.errstr)
                           .Bind("sqlite3_prepare_v2", table.prepare_v2)
                           .Bind("sqlite3_finalize", table.finalize)
                           .Bind("sqlite3_sql", table.sql)
                           .Bind("sqlite3_bind_int64", table.bind_int64)
                           .Bind("sqlite3_bind_text64", table.bind_text64)
                           .Bind("sqlite3_bind_blob64", table.bind_blob64)
                           .Bind("sqlite3_bind_null", table.bind_null)
                           .Bind("sqlite3_step", table.step)
                           .Bind("sqlite3_column_type", table.column_type)
                           .Bind("sqlite3_column_int64", table.column_int64)
                           .Bind("sqlite3_column_text", table.column_text)
                           .Bind("sqlite3_column_blob", table.column_blob)
                           .Bind("sqlite3_column_bytes", table.column_bytes)
                           .Bind("sqlite3_last_insert_rowid", table.last_insert_rowid)
                           .Bind("sqlite3_changes", table.changes)
                           .Check());
  return &table;
}

}  // namespace

Result<const SqliteLibrary*> SqliteLibrary::Load() { return LoadOnce(&Open); }

}  // namespace esim

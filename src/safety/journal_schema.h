// The notification journal's SQLite schema, as an ordered list of migrations.
//
// The version lives in PRAGMA user_version. Migration i takes the schema from
// version i-1 to i and is applied in its own transaction together with the
// user_version bump. Never edit a released migration: append a new one.
// Pure data; thread-safe.
#pragma once

#include <span>

namespace esim {

struct JournalMigration {
  int version;      // the user_version after this migration
  const char* sql;  // one or more statements, no transaction control
};

// All migrations, in order; versions are 1, 2, 3, ...
std::span<const JournalMigration> JournalMigrations();

// The newest schema version this build knows (the last migration's version).
int JournalSchemaVersion();

}  // namespace esim

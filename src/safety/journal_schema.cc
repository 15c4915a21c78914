#include "src/safety/journal_schema.h"

#include <array>

namespace esim {
namespace {

// Version 1. Times are Unix milliseconds. A notification row is never deleted: accepted_at_ms
// and removed_at_ms record progress, so the journal doubles as the audit trail.
constexpr char kV1[] = R"sql(
CREATE TABLE operations (
  id             INTEGER PRIMARY KEY,
  started_at_ms  INTEGER NOT NULL,
  reader         TEXT    NOT NULL,
  eid            TEXT    NOT NULL,
  iccid          TEXT,
  operation      TEXT    NOT NULL,
  finished_at_ms INTEGER,
  result_code    INTEGER,
  result_message TEXT
);
CREATE TABLE notifications (
  id             INTEGER PRIMARY KEY,
  operation_id   INTEGER REFERENCES operations(id),
  eid            TEXT    NOT NULL,
  seq_number     INTEGER NOT NULL CHECK (seq_number >= 0),
  event          TEXT    NOT NULL,
  iccid          TEXT,
  address        TEXT    NOT NULL,
  der            BLOB    NOT NULL,
  read_at_ms     INTEGER NOT NULL,
  accepted_at_ms INTEGER,
  removed_at_ms  INTEGER,
  UNIQUE (eid, seq_number)
);
CREATE TABLE delivery_attempts (
  id              INTEGER PRIMARY KEY,
  notification_id INTEGER NOT NULL REFERENCES notifications(id),
  attempted_at_ms INTEGER NOT NULL,
  url             TEXT    NOT NULL,
  http_status     INTEGER,
  transport_error TEXT,
  duration_ms     INTEGER NOT NULL,
  CHECK ((http_status IS NULL) <> (transport_error IS NULL))
);
CREATE INDEX delivery_attempts_by_notification ON delivery_attempts (notification_id, id);
-- CheckWritable() commits its probe here: a real commit is the only proof the next one fits.
CREATE TABLE write_probe (
  id        INTEGER PRIMARY KEY CHECK (id = 1),
  probed_at INTEGER NOT NULL  -- a counter bumped by every probe
);
)sql";

// Version 2: one row per profile download, keyed by its `operations` row and updated as each
// step happens (docs/safety.md, "Downloads"). The matching ID is a bearer secret: only its
// SHA-256 (lower-case hex of the UTF-8 text) is kept. finished_at_ms is set once the download
// needs nothing more (installed and its notification journaled, or the session cancelled); an
// unfinished row is what recovery looks for.
constexpr char kV2[] = R"sql(
CREATE TABLE downloads (
  operation_id        INTEGER PRIMARY KEY REFERENCES operations(id),
  smdp_address        TEXT    NOT NULL,
  matching_id_sha256  TEXT,
  transaction_id      TEXT,
  iccid               TEXT,
  provider_name       TEXT,
  profile_name        TEXT,
  step                TEXT    NOT NULL,
  updated_at_ms       INTEGER NOT NULL,
  cancel_reason       INTEGER,
  card_cancel_answer  TEXT,
  server_cancel_answer TEXT,
  result              TEXT,
  finished_at_ms      INTEGER
);
)sql";

constexpr std::array kMigrations = {
    JournalMigration{1, kV1},
    JournalMigration{2, kV2},
};

}  // namespace

std::span<const JournalMigration> JournalMigrations() { return kMigrations; }

int JournalSchemaVersion() { return kMigrations.back().version; }

}  // namespace esim

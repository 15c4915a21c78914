// NotificationJournal's download rows (table `downloads`, schema v2): one row per profile
// download, keyed by its `operations` row, updated as each step of the download happens so that
// a kill leaves the last step reached on disk (docs/safety.md, "Downloads").
#include <sqlite3.h>

#include "src/safety/notification_journal.h"
#include "src/safety/sqlite_statement.h"

namespace esim {
namespace {

constexpr char kColumns[] =
    "operation_id, smdp_address, matching_id_sha256, transaction_id, iccid, provider_name, profile_name, step, "
    "updated_at_ms, cancel_reason, card_cancel_answer, server_cancel_answer, result, finished_at_ms";

DownloadEntry DownloadFromRow(const SqlStatement& s) {
  DownloadEntry e;
  e.operation_id = s.Int(0);
  e.smdp_address = s.Text(1);
  e.matching_id_sha256 = s.OptText(2);
  e.transaction_id = s.OptText(3);
  e.iccid = s.OptText(4);
  e.provider_name = s.OptText(5);
  e.profile_name = s.OptText(6);
  e.step = s.Text(7);
  e.updated_at_ms = s.Int(8);
  if (!s.IsNull(9)) e.cancel_reason = s.Int(9);
  e.card_cancel_answer = s.OptText(10);
  e.server_cancel_answer = s.OptText(11);
  e.result = s.OptText(12);
  if (!s.IsNull(13)) e.finished_at_ms = s.Int(13);
  return e;
}

Status NoDownload(int64_t operation_id) {
  return Status(ErrorCode::kInvalidInput, "the notification journal has no unfinished download for operation " +
                                              std::to_string(operation_id));
}

}  // namespace

Status NotificationJournal::BeginDownload(int64_t operation_id, const std::string& smdp_address,
                                          const std::optional<std::string>& matching_id_sha256, int64_t at_ms) {
  sqlite3* db = db_.get();
  ESIM_ASSIGN_OR_RETURN(SqlTransaction tx, SqlTransaction::Begin(path_, db, true));
  {
    ESIM_ASSIGN_OR_RETURN(SqlStatement find, SqlStatement::Prepare(path_, db,
                                                   "SELECT (SELECT COUNT(*) FROM operations WHERE id = ?1), "
                                                   "(SELECT COUNT(*) FROM downloads WHERE operation_id = ?1)"));
    find.Bind(1, operation_id);
    ESIM_ASSIGN_OR_RETURN(bool row, find.Step());
    if (!row || find.Int(0) != 1 || find.Int(1) != 0) {
      return Status(ErrorCode::kInvalidInput, "the notification journal cannot start a download for operation " +
                                                  std::to_string(operation_id) +
                                                  " (no such operation, or it has one already)");
    }
  }
  ESIM_ASSIGN_OR_RETURN(SqlStatement s, SqlStatement::Prepare(path_, db,
                                              "INSERT INTO downloads (operation_id, smdp_address, "
                                              "matching_id_sha256, step, updated_at_ms) "
                                              "VALUES (?1, ?2, ?3, 'started', ?4)"));
  s.Bind(1, operation_id).Bind(2, smdp_address).Bind(3, matching_id_sha256).Bind(4, at_ms);
  ESIM_RETURN_IF_ERROR(s.Run());
  return tx.Commit();
}

Status NotificationJournal::UpdateDownload(int64_t operation_id, const DownloadUpdate& update, int64_t at_ms) {
  sqlite3* db = db_.get();
  ESIM_ASSIGN_OR_RETURN(SqlTransaction tx, SqlTransaction::Begin(path_, db, true));
  ESIM_ASSIGN_OR_RETURN(
      SqlStatement s,
      SqlStatement::Prepare(path_, db,
                            "UPDATE downloads SET updated_at_ms = ?2, step = COALESCE(?3, step), "
                            "transaction_id = COALESCE(?4, transaction_id), iccid = COALESCE(?5, iccid), "
                            "provider_name = COALESCE(?6, provider_name), profile_name = COALESCE(?7, profile_name), "
                            "cancel_reason = COALESCE(?8, cancel_reason), "
                            "card_cancel_answer = COALESCE(?9, card_cancel_answer), "
                            "server_cancel_answer = COALESCE(?10, server_cancel_answer), "
                            "result = COALESCE(?11, result) "
                            "WHERE operation_id = ?1 AND finished_at_ms IS NULL"));
  s.Bind(1, operation_id).Bind(2, at_ms).Bind(3, update.step).Bind(4, update.transaction_id).Bind(5, update.iccid);
  s.Bind(6, update.provider_name).Bind(7, update.profile_name).Bind(8, update.cancel_reason);
  s.Bind(9, update.card_cancel_answer).Bind(10, update.server_cancel_answer).Bind(11, update.result);
  ESIM_RETURN_IF_ERROR(s.Run());
  if (SqliteApi().changes(db) == 0) return NoDownload(operation_id);
  return tx.Commit();
}

Status NotificationJournal::FinishDownload(int64_t operation_id, const DownloadUpdate& update, int64_t at_ms) {
  ESIM_RETURN_IF_ERROR(UpdateDownload(operation_id, update, at_ms));
  sqlite3* db = db_.get();
  ESIM_ASSIGN_OR_RETURN(SqlTransaction tx, SqlTransaction::Begin(path_, db, true));
  ESIM_ASSIGN_OR_RETURN(SqlStatement s, SqlStatement::Prepare(path_, db,
                                              "UPDATE downloads SET finished_at_ms = ?2 "
                                              "WHERE operation_id = ?1 AND finished_at_ms IS NULL"));
  s.Bind(1, operation_id).Bind(2, at_ms);
  ESIM_RETURN_IF_ERROR(s.Run());
  if (SqliteApi().changes(db) == 0) return NoDownload(operation_id);
  return tx.Commit();
}

Result<std::optional<DownloadEntry>> NotificationJournal::GetDownload(int64_t operation_id) {
  ESIM_ASSIGN_OR_RETURN(SqlStatement s,
                        SqlStatement::Prepare(path_, db_.get(), std::string("SELECT ") + kColumns +
                                                                    " FROM downloads WHERE operation_id = ?1"));
  s.Bind(1, operation_id);
  ESIM_ASSIGN_OR_RETURN(bool row, s.Step());
  if (!row) return std::optional<DownloadEntry>();
  return std::optional<DownloadEntry>(DownloadFromRow(s));
}

Result<std::vector<DownloadEntry>> NotificationJournal::ListDownloads(bool unfinished_only) {
  ESIM_ASSIGN_OR_RETURN(
      SqlStatement s,
      SqlStatement::Prepare(path_, db_.get(),
                            std::string("SELECT ") + kColumns + " FROM downloads" +
                                (unfinished_only ? " WHERE finished_at_ms IS NULL" : "") + " ORDER BY operation_id"));
  std::vector<DownloadEntry> out;
  while (true) {
    ESIM_ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) break;
    out.push_back(DownloadFromRow(s));
  }
  return out;
}

}  // namespace esim

// The journal's download rows (schema v2) and JournalDownloadRecorder on a real journal file.
#include <sqlite3.h>

#include <filesystem>
#include <string>

#include <gtest/gtest.h>

#include "src/safety/download_recorder.h"
#include "src/safety/journal_schema.h"
#include "src/safety/notification_journal.h"

namespace esim {
namespace {

namespace fs = std::filesystem;

constexpr char kEid[] = "89049032123451234512345678901235";

class DownloadJournalTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (fs::temp_directory_path() / "esim-dljournal-XXXXXX").string();
    ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
    path_ = dir_ + "/journal.db";
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  std::unique_ptr<NotificationJournal> OpenOrDie() {
    auto j = NotificationJournal::Open(path_);
    EXPECT_TRUE(j.ok()) << j.status().message();
    return j.ok() ? std::move(j).value() : nullptr;
  }
  static int64_t BeginOp(NotificationJournal& j) {
    auto id = j.BeginOperation(OperationRecord{1000, "virtual", kEid, std::nullopt, "download"});
    EXPECT_TRUE(id.ok());
    return id.ok() ? *id : -1;
  }
  // Every text value stored in the file, for secrecy checks.
  std::string Dump() {
    sqlite3* db = nullptr;
    EXPECT_EQ(sqlite3_open(path_.c_str(), &db), SQLITE_OK);
    std::string all;
    sqlite3_stmt* st = nullptr;
    EXPECT_EQ(sqlite3_prepare_v2(db, "SELECT * FROM downloads", -1, &st, nullptr), SQLITE_OK);
    while (sqlite3_step(st) == SQLITE_ROW) {
      for (int c = 0; c < sqlite3_column_count(st); ++c) {
        const unsigned char* t = sqlite3_column_text(st, c);
        if (t) all += std::string(reinterpret_cast<const char*>(t)) + "|";
      }
    }
    sqlite3_finalize(st);
    sqlite3_close(db);
    return all;
  }
  std::string dir_, path_;
};

TEST(MatchingIdHashTest, IsLowerCaseHexSha256) {
  // sha256("abc"), FIPS 180-2 test vector.
  EXPECT_EQ(MatchingIdSha256("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST_F(DownloadJournalTest, RowsAreCommittedStepByStepAndFinishedOnce) {
  auto j = OpenOrDie();
  ASSERT_TRUE(j);
  const int64_t op = BeginOp(*j);
  ASSERT_TRUE(j->BeginDownload(op, "smdp.example.com", MatchingIdSha256("SECRET-ID"), 1001).ok());
  EXPECT_FALSE(j->BeginDownload(op, "smdp.example.com", std::nullopt, 1001).ok()) << "one row per operation";
  EXPECT_FALSE(j->BeginDownload(op + 99, "x", std::nullopt, 1001).ok()) << "unknown operation";
  DownloadUpdate u;
  u.step = "authenticated";
  u.transaction_id = "0A0B";
  ASSERT_TRUE(j->UpdateDownload(op, u, 1002).ok());
  DownloadUpdate m;
  m.step = "client-authenticated";
  m.iccid = "8944001234567890128";
  m.provider_name = "Tailspin";
  ASSERT_TRUE(j->UpdateDownload(op, m, 1003).ok());
  auto unfinished = j->ListDownloads(true);
  ASSERT_TRUE(unfinished.ok());
  ASSERT_EQ(unfinished->size(), 1u);
  const DownloadEntry& d = unfinished->front();
  EXPECT_EQ(d.step, "client-authenticated");
  EXPECT_EQ(d.transaction_id, "0A0B");  // kept from the earlier update
  EXPECT_EQ(d.iccid, "8944001234567890128");
  EXPECT_EQ(d.updated_at_ms, 1003);
  EXPECT_FALSE(d.finished());

  DownloadUpdate c;
  c.cancel_reason = 1;
  c.card_cancel_answer = "signed (reason 1)";
  c.server_cancel_answer = "accepted";
  c.result = "postponed";
  ASSERT_TRUE(j->FinishDownload(op, c, 1004).ok());
  EXPECT_FALSE(j->FinishDownload(op, c, 1005).ok()) << "finished once";
  EXPECT_FALSE(j->UpdateDownload(op, u, 1005).ok()) << "a finished row does not change";
  auto got = j->GetDownload(op);
  ASSERT_TRUE(got.ok() && *got);
  EXPECT_EQ((*got)->finished_at_ms, 1004);
  EXPECT_EQ((*got)->cancel_reason, 1);
  EXPECT_EQ((*got)->server_cancel_answer, "accepted");
  EXPECT_EQ((*got)->step, "client-authenticated");
  EXPECT_TRUE(j->ListDownloads(true)->empty());
  EXPECT_EQ(j->ListDownloads(false)->size(), 1u);
  auto none = j->GetDownload(op + 1);
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(*none);
}

TEST_F(DownloadJournalTest, TheMatchingIdIsStoredOnlyAsItsHash) {
  auto j = OpenOrDie();
  ASSERT_TRUE(j);
  const int64_t op = BeginOp(*j);
  JournalDownloadRecorder recorder(*j, op);
  ASSERT_TRUE(recorder.Start("smdp.example.com", std::string("SECRET-MATCHING-ID")).ok());
  ASSERT_TRUE(recorder.Authenticated(Bytes{0x01, 0x02}).ok());
  j.reset();
  const std::string stored = Dump();
  EXPECT_EQ(stored.find("SECRET-MATCHING-ID"), std::string::npos) << stored;
  EXPECT_NE(stored.find(MatchingIdSha256("SECRET-MATCHING-ID")), std::string::npos) << stored;
}

TEST_F(DownloadJournalTest, RecorderFinishesOnlyWhatNeedsNothingMore) {
  auto j = OpenOrDie();
  ASSERT_TRUE(j);
  {  // The SM-DP+ accepted the cancel: finished, with both answers.
    const int64_t op = BeginOp(*j);
    JournalDownloadRecorder r(*j, op);
    ASSERT_TRUE(r.Start("a.example", std::nullopt).ok());
    ASSERT_TRUE(r.Authenticated(Bytes{0x01}).ok());
    r.Cancelled(es10::CancelReason::kEndUserRejection, "signed (reason 0)", "accepted");
    ASSERT_TRUE(r.Failed(Status(ErrorCode::kNotConfirmed, "declined")).ok());
    auto d = j->GetDownload(op);
    ASSERT_TRUE(d.ok() && *d);
    EXPECT_TRUE((*d)->finished());
    EXPECT_EQ((*d)->cancel_reason, 0);
    EXPECT_EQ((*d)->card_cancel_answer, "signed (reason 0)");
    EXPECT_EQ((*d)->result, "failed: declined");
  }
  {  // The cancel did not reach the SM-DP+: left for recovery.
    const int64_t op = BeginOp(*j);
    JournalDownloadRecorder r(*j, op);
    ASSERT_TRUE(r.Start("b.example", std::nullopt).ok());
    ASSERT_TRUE(r.Authenticated(Bytes{0x02}).ok());
    ASSERT_TRUE(r.StepReached("bpp-received").ok());
    r.Cancelled(es10::CancelReason::kUndefinedReason, "signed (reason 127)", "the SM-DP+ cannot be reached");
    ASSERT_TRUE(r.Failed(Status(ErrorCode::kServerUnreachable, "offline")).ok());
    auto d = j->GetDownload(op);
    ASSERT_TRUE(d.ok() && *d);
    EXPECT_FALSE((*d)->finished());
    EXPECT_EQ((*d)->step, "bpp-received");
  }
  {  // No session was ever opened: nothing to cancel, finished.
    const int64_t op = BeginOp(*j);
    JournalDownloadRecorder r(*j, op);
    ASSERT_TRUE(r.Start("c.example", std::nullopt).ok());
    ASSERT_TRUE(r.Failed(Status(ErrorCode::kServerUnreachable, "offline")).ok());
    auto d = j->GetDownload(op);
    ASSERT_TRUE(d.ok() && *d);
    EXPECT_TRUE((*d)->finished());
  }
  {  // Installed: finished as installed.
    const int64_t op = BeginOp(*j);
    JournalDownloadRecorder r(*j, op);
    ASSERT_TRUE(r.Start("d.example", std::nullopt).ok());
    ASSERT_TRUE(r.Authenticated(Bytes{0x03}).ok());
    ASSERT_TRUE(r.StepReached("loaded").ok());
    ASSERT_TRUE(r.Installed("installed").ok());
    auto d = j->GetDownload(op);
    ASSERT_TRUE(d.ok() && *d);
    EXPECT_TRUE((*d)->finished());
    EXPECT_EQ((*d)->step, "installed");
  }
  EXPECT_EQ(j->ListDownloads(true)->size(), 1u);
}

TEST_F(DownloadJournalTest, AVersionOneJournalIsMigratedKeepingItsOperations) {
  {
    sqlite3* db = nullptr;
    fs::create_directories(dir_);
    ASSERT_EQ(sqlite3_open(path_.c_str(), &db), SQLITE_OK);
    const std::string v1 = JournalMigrations()[0].sql;
    ASSERT_EQ(sqlite3_exec(db, v1.c_str(), nullptr, nullptr, nullptr), SQLITE_OK);
    ASSERT_EQ(sqlite3_exec(db,
                           "INSERT INTO operations (started_at_ms, reader, eid, operation) "
                           "VALUES (5, 'r', '89049032123451234512345678901235', 'enable'); PRAGMA user_version = 1;",
                           nullptr, nullptr, nullptr),
              SQLITE_OK);
    sqlite3_close(db);
  }
  auto j = OpenOrDie();
  ASSERT_TRUE(j);
  auto ops = j->ListOperations();
  ASSERT_TRUE(ops.ok());
  ASSERT_EQ(ops->size(), 1u);
  EXPECT_EQ(ops->front().record.operation, "enable");
  EXPECT_TRUE(j->BeginDownload(ops->front().id, "smdp.example.com", std::nullopt, 6).ok());
  EXPECT_EQ(JournalSchemaVersion(), 2);
}

}  // namespace
}  // namespace esim

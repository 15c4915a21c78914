#include "src/safety/notification_journal.h"

#include <sqlite3.h>

#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "src/safety/journal_schema.h"

namespace esim {
namespace {

namespace fs = std::filesystem;

constexpr char kEid[] = "89049032123451234512345678901235";

// A fresh directory per test, removed afterwards.
class JournalTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (fs::temp_directory_path() / "esim-journal-XXXXXX").string();
    ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
    path_ = dir_ + "/state/esimctl/journal.db";
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

  static NotificationRecord Sample(int64_t seq, Bytes der = {0xBF, 0x2F, 0x03, 0x80, 0x01, 0x00}) {
    NotificationRecord n;
    n.eid = kEid;
    n.seq_number = seq;
    n.event = "enable";
    n.iccid = "8988020000000000123";
    n.address = "smdp.example.com";
    n.der = std::move(der);
    n.read_at_ms = 1700000000000 + seq;
    return n;
  }

  // Runs raw SQL on the file with a separate connection (to tamper like an older/newer esimctl).
  void RawExec(const std::string& sql) {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(path_.c_str(), &db), SQLITE_OK);
    EXPECT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr), SQLITE_OK) << sqlite3_errmsg(db);
    sqlite3_close(db);
  }

  static unsigned Mode(const std::string& p) {
    struct stat st{};
    EXPECT_EQ(::stat(p.c_str(), &st), 0) << p;
    return st.st_mode & 07777;
  }

  std::string dir_;
  std::string path_;
};

TEST_F(JournalTest, CreatesFileAndDirectoriesOwnerOnlyRegardlessOfUmask) {
  mode_t old = ::umask(0);  // the most permissive umask: modes must still be exact
  auto j = OpenOrDie();
  ::umask(old);
  ASSERT_NE(j, nullptr);
  EXPECT_EQ(Mode(path_), 0600u);
  EXPECT_EQ(Mode(path_ + "-wal"), 0600u);
  EXPECT_EQ(Mode(path_ + "-shm"), 0600u);
  EXPECT_EQ(Mode(dir_ + "/state/esimctl"), 0700u);
  EXPECT_EQ(Mode(dir_ + "/state"), 0700u);
}

TEST_F(JournalTest, TightensAnExistingLooseFile) {
  fs::create_directories(dir_ + "/state/esimctl");
  { std::ofstream(path_).flush(); }
  ASSERT_EQ(::chmod(path_.c_str(), 0644), 0);
  auto j = OpenOrDie();
  ASSERT_NE(j, nullptr);
  EXPECT_EQ(Mode(path_), 0600u);
}

TEST_F(JournalTest, UsesWalWithFullSyncAndCurrentSchema) {
  auto j = OpenOrDie();
  ASSERT_NE(j, nullptr);
  // journal_mode and user_version live in the file: a second, plain connection sees them.
  // (synchronous is per connection: ReportsItsOwnPragmas reads it from the journal's own.)
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path_.c_str(), &db), SQLITE_OK);
  sqlite3_stmt* st = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &st, nullptr), SQLITE_OK);
  ASSERT_EQ(sqlite3_step(st), SQLITE_ROW);
  EXPECT_STREQ(reinterpret_cast<const char*>(sqlite3_column_text(st, 0)), "wal");
  sqlite3_finalize(st);
  ASSERT_EQ(sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, nullptr), SQLITE_OK);
  ASSERT_EQ(sqlite3_step(st), SQLITE_ROW);
  EXPECT_EQ(sqlite3_column_int(st, 0), JournalSchemaVersion());
  sqlite3_finalize(st);
  sqlite3_close(db);
}

TEST_F(JournalTest, ReportsItsOwnPragmas) {
  auto j = OpenOrDie();
  ASSERT_NE(j, nullptr);
  auto p = j->Pragmas();
  ASSERT_TRUE(p.ok()) << p.status().message();
  EXPECT_EQ(p->journal_mode, "wal");
  EXPECT_EQ(p->synchronous, 2);  // FULL
  EXPECT_TRUE(p->foreign_keys);
  EXPECT_GT(p->busy_timeout_ms, 0);
}

TEST_F(JournalTest, RecordNotificationIsIdempotentAndKeepsTheFirstBytes) {
  auto j = OpenOrDie();
  ASSERT_NE(j, nullptr);
  auto first = j->RecordNotification(Sample(7));
  ASSERT_TRUE(first.ok()) << first.status().message();
  NotificationRecord again = Sample(7);
  again.read_at_ms += 1000;  // read again later: same notification
  auto second = j->RecordNotification(again);
  ASSERT_TRUE(second.ok()) << second.status().message();
  EXPECT_EQ(*first, *second);
  EXPECT_EQ(j->Get(*first)->record.read_at_ms, Sample(7).read_at_ms);

  auto clash = j->RecordNotification(Sample(7, {0xBF, 0x2F, 0x01, 0x00}));
  ASSERT_FALSE(clash.ok());
  EXPECT_EQ(clash.status().code(), ErrorCode::kInvalidInput);
  EXPECT_EQ(j->Get(*first)->record.der, Sample(7).der);
  EXPECT_EQ(j->List(false)->size(), 1u);

  // Another card may use the same seqNumber.
  NotificationRecord other = Sample(7);
  other.eid = "89049032123451234512345678901243";
  auto third = j->RecordNotification(other);
  ASSERT_TRUE(third.ok());
  EXPECT_NE(*third, *first);
}

TEST_F(JournalTest, DerBytesRoundTripExactly) {
  auto j = OpenOrDie();
  ASSERT_NE(j, nullptr);
  Bytes der;
  for (int i = 0; i < 1500; ++i) der.push_back(static_cast<uint8_t>(i * 37));
  der[10] = 0x00;  // embedded NULs must survive (a BLOB, not text)
  auto id = j->RecordNotification(Sample(3, der));
  ASSERT_TRUE(id.ok());
  j.reset();
  j = OpenOrDie();
  auto e = j->Get(*id);
  ASSERT_TRUE(e.ok()) << e.status().message();
  EXPECT_EQ(e->record.der, der);
  EXPECT_EQ(e->record.eid, kEid);
  EXPECT_EQ(e->record.seq_number, 3);
  EXPECT_EQ(e->record.event, "enable");
  EXPECT_EQ(e->record.iccid, "8988020000000000123");
  EXPECT_EQ(e->record.address, "smdp.example.com");
}

TEST_F(JournalTest, PendingCoversUndeliveredAndAcceptedButStillOnCard) {
  auto j = OpenOrDie();
  ASSERT_NE(j, nullptr);
  int64_t a = *j->RecordNotification(Sample(1));
  int64_t b = *j->RecordNotification(Sample(2));
  int64_t c = *j->RecordNotification(Sample(3));
  ASSERT_EQ(j->List(true)->size(), 3u);
  EXPECT_EQ(j->Get(a)->state(), NotificationState::kUndelivered);

  ASSERT_TRUE(j->MarkAccepted(a, 100).ok());
  auto pending = j->List(true);
  ASSERT_EQ(pending->size(), 3u);  // accepted but still on the card: NotificationSent is owed
  EXPECT_EQ((*pending)[0].state(), NotificationState::kAcceptedOnCard);

  ASSERT_TRUE(j->MarkRemovedFromCard(a, 200).ok());
  EXPECT_EQ(j->Get(a)->state(), NotificationState::kDone);
  ASSERT_TRUE(j->MarkRemovedFromCard(b, 300).ok());  // removed without acceptance: only copy here
  EXPECT_EQ(j->Get(b)->state(), NotificationState::kRemovedUndelivered);

  pending = j->List(true);
  ASSERT_EQ(pending->size(), 2u);
  EXPECT_EQ((*pending)[0].id, b);
  EXPECT_EQ((*pending)[1].id, c);
  EXPECT_EQ(j->List(false)->size(), 3u);

  // Repeats keep the first time.
  ASSERT_TRUE(j->MarkAccepted(a, 999).ok());
  EXPECT_EQ(j->Get(a)->accepted_at_ms, 100);
  EXPECT_EQ(j->MarkAccepted(12345, 1).code(), ErrorCode::kInvalidInput);
  EXPECT_EQ(j->Get(12345).status().code(), ErrorCode::kInvalidInput);
}

TEST_F(JournalTest, DeliveryAttemptsAreKeptInOrder) {
  auto j = OpenOrDie();
  ASSERT_NE(j, nullptr);
  int64_t id = *j->RecordNotification(Sample(5));
  DeliveryAttempt timeout{1000, "https://smdp.example.com/gsma/rsp2/es9plus/handleNotification",
                          std::nullopt, "connection timed out", 30000};
  DeliveryAttempt error{2000, timeout.url, 503, std::nullopt, 120};
  DeliveryAttempt ok{3000, timeout.url, 204, std::nullopt, 80};
  ASSERT_TRUE(j->RecordDeliveryAttempt(id, timeout).ok());
  ASSERT_TRUE(j->RecordDeliveryAttempt(id, error).ok());
  ASSERT_TRUE(j->RecordDeliveryAttempt(id, ok).ok());
  auto e = j->Get(id);
  ASSERT_TRUE(e.ok());
  ASSERT_EQ(e->attempts.size(), 3u);
  EXPECT_EQ(e->attempts[0], timeout);
  EXPECT_EQ(e->attempts[1], error);
  EXPECT_EQ(e->attempts[2], ok);
  EXPECT_EQ(j->List(true)->at(0).attempts.size(), 3u);

  DeliveryAttempt both{4000, timeout.url, 200, "x", 1};
  EXPECT_EQ(j->RecordDeliveryAttempt(id, both).code(), ErrorCode::kInvalidInput);
  EXPECT_EQ(j->RecordDeliveryAttempt(id + 100, ok).code(), ErrorCode::kInvalidInput);
}

TEST_F(JournalTest, OperationsRecordIntentThenResult) {
  auto j = OpenOrDie();
  ASSERT_NE(j, nullptr);
  auto id = j->BeginOperation({1000, "Virtual PCD 00 00", kEid, "8988020000000000123", "enable"});
  ASSERT_TRUE(id.ok()) << id.status().message();
  auto op = j->GetOperation(*id);
  ASSERT_TRUE(op.ok());
  EXPECT_FALSE(op->finished_at_ms.has_value());
  ASSERT_TRUE(j->FinishOperation(*id, 0, "ok", 1500).ok());
  op = j->GetOperation(*id);
  EXPECT_EQ(op->finished_at_ms, 1500);
  EXPECT_EQ(op->result_code, 0);
  EXPECT_EQ(op->record.operation, "enable");
  EXPECT_EQ(j->FinishOperation(*id, 1, "again", 1600).code(), ErrorCode::kInvalidInput);

  NotificationRecord n = Sample(9);
  n.operation_id = *id;
  auto nid = j->RecordNotification(n);
  ASSERT_TRUE(nid.ok());
  EXPECT_EQ(j->Get(*nid)->record.operation_id, *id);
}

TEST_F(JournalTest, HighestSeqNumberIsPerEid) {
  auto j = OpenOrDie();
  ASSERT_NE(j, nullptr);
  EXPECT_EQ(*j->HighestSeqNumber(kEid), -1);
  ASSERT_TRUE(j->RecordNotification(Sample(4)).ok());
  ASSERT_TRUE(j->RecordNotification(Sample(11)).ok());
  EXPECT_EQ(*j->HighestSeqNumber(kEid), 11);
  EXPECT_EQ(*j->HighestSeqNumber("89049032123451234512345678901243"), -1);
}

TEST_F(JournalTest, MigratesAnEmptyDatabase) {
  fs::create_directories(dir_ + "/state/esimctl");
  RawExec("CREATE TABLE unrelated(x)");  // an existing file at user_version 0
  auto j = OpenOrDie();
  ASSERT_NE(j, nullptr);
  ASSERT_TRUE(j->RecordNotification(Sample(1)).ok());
  j.reset();
  j = OpenOrDie();  // already current: nothing to migrate, data kept
  ASSERT_NE(j, nullptr);
  EXPECT_EQ(j->List(false)->size(), 1u);
}

TEST_F(JournalTest, RefusesANewerSchemaVersion) {
  { auto j = OpenOrDie(); }
  RawExec("PRAGMA user_version = " + std::to_string(JournalSchemaVersion() + 1));
  auto j = NotificationJournal::Open(path_);
  ASSERT_FALSE(j.ok());
  EXPECT_EQ(j.status().code(), ErrorCode::kIo);
  EXPECT_NE(j.status().message().find("newer"), std::string::npos) << j.status().message();
  EXPECT_NE(j.status().message().find(path_), std::string::npos);
}

// Tests run as root, for whom chmod 0500 stops nothing; these paths fail for root too.
TEST_F(JournalTest, PathUnderARegularFileIsAnIoError) {
  std::string file = dir_ + "/plainfile";
  { std::ofstream(file) << "x"; }
  auto j = NotificationJournal::Open(file + "/esimctl/journal.db");  // ENOTDIR
  ASSERT_FALSE(j.ok());
  EXPECT_EQ(j.status().code(), ErrorCode::kIo);
  EXPECT_NE(j.status().message().find(file), std::string::npos) << j.status().message();
}

TEST_F(JournalTest, PathThatIsADirectoryIsAnIoError) {
  fs::create_directories(path_);  // EISDIR
  auto j = NotificationJournal::Open(path_);
  ASSERT_FALSE(j.ok());
  EXPECT_EQ(j.status().code(), ErrorCode::kIo);
  EXPECT_NE(j.status().message().find(path_), std::string::npos) << j.status().message();
}

TEST_F(JournalTest, PathUnderProcIsAnIoError) {
  auto j = NotificationJournal::Open("/proc/esimctl-journal-test/journal.db");
  ASSERT_FALSE(j.ok());
  EXPECT_EQ(j.status().code(), ErrorCode::kIo);
}

// A full disk, simulated with RLIMIT_FSIZE (no mount needed; applies to root): every write at or
// past offset 1 fails with EFBIG. Done in a child so the limit does not leak into other tests.
TEST_F(JournalTest, CheckWritableFailsWhenWritesFail) {
  auto j = OpenOrDie();
  ASSERT_NE(j, nullptr);
  ASSERT_TRUE(j->CheckWritable().ok());
  j.reset();
  pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    auto child = NotificationJournal::Open(path_);
    if (!child.ok()) ::_exit(10);
    std::signal(SIGXFSZ, SIG_IGN);
    struct rlimit limit{1, 1};
    if (::setrlimit(RLIMIT_FSIZE, &limit) != 0) ::_exit(11);
    Status s = (*child)->CheckWritable();
    if (s.ok()) ::_exit(12);
    if (s.code() != ErrorCode::kIo) ::_exit(13);
    if (s.message().find(path_) == std::string::npos) ::_exit(14);
    auto rec = (*child)->RecordNotification(Sample(1));
    if (rec.ok() || rec.status().code() != ErrorCode::kIo) ::_exit(15);
    ::_exit(0);
  }
  int status = 0;
  ASSERT_EQ(::waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
  // Nothing half-written: the journal still opens and holds nothing.
  j = OpenOrDie();
  ASSERT_NE(j, nullptr);
  EXPECT_TRUE(j->List(false)->empty());
}

TEST_F(JournalTest, ReopenAfterCloseKeepsData) {
  int64_t id = 0;
  {
    auto j = OpenOrDie();
    id = *j->RecordNotification(Sample(1));
    ASSERT_TRUE(j->MarkAccepted(id, 10).ok());
  }
  auto j = OpenOrDie();
  auto e = j->Get(id);
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(e->accepted_at_ms, 10);
  EXPECT_EQ(e->state(), NotificationState::kAcceptedOnCard);
}

// A kill right after the commit: the child records and is SIGKILLed without closing anything.
TEST_F(JournalTest, CommittedNotificationSurvivesAKill) {
  { auto j = OpenOrDie(); }
  pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    auto j = NotificationJournal::Open(path_);
    if (!j.ok()) ::_exit(10);
    auto id = (*j)->RecordNotification(Sample(42));
    if (!id.ok()) ::_exit(11);
    ::raise(SIGKILL);
    ::_exit(12);
  }
  int status = 0;
  ASSERT_EQ(::waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFSIGNALED(status)) << "child exited " << WEXITSTATUS(status);
  EXPECT_EQ(WTERMSIG(status), SIGKILL);
  auto j = OpenOrDie();
  ASSERT_NE(j, nullptr);
  auto pending = j->List(true);
  ASSERT_TRUE(pending.ok());
  ASSERT_EQ(pending->size(), 1u);
  EXPECT_EQ((*pending)[0].record.seq_number, 42);
  EXPECT_EQ((*pending)[0].record.der, Sample(42).der);
}

TEST_F(JournalTest, DefaultPathFollowsXdgThenHome) {
  const char* old_xdg = std::getenv("XDG_STATE_HOME");
  const char* old_home = std::getenv("HOME");
  std::string saved_xdg = old_xdg ? old_xdg : "";
  std::string saved_home = old_home ? old_home : "";

  ::setenv("XDG_STATE_HOME", "/x/state", 1);
  EXPECT_EQ(*NotificationJournal::DefaultPath(), "/x/state/esimctl/journal.db");
  ::setenv("XDG_STATE_HOME", "relative", 1);  // ignored, per the XDG spec
  ::setenv("HOME", "/home/u", 1);
  EXPECT_EQ(*NotificationJournal::DefaultPath(), "/home/u/.local/state/esimctl/journal.db");
  ::unsetenv("XDG_STATE_HOME");
  EXPECT_EQ(*NotificationJournal::DefaultPath(), "/home/u/.local/state/esimctl/journal.db");

  if (old_xdg) ::setenv("XDG_STATE_HOME", saved_xdg.c_str(), 1); else ::unsetenv("XDG_STATE_HOME");
  if (old_home) ::setenv("HOME", saved_home.c_str(), 1); else ::unsetenv("HOME");
}

}  // namespace
}  // namespace esim

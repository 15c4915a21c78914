// The text and JSON views of the notification journal (src/cli/journal_view.h), on entries read
// back from a real journal in a temporary directory, so the views see what the CLI will see.
#include "src/cli/journal_view.h"

#include <stdlib.h>

#include <algorithm>
#include <filesystem>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "src/safety/handle_notification_client.h"

namespace esim {
namespace {

namespace fs = std::filesystem;

constexpr char kEid[] = "89049032123451234512345678901235";
constexpr int64_t kReadAt = 1795552262123;  // 2026-11-24T20:31:02.123Z

// A journal in a fresh directory holding one notification in each of the four states:
//   undelivered (seq 7, one failed HTTP attempt, from an operation),
//   accepted_on_card (seq 8, a transport error then HTTP 204),
//   done (seq 9), removed_undelivered (seq 10, no ICCID, never attempted).
class JournalViewTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (fs::temp_directory_path() / "esim-journal-view-XXXXXX").string();
    ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
    auto opened = NotificationJournal::Open(dir_ + "/journal.db");
    ASSERT_TRUE(opened.ok()) << opened.status().message();
    journal_ = std::move(opened).value();

    OperationRecord op;
    op.started_at_ms = kReadAt - 2000;
    op.reader = "Virtual eUICC 00 00";
    op.eid = kEid;
    op.iccid = "8999010010000001018";
    op.operation = "enable";
    auto op_id = journal_->BeginOperation(op);
    ASSERT_TRUE(op_id.ok()) << op_id.status().message();
    operation_id_ = *op_id;

    undelivered_ = Record(7, "enable", "8999010010000001018", operation_id_);
    DeliveryAttempt failed;
    failed.attempted_at_ms = kReadAt + 1000;
    failed.url = "https://smdp.example.com/gsma/rsp2/es9plus/handleNotification";
    failed.http_status = 500;
    failed.duration_ms = 42;
    ASSERT_TRUE(journal_->RecordDeliveryAttempt(undelivered_, failed).ok());

    accepted_on_card_ = Record(8, "disable", "8999010010000001018", std::nullopt);
    DeliveryAttempt reset = failed;
    reset.http_status.reset();
    reset.transport_error = "connection reset by peer";
    reset.duration_ms = 7;
    ASSERT_TRUE(journal_->RecordDeliveryAttempt(accepted_on_card_, reset).ok());
    DeliveryAttempt ok = failed;
    ok.attempted_at_ms = kReadAt + 3000;
    ok.http_status = 204;
    ASSERT_TRUE(journal_->RecordDeliveryAttempt(accepted_on_card_, ok).ok());
    ASSERT_TRUE(journal_->MarkAccepted(accepted_on_card_, kReadAt + 3050).ok());

    done_ = Record(9, "install", "8999020020000002021", std::nullopt);
    ASSERT_TRUE(journal_->MarkAccepted(done_, kReadAt + 4000).ok());
    ASSERT_TRUE(journal_->MarkRemovedFromCard(done_, kReadAt + 5000).ok());

    removed_undelivered_ = Record(10, "delete", std::nullopt, std::nullopt);
    ASSERT_TRUE(journal_->MarkRemovedFromCard(removed_undelivered_, kReadAt + 6000).ok());
  }

  void TearDown() override {
    journal_.reset();
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  // Journals notification `seq` with DER BF2F 03 80 01 <seq>; returns its id (0 on failure).
  int64_t Record(int64_t seq, const std::string& event, std::optional<std::string> iccid,
                 std::optional<int64_t> operation_id) {
    NotificationRecord n;
    n.eid = kEid;
    n.seq_number = seq;
    n.event = event;
    n.iccid = std::move(iccid);
    n.address = "smdp.example.com";
    n.der = {0xBF, 0x2F, 0x03, 0x80, 0x01, static_cast<uint8_t>(seq)};
    n.read_at_ms = kReadAt;
    n.operation_id = operation_id;
    auto id = journal_->RecordNotification(n);
    EXPECT_TRUE(id.ok()) << id.status().message();
    return id.ok() ? *id : 0;
  }

  JournalEntry Get(int64_t id) {
    auto entry = journal_->Get(id);
    EXPECT_TRUE(entry.ok()) << entry.status().message();
    return entry.ok() ? *entry : JournalEntry{};
  }

  std::string dir_;
  std::unique_ptr<NotificationJournal> journal_;
  int64_t operation_id_ = 0;
  int64_t undelivered_ = 0;
  int64_t accepted_on_card_ = 0;
  int64_t done_ = 0;
  int64_t removed_undelivered_ = 0;
};

TEST(FormatTimeMsTest, IsoUtcWithMilliseconds) {
  EXPECT_EQ(FormatTimeMs(kReadAt), "2026-11-24T20:31:02.123Z");
  EXPECT_EQ(FormatTimeMs(0), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(FormatTimeMs(5), "1970-01-01T00:00:00.005Z");
  EXPECT_EQ(FormatTimeMs(1000), "1970-01-01T00:00:01.000Z");
}

TEST(FormatTimeMsTest, BeforeTheEpochRoundsDown) {
  EXPECT_EQ(FormatTimeMs(-1), "1969-12-31T23:59:59.999Z");
  EXPECT_EQ(FormatTimeMs(-1000), "1969-12-31T23:59:59.000Z");
}

TEST(FormatTimeMsTest, IgnoresTheLocalTimeZone) {
  const char* old = ::getenv("TZ");
  std::string saved = old ? old : "";
  // A POSIX TZ string (UTC+5:30) needs no tzdata installed.
  ::setenv("TZ", "IST-5:30", 1);
  ::tzset();
  EXPECT_EQ(FormatTimeMs(kReadAt), "2026-11-24T20:31:02.123Z");
  if (old) {
    ::setenv("TZ", saved.c_str(), 1);
  } else {
    ::unsetenv("TZ");
  }
  ::tzset();
}

TEST_F(JournalViewTest, UndeliveredJson) {
  nlohmann::json json = NotificationEntryJson(Get(undelivered_), false);
  EXPECT_EQ(json["id"], undelivered_);
  EXPECT_EQ(json["eid"], kEid);
  EXPECT_EQ(json["seqNumber"], 7);
  EXPECT_EQ(json["event"], "enable");
  EXPECT_EQ(json["iccid"], "8999010010000001018");
  EXPECT_EQ(json["address"], "smdp.example.com");
  EXPECT_EQ(json["readAt"], "2026-11-24T20:31:02.123Z");
  EXPECT_EQ(json["operationId"], operation_id_);
  EXPECT_EQ(json["state"], "undelivered");
  EXPECT_TRUE(json["acceptedAt"].is_null());
  EXPECT_TRUE(json["removedFromCardAt"].is_null());
  EXPECT_FALSE(json.contains("pendingNotification"));
  EXPECT_EQ(json["attempts"], nlohmann::json::parse(R"([{
      "at": "2026-11-24T20:31:03.123Z",
      "url": "https://smdp.example.com/gsma/rsp2/es9plus/handleNotification",
      "httpStatus": 500, "durationMs": 42}])"));
}

TEST_F(JournalViewTest, AcceptedOnCardJsonHasBothAttemptKinds) {
  nlohmann::json json = NotificationEntryJson(Get(accepted_on_card_), false);
  EXPECT_EQ(json["state"], "accepted_on_card");
  EXPECT_EQ(json["acceptedAt"], "2026-11-24T20:31:05.173Z");
  EXPECT_TRUE(json["removedFromCardAt"].is_null());
  EXPECT_TRUE(json["operationId"].is_null());
  ASSERT_EQ(json["attempts"].size(), 2u);
  // Exactly one outcome per attempt: a reader tells them apart by which member exists.
  EXPECT_EQ(json["attempts"][0]["transportError"], "connection reset by peer");
  EXPECT_FALSE(json["attempts"][0].contains("httpStatus"));
  EXPECT_EQ(json["attempts"][0]["durationMs"], 7);
  EXPECT_EQ(json["attempts"][1]["httpStatus"], 204);
  EXPECT_FALSE(json["attempts"][1].contains("transportError"));
}

TEST_F(JournalViewTest, DoneAndRemovedUndeliveredJson) {
  nlohmann::json done = NotificationEntryJson(Get(done_), false);
  EXPECT_EQ(done["state"], "done");
  EXPECT_EQ(done["acceptedAt"], "2026-11-24T20:31:06.123Z");
  EXPECT_EQ(done["removedFromCardAt"], "2026-11-24T20:31:07.123Z");
  EXPECT_EQ(done["attempts"], nlohmann::json::array());

  nlohmann::json removed = NotificationEntryJson(Get(removed_undelivered_), false);
  EXPECT_EQ(removed["state"], "removed_undelivered");
  EXPECT_TRUE(removed["iccid"].is_null());
  EXPECT_TRUE(removed["acceptedAt"].is_null());
  EXPECT_EQ(removed["removedFromCardAt"], "2026-11-24T20:31:08.123Z");
}

TEST_F(JournalViewTest, DerIsBase64OfTheExactBytes) {
  EXPECT_EQ(NotificationEntryJson(Get(undelivered_), true)["pendingNotification"], "vy8DgAEH");
  EXPECT_EQ(NotificationEntryJson(Get(accepted_on_card_), true)["pendingNotification"], "vy8DgAEI");
}

TEST_F(JournalViewTest, OperationJsonUnfinishedThenFinished) {
  auto op = journal_->GetOperation(operation_id_);
  ASSERT_TRUE(op.ok());
  EXPECT_EQ(OperationEntryJson(*op), nlohmann::json::parse(R"({
      "id": )" + std::to_string(operation_id_) + R"(, "startedAt": "2026-11-24T20:31:00.123Z",
      "reader": "Virtual eUICC 00 00", "eid": ")" + kEid + R"(", "iccid": "8999010010000001018",
      "operation": "enable", "finishedAt": null, "resultCode": null, "resultMessage": null})"));

  ASSERT_TRUE(journal_->FinishOperation(operation_id_, 0, "ok", kReadAt + 500).ok());
  op = journal_->GetOperation(operation_id_);
  ASSERT_TRUE(op.ok());
  nlohmann::json finished = OperationEntryJson(*op);
  EXPECT_EQ(finished["finishedAt"], "2026-11-24T20:31:02.623Z");
  EXPECT_EQ(finished["resultCode"], 0);
  EXPECT_EQ(finished["resultMessage"], "ok");
}

TEST_F(JournalViewTest, TableHasOneLinePerEntryUnderTheHeader) {
  auto entries = journal_->List(false);
  ASSERT_TRUE(entries.ok());
  std::string table = NotificationTableText(*entries);
  std::istringstream lines(table);
  std::string header;
  std::getline(lines, header);
  for (const char* column : {"ID", "EID", "SEQ", "EVENT", "ICCID", "ADDRESS", "STATE", "ATTEMPTS", "LAST RESULT"}) {
    EXPECT_NE(header.find(column), std::string::npos) << column;
  }
  std::vector<std::string> rows;
  for (std::string line; std::getline(lines, line);) rows.push_back(line);
  ASSERT_EQ(rows.size(), 4u);
  // The full EID: it is what tells two cards' seqNumbers apart.
  EXPECT_NE(rows[0].find(kEid), std::string::npos);
  EXPECT_NE(rows[0].find("undelivered"), std::string::npos);
  EXPECT_NE(rows[0].find(DescribeAttempt((*entries)[0].attempts.back())), std::string::npos);
  EXPECT_NE(rows[1].find("accepted_on_card"), std::string::npos);
  EXPECT_NE(rows[1].find(DescribeAttempt((*entries)[1].attempts.back())), std::string::npos);
  EXPECT_NE(rows[2].find("done"), std::string::npos);
  // No ICCID and no attempt: dashes, so columns stay aligned.
  EXPECT_NE(rows[3].find("removed_undelivered"), std::string::npos);
  EXPECT_EQ(rows[3].substr(rows[3].size() - 1), "-");
  EXPECT_NE(rows[3].find(" - "), std::string::npos);
}

TEST_F(JournalViewTest, TableOfNothingIsTheHeaderOnly) {
  std::string table = NotificationTableText({});
  EXPECT_EQ(std::count(table.begin(), table.end(), '\n'), 1);
}

TEST_F(JournalViewTest, DetailShowsFieldsAttemptsAndWhatIsOwed) {
  JournalEntry entry = Get(accepted_on_card_);
  std::string text = NotificationDetailText(entry);
  EXPECT_NE(text.find(kEid), std::string::npos);
  EXPECT_NE(text.find("accepted_on_card"), std::string::npos);
  EXPECT_NE(text.find("Read from card at"), std::string::npos);
  EXPECT_NE(text.find("2026-11-24T20:31:02.123Z"), std::string::npos);
  EXPECT_NE(text.find("Accepted at"), std::string::npos);
  EXPECT_NE(text.find("2026-11-24T20:31:05.173Z"), std::string::npos);
  EXPECT_NE(text.find("6 bytes"), std::string::npos);
  EXPECT_NE(text.find("Attempt 1"), std::string::npos);
  EXPECT_NE(text.find("Attempt 2"), std::string::npos);
  EXPECT_EQ(text.find("Attempt 3"), std::string::npos);
  EXPECT_NE(text.find(DeliveryAttemptText(entry.attempts[0])), std::string::npos);
  EXPECT_NE(text.find("(7 ms)"), std::string::npos);
  // The owed sentence comes last, after a blank line.
  EXPECT_NE(text.find("\n\n" + NotificationOwedText(entry) + "\n"), std::string::npos);
}

TEST_F(JournalViewTest, DetailNamesTheOperation) {
  JournalEntry entry = Get(undelivered_);
  std::string without = NotificationDetailText(entry);
  EXPECT_NE(without.find("Operation"), std::string::npos);
  auto op = journal_->GetOperation(operation_id_);
  ASSERT_TRUE(op.ok());
  std::string with = NotificationDetailText(entry, &*op);
  EXPECT_NE(with.find("enable 8999010010000001018 on reader Virtual eUICC 00 00"), std::string::npos);
  EXPECT_NE(with.find("never finished"), std::string::npos);
}

TEST_F(JournalViewTest, OwedTextPerState) {
  EXPECT_EQ(NotificationOwedText(Get(undelivered_)),
            "Not yet accepted by the SM-DP+; still on the card. Deliver it with: esimctl journal retry");
  EXPECT_NE(NotificationOwedText(Get(removed_undelivered_)).find("the journal holds the only copy"),
            std::string::npos);
  EXPECT_NE(NotificationOwedText(Get(accepted_on_card_)).find("still on the card"), std::string::npos);
  EXPECT_EQ(NotificationOwedText(Get(done_)).rfind("Done", 0), 0u);
}

TEST_F(JournalViewTest, AttemptTextNamesTimeUrlOutcomeAndDuration) {
  JournalEntry entry = Get(undelivered_);
  EXPECT_EQ(DeliveryAttemptText(entry.attempts[0]),
            "2026-11-24T20:31:03.123Z https://smdp.example.com/gsma/rsp2/es9plus/handleNotification: " +
                DescribeAttempt(entry.attempts[0]) + " (42 ms)");
}

}  // namespace
}  // namespace esim

// NotificationKeeper, RunJournaled and PlanProfileChange on the in-process virtual eUICC
// ("virtual:STATE.json", a fresh copy of vcard/default-state.json per test) with a
// journal in the same temp dir. The invariant under test: a notification is never removed
// from the card before the SM-DP+'s acceptance is in the journal.
#include "src/safety/notification_keeper.h"

#include <stdlib.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "common/exit_codes.h"
#include "src/ops/notifications.h"
#include "src/ops/profile_list.h"
#include "src/ops/profile_ops.h"
#include "src/safety/change_plans.h"
#include "src/safety/guarded_operation.h"
#include "src/safety/handle_notification_client.h"
#include "src/safety/notification_journal.h"
#include "src/session/card_session.h"

namespace esim {
namespace {

namespace fs = std::filesystem;

const std::string kDefaultState = std::string(ESIM_SOURCE_DIR) + "/vcard/default-state.json";
const std::string kEid = "89049032000000000000000012345644";  // the default card's EID
const es10::Iccid kEnabled = "8999010010000001018";   // Northwind, enabled, notifies smdp.northwind.example
const es10::Iccid kDisabled = "8999020020000002021";  // Contoso, disabled, delete -> rsp.contoso.example
const es10::Iccid kTest = "8999030030000003034";      // Fabrikam test profile, delete only
const es10::Iccid kUnknown = "8999090090000009099";
constexpr int64_t kNow = 1700000000000;

class KeeperTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (fs::temp_directory_path() / "esim-keeper-XXXXXX").string();
    ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
    state_ = dir_ + "/state.json";
    fs::copy_file(kDefaultState, state_);
    SessionOptions options;
    options.reader = "virtual:" + state_;
    auto session = CardSession::Open(options);
    ASSERT_TRUE(session.ok()) << session.status().message();
    session_ = std::move(*session);
    auto eid = session_->es10().GetEid();
    ASSERT_TRUE(eid.ok()) << eid.status().message();
    ASSERT_EQ(*eid, kEid);
    auto journal = NotificationJournal::Open(dir_ + "/journal/journal.db");
    ASSERT_TRUE(journal.ok()) << journal.status().message();
    journal_ = std::move(*journal);
  }
  void TearDown() override {
    session_.reset();
    journal_.reset();
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  std::unique_ptr<NotificationKeeper> Keeper(HandleNotificationClient* client = nullptr, bool with_card = true) {
    return std::make_unique<NotificationKeeper>(with_card ? session_.get() : nullptr, *journal_, client,
                                                [] { return kNow; });
  }

  // A client whose every delivery fails at once: the fictional SM-DP+ is routed to port 1
  // on the loopback, where nothing listens (connection refused).
  static std::unique_ptr<HandleNotificationClient> RefusingClient() {
    DeliveryOptions options;
    options.connect_to = {"smdp.northwind.example:443:127.0.0.1:1", "rsp.contoso.example:443:127.0.0.1:1"};
    options.max_attempts = 2;
    options.first_backoff = std::chrono::milliseconds(1);
    options.connect_timeout = std::chrono::milliseconds(2000);
    options.total_timeout = std::chrono::milliseconds(4000);
    auto client = HandleNotificationClient::Create(options);
    EXPECT_TRUE(client.ok()) << client.status().message();
    return client.ok() ? std::move(*client) : nullptr;
  }

  // The seqNumbers on the card now.
  std::vector<int64_t> OnCard() {
    auto listing = ListNotifications(*session_, false);
    EXPECT_TRUE(listing.ok()) << listing.status().message();
    std::vector<int64_t> seqs;
    if (!listing.ok()) return seqs;
    for (const auto& n : *listing) seqs.push_back(n.metadata.seqNumber);
    return seqs;
  }
  bool IsOnCard(int64_t seq) {
    auto seqs = OnCard();
    return std::find(seqs.begin(), seqs.end(), seq) != seqs.end();
  }

  std::optional<es10::ProfileState> StateOf(const es10::Iccid& iccid) {
    auto profiles = ListProfiles(*session_, {});
    EXPECT_TRUE(profiles.ok()) << profiles.status().message();
    if (!profiles.ok()) return std::nullopt;
    for (const auto& p : *profiles) {
      if (p.iccid == iccid) return p.profileState;
    }
    return std::nullopt;
  }

  size_t JournaledCount() {
    auto all = journal_->List(false);
    EXPECT_TRUE(all.ok()) << all.status().message();
    return all.ok() ? all->size() : 0;
  }

  // Journals seq from the card (CaptureSeqs) and returns its entry.
  JournalEntry CaptureOne(int64_t seq) {
    auto keeper = Keeper();
    auto entries = keeper->CaptureSeqs(kEid, {seq});
    EXPECT_TRUE(entries.ok()) << entries.status().message();
    if (!entries.ok() || entries->size() != 1) {
      ADD_FAILURE() << "could not capture notification " << seq;
      return {};
    }
    return (*entries)[0];
  }

  int64_t BeginOperation(const std::string& operation) {
    auto id = journal_->BeginOperation({kNow, session_->reader_name(), kEid, kDisabled, operation});
    EXPECT_TRUE(id.ok()) << id.status().message();
    return id.ok() ? *id : 0;
  }

  std::string dir_;
  std::string state_;
  std::unique_ptr<CardSession> session_;
  std::unique_ptr<NotificationJournal> journal_;
};

// Suite names start with "safety" so that `ctest -R safety` selects them.
using safetyNotificationKeeper = KeeperTest;
using safetyPlanProfileChange = KeeperTest;

NotificationRecord Record(const std::string& eid, int64_t seq) {
  return {eid, seq, "enable", kEnabled, "smdp.northwind.example", Bytes{0xBF, 0x2F, 0x03, 0x80, 0x01,
                                                                         static_cast<uint8_t>(seq)},
          kNow, std::nullopt};
}

// ---- HighestKnownSeq -----------------------------------------------------------------------

TEST_F(safetyNotificationKeeper, HighestKnownSeqIsTheCardsWhenTheJournalIsEmpty) {
  auto keeper = Keeper();
  auto highest = keeper->HighestKnownSeq(kEid);
  ASSERT_TRUE(highest.ok()) << highest.status().message();
  EXPECT_EQ(*highest, 9);  // the default card holds 7, 8, 9
}

TEST_F(safetyNotificationKeeper, HighestKnownSeqIsTheJournalsWhenItIsHigher) {
  ASSERT_TRUE(journal_->RecordNotification(Record(kEid, 15)).ok());
  ASSERT_TRUE(journal_->RecordNotification(Record("89049032000000000000000099999999", 40)).ok());
  auto keeper = Keeper();
  auto highest = keeper->HighestKnownSeq(kEid);
  ASSERT_TRUE(highest.ok()) << highest.status().message();
  EXPECT_EQ(*highest, 15);  // another card's 40 does not count
  auto no_card = Keeper(nullptr, /*with_card=*/false)->HighestKnownSeq(kEid);
  ASSERT_TRUE(no_card.ok()) << no_card.status().message();
  EXPECT_EQ(*no_card, 15);
}

TEST_F(safetyNotificationKeeper, HighestKnownSeqIsTheCardsWhenTheJournalIsLower) {
  ASSERT_TRUE(journal_->RecordNotification(Record(kEid, 3)).ok());
  auto highest = Keeper()->HighestKnownSeq(kEid);
  ASSERT_TRUE(highest.ok()) << highest.status().message();
  EXPECT_EQ(*highest, 9);
  auto no_card = Keeper(nullptr, false)->HighestKnownSeq(kEid);
  ASSERT_TRUE(no_card.ok());
  EXPECT_EQ(*no_card, 3);
}

// ---- CaptureAbove / CaptureSeqs --------------------------------------------------------------

TEST_F(safetyNotificationKeeper, CaptureAboveJournalsExactlyTheDeleteNotificationWithTheCardsDer) {
  auto keeper = Keeper();
  auto before = keeper->HighestKnownSeq(kEid);
  ASSERT_TRUE(before.ok());
  ASSERT_TRUE(ChangeProfileState(*session_, StateChange::kDelete, kDisabled, false).ok());
  const int64_t op = BeginOperation("delete");

  auto captured = keeper->CaptureAbove(kEid, *before, op);
  ASSERT_TRUE(captured.ok()) << captured.status().message();
  ASSERT_EQ(captured->size(), 1u);
  const JournalEntry& e = (*captured)[0];
  EXPECT_EQ(e.record.seq_number, 10);
  EXPECT_EQ(e.record.event, "delete");
  EXPECT_EQ(e.record.iccid, kDisabled);
  EXPECT_EQ(e.record.address, "rsp.contoso.example");
  EXPECT_EQ(e.record.eid, kEid);
  EXPECT_EQ(e.record.read_at_ms, kNow);
  EXPECT_EQ(e.record.operation_id, op);
  EXPECT_EQ(e.state(), NotificationState::kUndelivered);
  EXPECT_TRUE(e.attempts.empty());

  auto on_card = RetrieveNotification(*session_, 10);
  ASSERT_TRUE(on_card.ok()) << on_card.status().message();
  EXPECT_EQ(e.record.der, on_card->der);
  EXPECT_FALSE(e.record.der.empty());

  // Only the new one: the three older notifications are neither returned nor journaled.
  EXPECT_EQ(JournaledCount(), 1u);
  auto stored = journal_->Find(kEid, 10);
  ASSERT_TRUE(stored.ok());
  ASSERT_TRUE(stored->has_value());
  EXPECT_EQ((*stored)->record.der, on_card->der);
  EXPECT_EQ((*stored)->record.operation_id, op);
  // Capturing leaves the card alone.
  EXPECT_EQ(OnCard(), (std::vector<int64_t>{7, 8, 9, 10}));
}

TEST_F(safetyNotificationKeeper, CaptureAboveWithNothingNewJournalsNothing) {
  auto captured = Keeper()->CaptureAbove(kEid, 9, std::nullopt);
  ASSERT_TRUE(captured.ok()) << captured.status().message();
  EXPECT_TRUE(captured->empty());
  EXPECT_EQ(JournaledCount(), 0u);
}

TEST_F(safetyNotificationKeeper, CaptureAboveNeedsACard) {
  auto captured = Keeper(nullptr, false)->CaptureAbove(kEid, 0, std::nullopt);
  EXPECT_FALSE(captured.ok());
  EXPECT_EQ(JournaledCount(), 0u);
}

TEST_F(safetyNotificationKeeper, CaptureSeqsWithoutSeqsJournalsEveryNotificationOnTheCard) {
  auto captured = Keeper()->CaptureSeqs(kEid, {});
  ASSERT_TRUE(captured.ok()) << captured.status().message();
  ASSERT_EQ(captured->size(), 3u);
  const std::vector<int64_t> expected{7, 8, 9};
  for (size_t i = 0; i < 3; ++i) {
    const JournalEntry& e = (*captured)[i];
    EXPECT_EQ(e.record.seq_number, expected[i]);
    EXPECT_FALSE(e.record.operation_id.has_value());
    auto on_card = RetrieveNotification(*session_, expected[i]);
    ASSERT_TRUE(on_card.ok());
    EXPECT_EQ(e.record.der, on_card->der) << "seq " << expected[i];
  }
  EXPECT_EQ((*captured)[0].record.event, "install");
  EXPECT_EQ((*captured)[1].record.event, "enable");
  EXPECT_EQ((*captured)[2].record.address, "rsp.contoso.example");
  EXPECT_EQ(JournaledCount(), 3u);
  EXPECT_EQ(OnCard(), expected);
}

TEST_F(safetyNotificationKeeper, CaptureSeqsOfAMissingSeqIsNothingToDelete) {
  auto captured = Keeper()->CaptureSeqs(kEid, {42});
  ASSERT_FALSE(captured.ok());
  EXPECT_EQ(captured.status().code(), ErrorCode::kNothingToDelete);
  EXPECT_NE(captured.status().message().find("42"), std::string::npos) << captured.status().message();
  EXPECT_EQ(JournaledCount(), 0u);
}

TEST_F(safetyNotificationKeeper, CaptureSeqsOfAJournaledNotificationGoneFromTheCardReturnsTheJournalEntry) {
  JournalEntry first = CaptureOne(8);
  ASSERT_NE(first.id, 0);
  ASSERT_TRUE(RemoveNotification(*session_, 8).ok());
  ASSERT_FALSE(IsOnCard(8));
  auto again = Keeper()->CaptureSeqs(kEid, {8});
  ASSERT_TRUE(again.ok()) << again.status().message();
  ASSERT_EQ(again->size(), 1u);
  EXPECT_EQ((*again)[0].id, first.id);
  EXPECT_EQ((*again)[0].record.der, first.record.der);
  EXPECT_EQ(JournaledCount(), 1u);
}

TEST_F(safetyNotificationKeeper, CaptureSeqsTwiceKeepsOneJournalEntry) {
  JournalEntry first = CaptureOne(9);
  JournalEntry second = CaptureOne(9);
  EXPECT_EQ(first.id, second.id);
  EXPECT_EQ(JournaledCount(), 1u);
}

// ---- Settle ---------------------------------------------------------------------------------

TEST_F(safetyNotificationKeeper, SettleWithoutAClientKeepsItUndeliveredAndOnTheCard) {
  JournalEntry entry = CaptureOne(9);
  auto kept = Keeper(nullptr)->Settle({entry}, kEid);
  ASSERT_TRUE(kept.ok()) << kept.status().message();
  ASSERT_EQ(kept->size(), 1u);
  const KeptNotification& k = (*kept)[0];
  EXPECT_FALSE(k.delivered_now);
  EXPECT_FALSE(k.removed_now);
  ASSERT_TRUE(k.not_yet.has_value());
  EXPECT_FALSE(k.not_yet->empty());
  EXPECT_EQ(k.entry.state(), NotificationState::kUndelivered);
  EXPECT_TRUE(k.entry.attempts.empty());
  EXPECT_TRUE(IsOnCard(9));
}

TEST_F(safetyNotificationKeeper, FailedDeliveryIsJournaledAndTheNotificationStaysOnTheCard) {
  auto client = RefusingClient();
  ASSERT_TRUE(client);
  JournalEntry entry = CaptureOne(8);  // smdp.northwind.example -> 127.0.0.1:1
  std::vector<int64_t> progress;
  auto kept = Keeper(client.get())->Settle({entry}, kEid, [&](size_t i, size_t n, const JournalEntry& e) {
    EXPECT_EQ(n, 1u);
    progress.push_back(static_cast<int64_t>(i) * 100 + e.record.seq_number);
  });
  ASSERT_TRUE(kept.ok()) << kept.status().message();
  EXPECT_EQ(progress, std::vector<int64_t>{108});
  ASSERT_EQ(kept->size(), 1u);
  const KeptNotification& k = (*kept)[0];
  EXPECT_FALSE(k.delivered_now);
  EXPECT_FALSE(k.removed_now);
  ASSERT_TRUE(k.not_yet.has_value());
  EXPECT_FALSE(k.not_yet->empty());
  EXPECT_EQ(k.entry.state(), NotificationState::kUndelivered);
  EXPECT_FALSE(k.entry.accepted_at_ms.has_value());
  EXPECT_FALSE(k.entry.removed_at_ms.has_value());
  ASSERT_EQ(k.entry.attempts.size(), 2u);
  for (const auto& a : k.entry.attempts) {
    EXPECT_TRUE(a.transport_error.has_value());
    EXPECT_FALSE(a.http_status.has_value());
    EXPECT_NE(a.url.find("smdp.northwind.example"), std::string::npos) << a.url;
  }
  // The journal says the same as the receipt.
  auto stored = journal_->Get(entry.id);
  ASSERT_TRUE(stored.ok());
  EXPECT_EQ(stored->attempts.size(), 2u);
  EXPECT_EQ(stored->state(), NotificationState::kUndelivered);
  // The key invariant: never removed from the card before acceptance.
  EXPECT_TRUE(IsOnCard(8));
  EXPECT_EQ(OnCard(), (std::vector<int64_t>{7, 8, 9}));
}

TEST_F(safetyNotificationKeeper, AcceptedEntryIsRemovedFromTheCardWithoutAnyDeliveryAttempt) {
  auto client = RefusingClient();  // would record failed attempts if it were used
  ASSERT_TRUE(client);
  JournalEntry entry = CaptureOne(9);
  ASSERT_TRUE(journal_->MarkAccepted(entry.id, kNow - 5).ok());
  auto accepted = journal_->Get(entry.id);
  ASSERT_TRUE(accepted.ok());
  auto kept = Keeper(client.get())->Settle({*accepted}, kEid);
  ASSERT_TRUE(kept.ok()) << kept.status().message();
  ASSERT_EQ(kept->size(), 1u);
  const KeptNotification& k = (*kept)[0];
  EXPECT_FALSE(k.delivered_now);
  EXPECT_TRUE(k.removed_now);
  EXPECT_FALSE(k.not_yet.has_value()) << *k.not_yet;
  EXPECT_EQ(k.entry.state(), NotificationState::kDone);
  EXPECT_EQ(k.entry.accepted_at_ms, kNow - 5);
  EXPECT_EQ(k.entry.removed_at_ms, kNow);
  EXPECT_TRUE(k.entry.attempts.empty());
  EXPECT_FALSE(IsOnCard(9));
  EXPECT_EQ(OnCard(), (std::vector<int64_t>{7, 8}));
}

TEST_F(safetyNotificationKeeper, AcceptedEntryOfAnotherCardIsNotRemoved) {
  JournalEntry entry = CaptureOne(9);
  ASSERT_TRUE(journal_->MarkAccepted(entry.id, kNow).ok());
  auto accepted = journal_->Get(entry.id);
  ASSERT_TRUE(accepted.ok());
  for (const std::optional<std::string>& card_eid :
       {std::optional<std::string>("89049032000000000000000099999999"), std::optional<std::string>()}) {
    auto kept = Keeper(nullptr)->Settle({*accepted}, card_eid);
    ASSERT_TRUE(kept.ok()) << kept.status().message();
    ASSERT_EQ(kept->size(), 1u);
    const KeptNotification& k = (*kept)[0];
    EXPECT_FALSE(k.removed_now);
    EXPECT_TRUE(k.not_yet.has_value());
    EXPECT_EQ(k.entry.state(), NotificationState::kAcceptedOnCard);
    EXPECT_TRUE(IsOnCard(9));
  }
}

TEST_F(safetyNotificationKeeper, AcceptedEntryWithoutACardIsNotRemoved) {
  JournalEntry entry = CaptureOne(9);
  ASSERT_TRUE(journal_->MarkAccepted(entry.id, kNow).ok());
  auto accepted = journal_->Get(entry.id);
  ASSERT_TRUE(accepted.ok());
  auto kept = Keeper(nullptr, /*with_card=*/false)->Settle({*accepted}, kEid);
  ASSERT_TRUE(kept.ok()) << kept.status().message();
  ASSERT_EQ(kept->size(), 1u);
  EXPECT_FALSE((*kept)[0].removed_now);
  EXPECT_TRUE((*kept)[0].not_yet.has_value());
  EXPECT_EQ((*kept)[0].entry.state(), NotificationState::kAcceptedOnCard);
  EXPECT_TRUE(IsOnCard(9));
}

TEST_F(safetyNotificationKeeper, AcceptedEntryAlreadyGoneFromTheCardIsMarkedRemoved) {
  JournalEntry entry = CaptureOne(9);
  ASSERT_TRUE(RemoveNotification(*session_, 9).ok());  // another tool removed it
  ASSERT_TRUE(journal_->MarkAccepted(entry.id, kNow).ok());
  auto accepted = journal_->Get(entry.id);
  ASSERT_TRUE(accepted.ok());
  auto kept = Keeper(nullptr)->Settle({*accepted}, kEid);
  ASSERT_TRUE(kept.ok()) << kept.status().message();
  ASSERT_EQ(kept->size(), 1u);
  const KeptNotification& k = (*kept)[0];
  EXPECT_FALSE(k.removed_now);  // not by this run
  EXPECT_FALSE(k.not_yet.has_value()) << *k.not_yet;
  EXPECT_EQ(k.entry.state(), NotificationState::kDone);
  EXPECT_EQ(k.entry.removed_at_ms, kNow);
  EXPECT_EQ(OnCard(), (std::vector<int64_t>{7, 8}));
}

TEST_F(safetyNotificationKeeper, SettleOfSeveralKeepsEachOnTheCardUntilAccepted) {
  auto captured = Keeper()->CaptureSeqs(kEid, {});
  ASSERT_TRUE(captured.ok());
  ASSERT_EQ(captured->size(), 3u);
  // Only 8 is accepted; 7 and 9 are not and there is no client.
  ASSERT_TRUE(journal_->MarkAccepted((*captured)[1].id, kNow).ok());
  std::vector<JournalEntry> entries;
  for (const auto& e : *captured) {
    auto fresh = journal_->Get(e.id);
    ASSERT_TRUE(fresh.ok());
    entries.push_back(*fresh);
  }
  auto kept = Keeper(nullptr)->Settle(entries, kEid);
  ASSERT_TRUE(kept.ok()) << kept.status().message();
  ASSERT_EQ(kept->size(), 3u);
  EXPECT_EQ((*kept)[0].entry.state(), NotificationState::kUndelivered);
  EXPECT_EQ((*kept)[1].entry.state(), NotificationState::kDone);
  EXPECT_EQ((*kept)[2].entry.state(), NotificationState::kUndelivered);
  EXPECT_EQ(OnCard(), (std::vector<int64_t>{7, 9}));
}

// ---- RunJournaled --------------------------------------------------------------------------

class GuardedTest : public KeeperTest {
 protected:
  void SetUp() override {
    KeeperTest::SetUp();
    if (HasFatalFailure()) return;
    keeper_ = Keeper(nullptr);
    context_ = std::make_unique<GuardedContext>(GuardedContext{*session_, *journal_, *keeper_, kEid, -1});
  }
  void TearDown() override {
    context_.reset();
    keeper_.reset();
    KeeperTest::TearDown();
  }

  OperationEntry Operation(int64_t id) {
    auto op = journal_->GetOperation(id);
    EXPECT_TRUE(op.ok()) << op.status().message();
    return op.ok() ? *op : OperationEntry{};
  }

  std::unique_ptr<NotificationKeeper> keeper_;
  std::unique_ptr<GuardedContext> context_;
};
using safetyRunJournaled = GuardedTest;

TEST_F(safetyRunJournaled, RunJournaledRecordsTheOperationAndCapturesItsNotification) {
  auto before = HighestSeqBefore(*context_);
  ASSERT_TRUE(before.ok()) << before.status().message();
  EXPECT_EQ(*before, 9);
  bool ran = false;
  auto step = RunJournaled(*context_, "delete", kDisabled, [&]() -> Status {
    ran = true;
    // The intent is committed before the command is sent.
    auto ops = journal_->ListOperations();
    EXPECT_TRUE(ops.ok());
    if (ops.ok()) {
      EXPECT_EQ(ops->size(), 1u);
      if (!ops->empty()) {
        EXPECT_FALSE(ops->back().finished_at_ms.has_value());
      }
    }
    return ChangeProfileState(*session_, StateChange::kDelete, kDisabled, false).status();
  });
  ASSERT_TRUE(step.ok()) << step.status().message();
  EXPECT_TRUE(ran);
  EXPECT_TRUE(step->status.ok()) << step->status.message();
  EXPECT_EQ(step->operation, "delete");

  OperationEntry op = Operation(step->operation_id);
  EXPECT_EQ(op.id, step->operation_id);
  EXPECT_EQ(op.record.operation, "delete");
  EXPECT_EQ(op.record.iccid, kDisabled);
  EXPECT_EQ(op.record.eid, kEid);
  EXPECT_EQ(op.record.reader, session_->reader_name());
  EXPECT_TRUE(op.finished_at_ms.has_value());
  EXPECT_EQ(op.result_code, 0);

  ASSERT_EQ(step->captured.size(), 1u);
  const JournalEntry& e = step->captured[0];
  EXPECT_EQ(e.record.seq_number, 10);
  EXPECT_EQ(e.record.event, "delete");
  EXPECT_EQ(e.record.operation_id, step->operation_id);
  EXPECT_EQ(context_->highest_seq, 10);
  EXPECT_EQ(JournaledCount(), 1u);
  EXPECT_TRUE(IsOnCard(10));  // captured, not delivered, not removed
  EXPECT_FALSE(StateOf(kDisabled).has_value());
}

TEST_F(safetyRunJournaled, TwoStepsEachCaptureOnlyTheirOwnNotification) {
  ASSERT_TRUE(HighestSeqBefore(*context_).ok());
  auto disable = RunJournaled(*context_, "disable", kEnabled, [&] {
    return ChangeProfileState(*session_, StateChange::kDisable, kEnabled, false).status();
  });
  ASSERT_TRUE(disable.ok()) << disable.status().message();
  auto remove = RunJournaled(*context_, "delete", kEnabled, [&] {
    return ChangeProfileState(*session_, StateChange::kDelete, kEnabled, false).status();
  });
  ASSERT_TRUE(remove.ok()) << remove.status().message();
  ASSERT_TRUE(disable->status.ok()) << disable->status.message();
  ASSERT_TRUE(remove->status.ok()) << remove->status.message();
  ASSERT_EQ(disable->captured.size(), 1u);
  ASSERT_EQ(remove->captured.size(), 1u);
  EXPECT_EQ(disable->captured[0].record.event, "disable");
  EXPECT_EQ(disable->captured[0].record.operation_id, disable->operation_id);
  EXPECT_EQ(remove->captured[0].record.event, "delete");
  EXPECT_EQ(remove->captured[0].record.operation_id, remove->operation_id);
  EXPECT_NE(disable->operation_id, remove->operation_id);
  EXPECT_EQ(JournaledCount(), 2u);
}

TEST_F(safetyRunJournaled, RunJournaledWithoutCaptureJournalsNoNotification) {
  ASSERT_TRUE(HighestSeqBefore(*context_).ok());
  auto step = RunJournaled(
      *context_, "delete", kDisabled,
      [&] { return ChangeProfileState(*session_, StateChange::kDelete, kDisabled, false).status(); },
      /*capture_notifications=*/false);
  ASSERT_TRUE(step.ok()) << step.status().message();
  EXPECT_TRUE(step->status.ok()) << step->status.message();
  EXPECT_TRUE(step->captured.empty());
  EXPECT_EQ(JournaledCount(), 0u);
  EXPECT_EQ(Operation(step->operation_id).result_code, 0);
  EXPECT_EQ(OnCard(), (std::vector<int64_t>{7, 8, 9, 10}));  // the card made it; it stays there
}

TEST_F(safetyRunJournaled, FailingCommandKeepsItsStatusAndFinishesWithItsCode) {
  ASSERT_TRUE(HighestSeqBefore(*context_).ok());
  // Deleting the enabled profile: the card refuses (profileNotInDisabledState).
  auto step = RunJournaled(*context_, "delete", kEnabled, [&] {
    return ChangeProfileState(*session_, StateChange::kDelete, kEnabled, false).status();
  });
  ASSERT_TRUE(step.ok()) << step.status().message();  // the journal worked
  EXPECT_EQ(step->status.code(), ErrorCode::kWrongProfileState) << step->status.message();
  OperationEntry op = Operation(step->operation_id);
  EXPECT_TRUE(op.finished_at_ms.has_value());
  ASSERT_TRUE(op.result_code.has_value());
  EXPECT_NE(*op.result_code, 0);
  EXPECT_EQ(*op.result_code, ExitCodeFor(ErrorCode::kWrongProfileState));
  EXPECT_EQ(op.result_message, step->status.message());
  EXPECT_TRUE(step->captured.empty());
  EXPECT_EQ(StateOf(kEnabled), es10::ProfileState::kEnabled);
}

TEST_F(safetyRunJournaled, FailingCommandWithoutCardTrafficIsJournaledAsFailed) {
  ASSERT_TRUE(HighestSeqBefore(*context_).ok());
  auto step = RunJournaled(*context_, "nickname", kEnabled,
                           [] { return Status(ErrorCode::kCardStatus, "the card answered 6A88"); });
  ASSERT_TRUE(step.ok()) << step.status().message();
  EXPECT_EQ(step->status.code(), ErrorCode::kCardStatus);
  EXPECT_EQ(step->status.message(), "the card answered 6A88");
  OperationEntry op = Operation(step->operation_id);
  EXPECT_EQ(op.result_code, ExitCodeFor(ErrorCode::kCardStatus));
  EXPECT_EQ(op.result_message, "the card answered 6A88");
  EXPECT_EQ(op.record.operation, "nickname");
}

// ---- PlanProfileChange -----------------------------------------------------------------------

// The profile changes a plan's steps send, in order.
std::vector<StateChange> Changes(const ChangePlan& plan) {
  std::vector<StateChange> changes;
  for (const auto& step : plan.steps) {
    if (!step.request) continue;
    if (std::holds_alternative<es10::EnableProfileRequest>(*step.request)) changes.push_back(StateChange::kEnable);
    if (std::holds_alternative<es10::DisableProfileRequest>(*step.request)) changes.push_back(StateChange::kDisable);
    if (std::holds_alternative<es10::DeleteProfileRequest>(*step.request)) changes.push_back(StateChange::kDelete);
  }
  return changes;
}

// Each step's notification address.
std::vector<std::optional<std::string>> Addresses(const ChangePlan& plan) {
  std::vector<std::optional<std::string>> addresses;
  for (const auto& step : plan.steps) addresses.push_back(step.notify_address);
  return addresses;
}

TEST_F(safetyPlanProfileChange, PlanOfAnUnknownProfileIsProfileNotFound) {
  auto plan = PlanProfileChange(*session_, StateChange::kDelete, kUnknown, false);
  ASSERT_FALSE(plan.ok());
  EXPECT_EQ(plan.status().code(), ErrorCode::kProfileNotFound);
  EXPECT_NE(plan.status().message().find(kUnknown), std::string::npos) << plan.status().message();
}

TEST_F(safetyPlanProfileChange, PlanToDeleteTheEnabledProfileIsRefusedAndChangesNothing) {
  auto plan = PlanProfileChange(*session_, StateChange::kDelete, kEnabled, /*disable_first=*/false);
  ASSERT_FALSE(plan.ok());
  EXPECT_EQ(plan.status().code(), ErrorCode::kWrongProfileState);
  EXPECT_NE(plan.status().message().find("--disable-first"), std::string::npos) << plan.status().message();
  EXPECT_EQ(StateOf(kEnabled), es10::ProfileState::kEnabled);
  EXPECT_EQ(StateOf(kDisabled), es10::ProfileState::kDisabled);
  EXPECT_EQ(OnCard(), (std::vector<int64_t>{7, 8, 9}));
}

TEST_F(safetyPlanProfileChange, PlanWithDisableFirstDisablesThenDeletes) {
  auto plan = PlanProfileChange(*session_, StateChange::kDelete, kEnabled, /*disable_first=*/true);
  ASSERT_TRUE(plan.ok()) << plan.status().message();
  EXPECT_EQ(Changes(*plan), (std::vector<StateChange>{StateChange::kDisable, StateChange::kDelete}));
  EXPECT_EQ(plan->profiles.front().iccid, kEnabled);
  EXPECT_EQ(plan->profiles.front().profileName, "Northwind Unlimited");
  ASSERT_EQ(Addresses(*plan).size(), 2u);
  EXPECT_EQ(Addresses(*plan)[0], "smdp.northwind.example");
  EXPECT_EQ(Addresses(*plan)[1], "smdp.northwind.example");
  EXPECT_EQ(StateOf(kEnabled), es10::ProfileState::kEnabled);  // planning sends nothing
}

TEST_F(safetyPlanProfileChange, PlanTakesEachStepsAddressFromTheProfilesConfiguration) {
  // Contoso: install/delete -> rsp.contoso.example, enable/disable -> notify.contoso.example.
  auto remove = PlanProfileChange(*session_, StateChange::kDelete, kDisabled, false);
  ASSERT_TRUE(remove.ok()) << remove.status().message();
  EXPECT_EQ(Changes(*remove), std::vector<StateChange>{StateChange::kDelete});
  EXPECT_EQ(Addresses(*remove), (std::vector<std::optional<std::string>>{"rsp.contoso.example"}));
  // disable_first changes nothing for a disabled profile.
  auto remove2 = PlanProfileChange(*session_, StateChange::kDelete, kDisabled, true);
  ASSERT_TRUE(remove2.ok());
  EXPECT_EQ(Changes(*remove2), std::vector<StateChange>{StateChange::kDelete});
  auto enable = PlanProfileChange(*session_, StateChange::kEnable, kDisabled, false);
  ASSERT_TRUE(enable.ok()) << enable.status().message();
  EXPECT_EQ(Changes(*enable), std::vector<StateChange>{StateChange::kEnable});
  EXPECT_EQ(Addresses(*enable), (std::vector<std::optional<std::string>>{"notify.contoso.example"}));
  // Fabrikam asks to be told of deletion only.
  auto disable = PlanProfileChange(*session_, StateChange::kDisable, kTest, false);
  ASSERT_TRUE(disable.ok()) << disable.status().message();
  EXPECT_EQ(Addresses(*disable), (std::vector<std::optional<std::string>>{std::nullopt}));
  auto remove3 = PlanProfileChange(*session_, StateChange::kDelete, kTest, false);
  ASSERT_TRUE(remove3.ok());
  EXPECT_EQ(Addresses(*remove3), (std::vector<std::optional<std::string>>{"smdp.fabrikam.example"}));
}

}  // namespace
}  // namespace esim

// The change pipeline (RunChangePlan, PlanApdus) and the plans of change_plans.h on the
// in-process virtual eUICC, with a journal in a temp dir and no delivery (--no-notify): what a
// plan shows is what is sent, confirmation comes before any change, the journal records every
// step, and notification steps are journaled before the card's copy can go.
#include "src/safety/change_pipeline.h"

#include <stdlib.h>

#include <algorithm>
#include <filesystem>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "common/bytes.h"
#include "src/ops/notifications.h"
#include "src/ops/profile_list.h"
#include "src/safety/change_plans.h"

namespace esim {
namespace {

namespace fs = std::filesystem;

const std::string kDefaultState = std::string(ESIM_SOURCE_DIR) + "/vcard/default-state.json";
const es10::Iccid kEnabled = "8999010010000001018";   // Northwind, enabled
const es10::Iccid kDisabled = "8999020020000002021";  // Contoso, disabled, delete -> rsp.contoso.example

// Answers every confirmation with a fixed verdict and remembers what it was asked.
class ScriptedConfirmer : public Confirmer {
 public:
  explicit ScriptedConfirmer(bool yes) : yes_(yes) {}
  Status Confirm(const ConfirmationRequest& request) override {
    asked.push_back(request.summary);
    return yes_ ? Status::Ok() : Status(ErrorCode::kNotConfirmed, "not confirmed; nothing was sent");
  }
  std::vector<std::string> asked;

 private:
  bool yes_;
};

class PipelineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (fs::temp_directory_path() / "esim-pipeline-XXXXXX").string();
    ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
    fs::copy_file(kDefaultState, dir_ + "/state.json");
    GuardedSessionOptions options;
    options.card.reader = "virtual:" + dir_ + "/state.json";
    options.card.apdu_log = &log_;  // "> C-APDU" lines: what reached the card
    options.journal_path = dir_ + "/journal/journal.db";
    options.deliver = false;
    auto guarded = GuardedSession::Open(options);
    ASSERT_TRUE(guarded.ok()) << guarded.status().message();
    guarded_ = std::move(*guarded);
  }
  void TearDown() override {
    guarded_.reset();
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  // The C-APDUs sent since the last call, upper-case hex.
  std::vector<std::string> Sent() {
    std::vector<std::string> commands;
    std::istringstream lines(log_.str());
    for (std::string line; std::getline(lines, line);) {
      if (line.rfind("> ", 0) == 0) commands.push_back(line.substr(2));
    }
    log_.str("");
    return commands;
  }

  std::optional<es10::ProfileInfo> Profile(const es10::Iccid& iccid) {
    auto profiles = ListProfiles(guarded_->card(), {});
    EXPECT_TRUE(profiles.ok()) << profiles.status().message();
    if (profiles.ok()) {
      for (const auto& p : *profiles) {
        if (p.iccid == iccid) return p;
      }
    }
    return std::nullopt;
  }

  std::vector<int64_t> OnCard() {
    auto listing = ListNotifications(guarded_->card(), false);
    EXPECT_TRUE(listing.ok()) << listing.status().message();
    std::vector<int64_t> seqs;
    if (listing.ok()) {
      for (const auto& n : *listing) seqs.push_back(n.metadata.seqNumber);
    }
    return seqs;
  }

  std::string dir_;
  std::ostringstream log_;
  std::unique_ptr<GuardedSession> guarded_;
};

TEST_F(PipelineTest, TheDryRunShowsExactlyTheApdusTheRunSends) {
  auto plan = PlanProfileChange(guarded_->card(), StateChange::kDelete, kEnabled, /*disable_first=*/true);
  ASSERT_TRUE(plan.ok()) << plan.status().message();
  auto planned = PlanApdus(guarded_->card(), *plan);
  ASSERT_TRUE(planned.ok()) << planned.status().message();
  ASSERT_EQ(planned->size(), 2u);
  EXPECT_NE((*planned)[0].description.find("disable profile " + kEnabled), std::string::npos);
  EXPECT_NE((*planned)[1].description.find("delete profile " + kEnabled), std::string::npos);
  Sent();

  ScriptedConfirmer yes(true);
  auto receipt = RunChangePlan(*guarded_, *plan, yes);
  ASSERT_TRUE(receipt.ok()) << receipt.status().message();
  ASSERT_TRUE(receipt->failure.ok()) << receipt->failure.message();
  const std::vector<std::string> sent = Sent();
  for (const auto& step : *planned) {
    for (const auto& apdu : step.apdus) {
      EXPECT_NE(std::find(sent.begin(), sent.end(), ToHex(apdu)), sent.end()) << "planned but not sent: " << ToHex(apdu);
    }
  }
  // Disable comes before delete on the wire, as in the plan.
  auto at = [&](const Bytes& apdu) { return std::find(sent.begin(), sent.end(), ToHex(apdu)) - sent.begin(); };
  EXPECT_LT(at((*planned)[0].apdus.front()), at((*planned)[1].apdus.front()));
  EXPECT_FALSE(Profile(kEnabled).has_value());
}

TEST_F(PipelineTest, ARefusedConfirmationSendsNothingAndJournalsNothing) {
  auto plan = PlanProfileChange(guarded_->card(), StateChange::kDelete, kDisabled, false);
  ASSERT_TRUE(plan.ok()) << plan.status().message();
  plan->confirmation = [](const std::vector<JournalEntry>&) {
    return std::optional<ConfirmationRequest>(ConfirmationRequest{"delete it?", "1018", "> "});
  };
  Sent();
  ScriptedConfirmer no(false);
  auto receipt = RunChangePlan(*guarded_, *plan, no);
  ASSERT_FALSE(receipt.ok());
  EXPECT_EQ(receipt.status().code(), ErrorCode::kNotConfirmed);
  EXPECT_EQ(no.asked, std::vector<std::string>{"delete it?"});
  EXPECT_TRUE(Sent().empty()) << "a refused plan reached the card";
  auto operations = guarded_->journal().ListOperations();
  ASSERT_TRUE(operations.ok()) << operations.status().message();
  EXPECT_TRUE(operations->empty());
  EXPECT_TRUE(Profile(kDisabled).has_value());
}

TEST_F(PipelineTest, AProfileChangeIsJournaledItsNotificationCapturedAndTheCardReadBack) {
  const std::vector<int64_t> before = OnCard();
  auto plan = PlanProfileChange(guarded_->card(), StateChange::kDelete, kDisabled, false);
  ASSERT_TRUE(plan.ok()) << plan.status().message();
  ScriptedConfirmer yes(true);
  auto receipt = RunChangePlan(*guarded_, *plan, yes);
  ASSERT_TRUE(receipt.ok()) << receipt.status().message();
  EXPECT_TRUE(receipt->failure.ok()) << receipt->failure.message();
  ASSERT_EQ(receipt->steps.size(), 1u);
  EXPECT_EQ(receipt->steps[0].operation, "delete");
  auto op = guarded_->journal().GetOperation(receipt->steps[0].operation_id);
  ASSERT_TRUE(op.ok()) << op.status().message();
  EXPECT_EQ(op->record.iccid, kDisabled);
  EXPECT_EQ(op->result_code, 0);
  // One new notification, journaled, kept (no delivery), still on the card.
  ASSERT_EQ(receipt->notifications.size(), 1u);
  const JournalEntry& n = receipt->notifications[0].entry;
  EXPECT_EQ(n.record.event, "delete");
  EXPECT_EQ(n.record.address, "rsp.contoso.example");
  EXPECT_EQ(n.record.operation_id, receipt->steps[0].operation_id);
  EXPECT_TRUE(receipt->notifications[0].not_yet.has_value());
  EXPECT_EQ(OnCard().size(), before.size() + 1);
  // Read back: gone, as intended.
  ASSERT_TRUE(receipt->profile_after.has_value());
  EXPECT_FALSE(receipt->profile_after->has_value());
  EXPECT_TRUE(receipt->read_back.ok()) << receipt->read_back.message();
}

TEST_F(PipelineTest, AFailedStepStopsThePlanAndTheReceiptSaysWhy) {
  // Enabling the profile that is already enabled: the card refuses (profileNotInDisabledState).
  auto plan = PlanProfileChange(guarded_->card(), StateChange::kEnable, kEnabled, false);
  ASSERT_TRUE(plan.ok()) << plan.status().message();
  ScriptedConfirmer yes(true);
  auto receipt = RunChangePlan(*guarded_, *plan, yes);
  ASSERT_TRUE(receipt.ok()) << receipt.status().message();
  EXPECT_FALSE(receipt->failure.ok());
  EXPECT_FALSE(receipt->journal_failed);
  ASSERT_EQ(receipt->steps.size(), 1u);
  EXPECT_FALSE(receipt->steps[0].status.ok());
  auto op = guarded_->journal().GetOperation(receipt->steps[0].operation_id);
  ASSERT_TRUE(op.ok());
  EXPECT_NE(op->result_code, 0);
  ASSERT_TRUE(receipt->profile_after.has_value());  // read back even after a failure
  ASSERT_TRUE(receipt->profile_after->has_value());
  EXPECT_EQ((*receipt->profile_after)->profileState, es10::ProfileState::kEnabled);
}

TEST_F(PipelineTest, RemovalJournalsEveryNotificationBeforeAskingAndMarksEachRemoved) {
  std::vector<int64_t> seen_at_question;
  ChangePlan plan = PlanNotificationRemoval({7, 9}, [&](const std::vector<JournalEntry>& unaccepted) {
    for (const auto& e : unaccepted) {
      seen_at_question.push_back(e.record.seq_number);
      EXPECT_FALSE(e.record.der.empty());  // the signed bytes are on disk before the question
    }
    return ConfirmationRequest{"remove?", "remove", "> "};
  });
  ScriptedConfirmer yes(true);
  auto receipt = RunChangePlan(*guarded_, plan, yes);
  ASSERT_TRUE(receipt.ok()) << receipt.status().message();
  EXPECT_TRUE(receipt->failure.ok()) << receipt->failure.message();
  EXPECT_EQ(seen_at_question, (std::vector<int64_t>{7, 9}));
  EXPECT_EQ(OnCard(), std::vector<int64_t>{8});
  ASSERT_EQ(receipt->journaled_first.size(), 2u);
  for (const auto& e : receipt->journaled_first) {
    auto now = guarded_->journal().Get(e.id);
    ASSERT_TRUE(now.ok());
    EXPECT_TRUE(now->removed_at_ms.has_value()) << "seq " << e.record.seq_number;
    EXPECT_FALSE(now->record.der.empty());
  }
  auto operations = guarded_->journal().ListOperations();
  ASSERT_TRUE(operations.ok());
  ASSERT_EQ(operations->size(), 2u);
  for (const auto& op : *operations) EXPECT_EQ(op.record.operation, "notification-remove");
}

TEST_F(PipelineTest, ARefusedRemovalLeavesEveryNotificationOnTheCardAndInTheJournal) {
  ChangePlan plan = PlanNotificationRemoval({8}, [](const std::vector<JournalEntry>&) {
    return ConfirmationRequest{"remove?", "remove", "> "};
  });
  ScriptedConfirmer no(false);
  auto receipt = RunChangePlan(*guarded_, plan, no);
  ASSERT_FALSE(receipt.ok());
  EXPECT_EQ(OnCard(), (std::vector<int64_t>{7, 8, 9}));
  auto journaled = guarded_->journal().Find(guarded_->eid(), 8);
  ASSERT_TRUE(journaled.ok());
  ASSERT_TRUE(journaled->has_value());  // journaled before the question, kept after a no
  EXPECT_FALSE((*journaled)->removed_at_ms.has_value());
}

TEST_F(PipelineTest, ProcessingReusesThePlansListingAndKeepsUndeliveredOnesOnTheCard) {
  auto plan = PlanNotificationProcessing(guarded_->card(), {});
  ASSERT_TRUE(plan.ok()) << plan.status().message();
  ASSERT_EQ(plan->steps.size(), 3u);
  EXPECT_TRUE(plan->listed_seqs.has_value());
  Sent();
  ScriptedConfirmer yes(true);
  auto receipt = RunChangePlan(*guarded_, *plan, yes);
  ASSERT_TRUE(receipt.ok()) << receipt.status().message();
  EXPECT_TRUE(yes.asked.empty());
  ASSERT_EQ(receipt->notifications.size(), 3u);
  for (const auto& kept : receipt->notifications) EXPECT_TRUE(kept.entry.pending());
  // No second ListNotification (BF28): one RetrieveNotificationsList (BF2B) per notification.
  const std::vector<std::string> sent = Sent();
  auto count = [&](const std::string& tag) {
    return std::count_if(sent.begin(), sent.end(), [&](const std::string& c) { return c.find(tag) != std::string::npos; });
  };
  EXPECT_EQ(count("BF28"), 0);
  EXPECT_EQ(count("BF2B"), 3);
  EXPECT_EQ(OnCard(), (std::vector<int64_t>{7, 8, 9}));  // nothing accepted: nothing removed
}

TEST_F(PipelineTest, ProcessingANotificationNowhereIsNothingToDelete) {
  auto plan = PlanNotificationProcessing(guarded_->card(), {42});
  ASSERT_TRUE(plan.ok()) << plan.status().message();
  ASSERT_EQ(plan->steps.size(), 1u);
  EXPECT_FALSE(plan->steps[0].on_card);
  auto planned = PlanApdus(guarded_->card(), *plan);
  ASSERT_TRUE(planned.ok());
  ASSERT_EQ(planned->size(), 1u);
  EXPECT_TRUE((*planned)[0].apdus.empty());  // nothing of it would reach the card
  ScriptedConfirmer yes(true);
  auto receipt = RunChangePlan(*guarded_, *plan, yes);
  ASSERT_FALSE(receipt.ok());
  EXPECT_EQ(receipt.status().code(), ErrorCode::kNothingToDelete);
}

TEST_F(PipelineTest, AQuietStepReadsNoNotificationsAndReadsNothingBack) {
  ChangePlan plan = PlanNickname(kDisabled, "Travel");
  EXPECT_FALSE(plan.captures_notifications());
  Sent();
  ScriptedConfirmer yes(true);
  auto receipt = RunChangePlan(*guarded_, plan, yes);
  ASSERT_TRUE(receipt.ok()) << receipt.status().message();
  EXPECT_TRUE(receipt->failure.ok()) << receipt->failure.message();
  EXPECT_TRUE(receipt->notifications.empty());
  // SetNickname only: no ListNotification before or after, no profile read back.
  const std::vector<std::string> sent = Sent();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_NE(sent[0].find("BF29"), std::string::npos);
  EXPECT_EQ(Profile(kDisabled)->profileNickname, "Travel");
}

TEST_F(PipelineTest, RemovingOnlyAcceptedNotificationsAsksNothing) {
  auto captured = guarded_->keeper().CaptureSeqs(guarded_->eid(), {8});
  ASSERT_TRUE(captured.ok()) << captured.status().message();
  ASSERT_TRUE(guarded_->journal().MarkAccepted((*captured)[0].id, 1700000000000).ok());
  bool asked = false;
  ChangePlan plan = PlanNotificationRemoval({8}, [&](const std::vector<JournalEntry>&) {
    asked = true;
    return ConfirmationRequest{"remove?", "remove", "> "};
  });
  ScriptedConfirmer no(false);  // would refuse, were it asked
  auto receipt = RunChangePlan(*guarded_, plan, no);
  ASSERT_TRUE(receipt.ok()) << receipt.status().message();
  EXPECT_FALSE(asked);
  EXPECT_TRUE(no.asked.empty());
  EXPECT_EQ(OnCard(), (std::vector<int64_t>{7, 9}));
}

TEST_F(PipelineTest, AFlowStepBuildsItsRequestsAsItRunsUnderItsOwnJournalRecord) {
  ChangePlan plan;
  plan.operation = "flow";
  ChangeStep step;
  step.kind = StepKind::kFlow;
  step.operation = "two-nicknames";
  step.description = "name two profiles";
  step.makes_notifications = true;
  int64_t seen_operation = 0;
  step.flow = [&](FlowContext& flow) -> Result<AppliedChange> {
    seen_operation = flow.operation_id;
    // The intent is on disk before the flow sends anything; the outcome is not yet.
    auto op = flow.journal.GetOperation(flow.operation_id);
    EXPECT_TRUE(op.ok());
    if (op.ok()) {
      EXPECT_FALSE(op->result_code.has_value());
    }
    ESIM_RETURN_IF_ERROR(ApplyChange(flow.card, es10::SetNicknameRequest{kDisabled, "First"}).status());
    // The second request depends on the first answer, as a download's do.
    auto first = ListProfiles(flow.card, {});
    if (!first.ok()) return first.status();
    return ApplyChange(flow.card, es10::SetNicknameRequest{kEnabled, "After " + std::to_string(first->size())});
  };
  plan.steps.push_back(step);
  auto planned = PlanApdus(guarded_->card(), plan);
  ASSERT_TRUE(planned.ok()) << planned.status().message();
  ASSERT_EQ(planned->size(), 1u);
  EXPECT_TRUE((*planned)[0].apdus.empty());  // not known before it runs

  ScriptedConfirmer yes(true);
  auto receipt = RunChangePlan(*guarded_, plan, yes);
  ASSERT_TRUE(receipt.ok()) << receipt.status().message();
  EXPECT_TRUE(receipt->failure.ok()) << receipt->failure.message();
  ASSERT_EQ(receipt->steps.size(), 1u);
  EXPECT_EQ(receipt->steps[0].operation_id, seen_operation);
  auto op = guarded_->journal().GetOperation(seen_operation);
  ASSERT_TRUE(op.ok());
  EXPECT_EQ(op->result_code, 0);
  EXPECT_EQ(Profile(kDisabled)->profileNickname, "First");
  EXPECT_EQ(Profile(kEnabled)->profileNickname, "After 3");
}

TEST_F(PipelineTest, AMalformedPlanIsRefusedBeforeAnythingIsSent) {
  ChangePlan plan;
  plan.operation = "broken";
  ChangeStep step;
  step.kind = StepKind::kRemoveNotification;  // but no NotificationSent to send
  step.operation = "notification-remove";
  step.request = es10::SetNicknameRequest{kDisabled, "x"};
  plan.steps.push_back(step);
  Sent();
  ScriptedConfirmer yes(true);
  auto receipt = RunChangePlan(*guarded_, plan, yes);
  ASSERT_FALSE(receipt.ok());
  EXPECT_EQ(receipt.status().code(), ErrorCode::kInternal);
  EXPECT_TRUE(Sent().empty());
  EXPECT_FALSE(PlanApdus(guarded_->card(), plan).ok());
}

}  // namespace
}  // namespace esim

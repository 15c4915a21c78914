// journal_fixture PATH: creates a notification journal at PATH holding one notification in each
// state, for tests/e2e/journal_cli_test.sh. Written through NotificationJournal's own API (not
// raw SQL) so the fixture follows the schema wherever it goes.
//
//   operation 1  enable 8999010010000001018, finished with result 0 "ok"
//   id 1  seq 7   enable   undelivered          one attempt: HTTP 500 (42 ms), from operation 1
//   id 2  seq 8   disable  accepted_on_card     a transport error, then HTTP 204
//   id 3  seq 9   install  done                 one attempt: HTTP 204
//   id 4  seq 10  delete   removed_undelivered  no ICCID, never attempted
// Every DER is BF2F 03 80 01 <seq>; every time is counted from 2026-11-24T20:31:02.123Z.
// PATH must not exist yet: the fixture describes a whole journal, not an addition to one.
#include <sys/stat.h>

#include <cstdint>
#include <iostream>
#include <optional>
#include <string>
#include <utility>

#include "src/safety/notification_journal.h"

namespace esim {
namespace {

constexpr char kEid[] = "89049032123451234512345678901235";
constexpr char kUrl[] = "https://smdp.example.com/gsma/rsp2/es9plus/handleNotification";
constexpr int64_t kReadAt = 1795552262123;  // 2026-11-24T20:31:02.123Z

DeliveryAttempt HttpAttempt(int64_t at_ms, int64_t status, int64_t duration_ms) {
  DeliveryAttempt attempt;
  attempt.attempted_at_ms = at_ms;
  attempt.url = kUrl;
  attempt.http_status = status;
  attempt.duration_ms = duration_ms;
  return attempt;
}

DeliveryAttempt TransportFailure(int64_t at_ms, const char* error, int64_t duration_ms) {
  DeliveryAttempt attempt;
  attempt.attempted_at_ms = at_ms;
  attempt.url = kUrl;
  attempt.transport_error = error;
  attempt.duration_ms = duration_ms;
  return attempt;
}

Status Populate(NotificationJournal& journal) {
  OperationRecord op;
  op.started_at_ms = kReadAt - 2000;
  op.reader = "Virtual eUICC 00 00";
  op.eid = kEid;
  op.iccid = "8999010010000001018";
  op.operation = "enable";
  ESIM_ASSIGN_OR_RETURN(int64_t operation_id, journal.BeginOperation(op));
  ESIM_RETURN_IF_ERROR(journal.FinishOperation(operation_id, 0, "ok", kReadAt - 1000));

  auto record = [&](int64_t seq, const char* event, std::optional<std::string> iccid,
                    std::optional<int64_t> from_operation) {
    NotificationRecord n;
    n.eid = kEid;
    n.seq_number = seq;
    n.event = event;
    n.iccid = std::move(iccid);
    n.address = "smdp.example.com";
    n.der = {0xBF, 0x2F, 0x03, 0x80, 0x01, static_cast<uint8_t>(seq)};
    n.read_at_ms = kReadAt;
    n.operation_id = from_operation;
    return journal.RecordNotification(n);
  };

  ESIM_ASSIGN_OR_RETURN(int64_t undelivered, record(7, "enable", "8999010010000001018", operation_id));
  ESIM_RETURN_IF_ERROR(journal.RecordDeliveryAttempt(undelivered, HttpAttempt(kReadAt + 1000, 500, 42)));

  ESIM_ASSIGN_OR_RETURN(int64_t accepted, record(8, "disable", "8999010010000001018", std::nullopt));
  ESIM_RETURN_IF_ERROR(
      journal.RecordDeliveryAttempt(accepted, TransportFailure(kReadAt + 2000, "connection reset by peer", 7)));
  ESIM_RETURN_IF_ERROR(journal.RecordDeliveryAttempt(accepted, HttpAttempt(kReadAt + 3000, 204, 50)));
  ESIM_RETURN_IF_ERROR(journal.MarkAccepted(accepted, kReadAt + 3050));

  ESIM_ASSIGN_OR_RETURN(int64_t done, record(9, "install", "8999020020000002021", std::nullopt));
  ESIM_RETURN_IF_ERROR(journal.RecordDeliveryAttempt(done, HttpAttempt(kReadAt + 4000, 204, 30)));
  ESIM_RETURN_IF_ERROR(journal.MarkAccepted(done, kReadAt + 4030));
  ESIM_RETURN_IF_ERROR(journal.MarkRemovedFromCard(done, kReadAt + 5000));

  ESIM_ASSIGN_OR_RETURN(int64_t removed, record(10, "delete", std::nullopt, std::nullopt));
  return journal.MarkRemovedFromCard(removed, kReadAt + 6000);
}

int Main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: journal_fixture PATH (PATH must not exist)\n";
    return 2;
  }
  const std::string path = argv[1];
  struct stat st {};
  if (::lstat(path.c_str(), &st) == 0) {
    std::cerr << "journal_fixture: " << path << " already exists\n";
    return 2;
  }
  auto journal = NotificationJournal::Open(path);
  Status status = journal.ok() ? Populate(**journal) : journal.status();
  if (!status.ok()) {
    std::cerr << "journal_fixture: " << status.message() << "\n";
    return 1;
  }
  return 0;
}

}  // namespace
}  // namespace esim

int main(int argc, char** argv) { return esim::Main(argc, argv); }

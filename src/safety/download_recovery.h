// RecoverDownloads: finishes the downloads a killed or crashed esimctl left unfinished in the
// journal (docs/safety.md, "Downloads: failure and recovery").
//
// For each unfinished download of the card present (its operation's EID): every notification
// on the card is journaled, and the install ones settled, first (the install result of a finished load, or the
// card's installFailedDueToInterruption after a reset mid-load, reaches the SM-DP+ this way).
// Then, if the profile is on the card, the download is finished as installed. Otherwise its
// session, if one was opened, is cancelled on the card and at the SM-DP+ (CancelDownloadSession:
// the card's signed answer, or its error answer when a reset discarded the session): reason
// postponed (1) when the load had not started, so the order stays usable; loadBppExecutionError
// (5) once it had. The download is finished when the SM-DP+ accepted the cancel, or when the load
// had started (the card's notification told the SM-DP+); otherwise it stays for the next run.
// Not thread-safe: runs on the thread that owns the card session.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "common/status.h"
#include "src/es9p/es9p.h"
#include "src/safety/notification_journal.h"
#include "src/safety/notification_keeper.h"
#include "src/session/card_session.h"

namespace esim {

// What recovery did for one download.
struct RecoveredDownload {
  DownloadEntry entry;   // as journaled at the end (finished or not)
  std::string action;    // in words: "profile on the card; install notification journaled", ...
};

// Makes the ES9+ client for an SM-DP+ address (host[:port]).
using Es9PlusFactory = std::function<std::unique_ptr<es9p::Es9PlusServer>(const std::string& address)>;

// Recovers the unfinished downloads of card `eid` (see the file comment). `keeper` must have
// the card session and a delivery client. Fails only when the journal cannot be read or written
// (kJournalUnavailable); what could not be done is in each entry.
Result<std::vector<RecoveredDownload>> RecoverDownloads(CardSession& card, const std::string& eid,
                                                        NotificationJournal& journal, NotificationKeeper& keeper,
                                                        const Es9PlusFactory& server_for);

// Whether the journal holds an unfinished download (cheap: one query). Errors read as false.
bool HasUnfinishedDownloads(NotificationJournal& journal);

}  // namespace esim

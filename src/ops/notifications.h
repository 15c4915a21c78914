// The pending notifications on the eUICC: list, show one, remove (ES10b).
//
// A notification stays on the card until the LPA removes it with
// NotificationSent; these operations read them and remove them one by one.
// They never deliver anything to an SM-DP+ (that is a later issue). Each
// function spends the fewest ES10 requests it can, noted per function.
// Not thread-safe (one CardSession per thread).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "asn1/messages.h"
#include "common/bytes.h"
#include "common/status.h"
#include "src/session/card_session.h"

namespace esim {

// One line of `notification list`: the card's metadata plus the profile's name.
struct NotificationListing {
  es10::NotificationMetadata metadata;
  std::optional<std::string> profile_name;  // absent: no ICCID, or the profile is gone
};

// The pending notifications, in the card's order: one ListNotification. With
// `with_names`, also one GetProfilesInfo (ICCID and name only) when at least one
// notification exists, to name each notification's profile.
Result<std::vector<NotificationListing>> ListNotifications(CardSession& session, bool with_names);

// The signed notification `seq_number`, with the exact DER the card sent. One
// RetrieveNotificationsList. No such notification: kNothingToDelete.
Result<es10::PendingNotification> RetrieveNotification(CardSession& session, int64_t seq_number);

// Removes notification `seq_number` (NotificationSent). Result 1: kNothingToDelete;
// 127: kCardUndefinedError.
Status RemoveNotification(CardSession& session, int64_t seq_number);

// "delete", or "enable,disable" should a card ever set more than one bit; "" when none is set.
std::string EventText(const es10::NotificationEvents& events);

// Subject and issuer of an X.509 certificate, as OpenSSL prints them (RFC 2253).
struct CertificateNames {
  std::string subject;
  std::string issuer;
};

// Parses DER certificate `der`; kMalformedResponse if it is not one.
Result<CertificateNames> ReadCertificateNames(ByteView der);

}  // namespace esim

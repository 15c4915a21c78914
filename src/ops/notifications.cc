#include "src/ops/notifications.h"

#include <algorithm>
#include <map>
#include <memory>
#include <string>

#include <openssl/bio.h>
#include <openssl/buffer.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include "asn1/json.h"
#include "common/openssl_ptr.h"

namespace esim {

namespace {

// Only what the listing shows; the rest (icons above all) would cost GET RESPONSEs.
const Bytes kNameTags = {0x5A,   // iccid
                         0x92};  // profileName

std::string SeqText(int64_t seq_number) { return std::to_string(seq_number); }

Status NoSuchNotification(int64_t seq_number) {
  return Status(ErrorCode::kNothingToDelete,
                "no pending notification with seqNumber " + SeqText(seq_number) +
                    " (esimctl notification list shows the pending ones)");
}

// ICCID -> profile name, from one GetProfilesInfo. A card that refuses to list only
// costs the names, not the listing: names are a convenience.
Result<std::map<es10::Iccid, std::string>> ProfileNames(CardSession& session) {
  es10::GetProfilesInfoRequest request;
  request.tagList = kNameTags;
  ESIM_ASSIGN_OR_RETURN(auto response, session.es10().GetProfilesInfo(request));
  std::map<es10::Iccid, std::string> names;
  if (!response.profileInfoListOk) return names;
  for (const auto& profile : *response.profileInfoListOk) {
    if (profile.iccid && profile.profileName) names[*profile.iccid] = *profile.profileName;
  }
  return names;
}

// `name` in RFC 2253 form ("CN=...,O=..."), the form OpenSSL and most tools print.
std::string NameText(const X509_NAME* name) {
  BioPtr bio(Crypto().BIO_new(Crypto().BIO_s_mem()));
  if (!bio || Crypto().X509_NAME_print_ex(bio.get(), name, 0, XN_FLAG_RFC2253) < 0) return "";
  BUF_MEM* buffer = nullptr;
  Crypto().BIO_ctrl(bio.get(), BIO_C_GET_BUF_MEM_PTR, 0, reinterpret_cast<char*>(&buffer));  // BIO_get_mem_ptr
  return buffer ? std::string(buffer->data, buffer->length) : "";
}

}  // namespace

Result<std::vector<NotificationListing>> ListNotifications(CardSession& session, bool with_names) {
  ESIM_ASSIGN_OR_RETURN(auto response, session.es10().ListNotification());
  if (response.listNotificationsResultError) {
    int64_t code = *response.listNotificationsResultError;
    return Status(code == 127 ? ErrorCode::kCardUndefinedError : ErrorCode::kEs10Result,
                  "the eUICC refused to list its notifications (" +
                      es10::ResultCodeName(0xBF28, code) + ")");
  }
  if (!response.notificationMetadataList) {
    return Status(ErrorCode::kMalformedResponse, "ListNotification answer holds neither list nor error");
  }
  std::vector<NotificationListing> listing;
  for (auto& metadata : *response.notificationMetadataList) listing.push_back({std::move(metadata), {}});
  if (listing.empty() || !with_names) return listing;  // spare the second request

  ESIM_ASSIGN_OR_RETURN(auto names, ProfileNames(session));
  for (auto& entry : listing) {
    if (!entry.metadata.iccid) continue;
    auto found = names.find(*entry.metadata.iccid);
    if (found != names.end()) entry.profile_name = found->second;
  }
  return listing;
}

Result<es10::PendingNotification> RetrieveNotification(CardSession& session, int64_t seq_number) {
  ESIM_ASSIGN_OR_RETURN(auto response, session.es10().RetrieveNotificationsList(seq_number));
  if (response.notificationsListResultError) {
    // noResultAvailable (1) is how some cards say "no such seqNumber".
    int64_t code = *response.notificationsListResultError;
    if (code == 1) return NoSuchNotification(seq_number);
    return Status(code == 127 ? ErrorCode::kCardUndefinedError : ErrorCode::kEs10Result,
                  "the eUICC refused to return notification " + SeqText(seq_number) + " (" +
                      es10::ResultCodeName(0xBF2B, code) + ")");
  }
  if (!response.notificationList) {
    return Status(ErrorCode::kMalformedResponse,
                  "RetrieveNotificationsList answer holds neither list nor error");
  }
  // Match by seqNumber rather than trusting the card's filter.
  for (auto& notification : *response.notificationList) {
    if (notification.metadata().seqNumber == seq_number) return std::move(notification);
  }
  return NoSuchNotification(seq_number);
}

Status RemoveNotification(CardSession& session, int64_t seq_number) {
  ESIM_ASSIGN_OR_RETURN(int64_t result, session.es10().RemoveNotificationFromList(seq_number));
  switch (result) {
    case 0:
      return Status::Ok();
    case 1:
      return Status(ErrorCode::kNothingToDelete,
                    "cannot remove notification " + SeqText(seq_number) +
                        ": the eUICC has no pending notification with that seqNumber (already removed?)");
    case 127:
      return Status(ErrorCode::kCardUndefinedError,
                    "cannot remove notification " + SeqText(seq_number) +
                        ": the eUICC reported undefinedError; retry, and attach --trace to a report");
    default:
      return Status(ErrorCode::kEs10Result, "cannot remove notification " + SeqText(seq_number) +
                                                ": the eUICC answered " +
                                                es10::NotificationSentResultName(result));
  }
}

Result<CertificateNames> ReadCertificateNames(ByteView der) {
  const unsigned char* cursor = der.data();
  X509Ptr cert(Crypto().d2i_X509(nullptr, &cursor, static_cast<long>(der.size())));
  if (!cert || cursor != der.data() + der.size()) {
    return Status(ErrorCode::kMalformedResponse, "the certificate is not a DER X.509 certificate");
  }
  return CertificateNames{NameText(Crypto().X509_get_subject_name(cert.get())),
                          NameText(Crypto().X509_get_issuer_name(cert.get()))};
}

std::string EventText(const es10::NotificationEvents& events) {
  std::string text;
  for (const auto& name : es10::EventNames(events)) {
    if (!text.empty()) text += ",";
    text += name.get<std::string>();
  }
  return text;
}

}  // namespace esim

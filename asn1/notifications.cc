// ES10b notification messages: NotificationMetadata (BF2F), ListNotification (BF28),
// RetrieveNotificationsList (BF2B) with both PendingNotification forms,
// NotificationSent (BF30), and CancelSession (BF41).
//
// Convention for this file: ToAsn(model, asn) fills an empty asn1c structure
// (kInvalidInput when the model breaks the module); FromAsn(asn, der) reads a
// structure DecodeElement has checked, `der` being the complete input element.

// asn1c_support.h first: it prepares the C library headers for asn1c's asn_system.h.
#include "asn1/asn1c_support.h"
// clang-format off
#include "CancelSessionRequest.h"
#include "CancelSessionResponse.h"
#include "CancelSessionResponseOk.h"
#include "ListNotificationRequest.h"
#include "ListNotificationResponse.h"
#include "NotificationMetadata.h"
#include "NotificationSentRequest.h"
#include "NotificationSentResponse.h"
#include "OtherSignedNotification.h"
#include "PendingNotification.h"
#include "ProfileInstallationResult.h"
#include "RetrieveNotificationsListRequest.h"
#include "RetrieveNotificationsListResponse.h"
#include "asn1/es10_codec.h"
// clang-format on

namespace esim::es10 {

using namespace internal;  // NOLINT(google-build-using-namespace): this file is all glue

namespace {

// ---- NotificationMetadata ::= [47] SEQUENCE (BF2F) ---------------------------------------

Status ToAsn(const NotificationMetadata& in, NotificationMetadata_t& out) {
  out.seqNumber = static_cast<long>(in.seqNumber);
  SetEvents(out.profileManagementOperation, in.profileManagementOperation);
  SetText(out.notificationAddress, in.notificationAddress);
  if (in.iccid) ESIM_RETURN_IF_ERROR(SetIccid(Emplace(out.iccid), *in.iccid));
  return Status::Ok();
}

Result<NotificationMetadata> FromAsn(const NotificationMetadata_t& in, ByteView = {}) {
  NotificationMetadata out;
  out.seqNumber = in.seqNumber;
  out.profileManagementOperation = ToEvents(in.profileManagementOperation);
  out.notificationAddress = ToText(in.notificationAddress);
  if (in.iccid != nullptr) {
    ESIM_ASSIGN_OR_RETURN(out.iccid, ToIccid(*in.iccid));
  }
  return out;
}

// ---- ListNotification ([40] = BF28) --------------------------------------------------------

Status ToAsn(const ListNotificationRequest& in, ListNotificationRequest_t& out) {
  if (in.profileManagementOperation) {
    SetEvents(Emplace(out.profileManagementOperation), *in.profileManagementOperation);
  }
  return Status::Ok();
}

Result<ListNotificationRequest> FromAsn(const ListNotificationRequest_t& in, ByteView) {
  ListNotificationRequest out;
  if (in.profileManagementOperation != nullptr) {
    out.profileManagementOperation = ToEvents(*in.profileManagementOperation);
  }
  return out;
}

Status ToAsn(const ListNotificationResponse& in, ListNotificationResponse_t& out) {
  if (in.notificationMetadataList.has_value() == in.listNotificationsResultError.has_value()) {
    return InvalidInput("exactly one of notificationMetadataList and listNotificationsResultError must be set");
  }
  if (in.listNotificationsResultError) {
    out.present = ListNotificationResponse_PR_listNotificationsResultError;
    out.choice.listNotificationsResultError = static_cast<long>(*in.listNotificationsResultError);
    return Status::Ok();
  }
  out.present = ListNotificationResponse_PR_notificationMetadataList;
  for (const NotificationMetadata& metadata : *in.notificationMetadataList) {
    ESIM_RETURN_IF_ERROR(ToAsn(metadata, AppendNew(out.choice.notificationMetadataList.list)));
  }
  return Status::Ok();
}

Result<ListNotificationResponse> FromAsn(const ListNotificationResponse_t& in, ByteView) {
  ListNotificationResponse out;
  switch (in.present) {
    case ListNotificationResponse_PR_notificationMetadataList: {
      auto& list = out.notificationMetadataList.emplace();
      for (const NotificationMetadata_t* metadata : Elements(in.choice.notificationMetadataList.list)) {
        Result<NotificationMetadata> item = FromAsn(*metadata);
        if (!item.ok()) {
          return item.status().WithContext("notificationMetadataList[" + std::to_string(list.size()) + "]");
        }
        list.push_back(std::move(*item));
      }
      return out;
    }
    case ListNotificationResponse_PR_listNotificationsResultError:
      out.listNotificationsResultError = in.choice.listNotificationsResultError;
      return out;
    default:
      return Malformed("neither notificationMetadataList nor listNotificationsResultError");
  }
}

// ---- PendingNotification ::= CHOICE { BF37 ProfileInstallationResult | 30 OtherSignedNotification }

Status ToAsn(const ProfileInstallationResult& in, ProfileInstallationResult_t& out) {
  auto& data = out.profileInstallationResultData;
  SetBytes(data.transactionId, in.transactionId);
  ESIM_RETURN_IF_ERROR(ToAsn(in.notificationMetadata, data.notificationMetadata));
  if (!in.smdpOid.empty()) ESIM_RETURN_IF_ERROR(SetOidText(Emplace(data.smdpOid), in.smdpOid));
  if (in.success) {
    data.finalResult.present = ProfileInstallationResultData__finalResult_PR_successResult;
    auto& success = data.finalResult.choice.successResult;
    SetBytes(success.aid, in.successAid.value_or(Bytes{}));
    SetBytes(success.simaResponse, in.simaResponse.value_or(Bytes{}));
  } else {
    data.finalResult.present = ProfileInstallationResultData__finalResult_PR_errorResult;
    auto& error = data.finalResult.choice.errorResult;
    error.bppCommandId = static_cast<long>(in.bppCommandId.value_or(0));
    error.errorReason = static_cast<long>(in.errorReason.value_or(127));
    if (in.simaResponse) SetBytes(Emplace(error.simaResponse), *in.simaResponse);
  }
  SetBytes(out.euiccSignPIR, in.euiccSignPIR);
  return Status::Ok();
}

Result<ProfileInstallationResult> FromAsn(const ProfileInstallationResult_t& in) {
  const auto& data = in.profileInstallationResultData;
  ProfileInstallationResult out;
  out.transactionId = ToBytes(data.transactionId);
  ESIM_ASSIGN_OR_RETURN(out.notificationMetadata, FromAsn(data.notificationMetadata));
  if (data.smdpOid != nullptr) {
    ESIM_ASSIGN_OR_RETURN(out.smdpOid, ToOidText(*data.smdpOid));
  }
  switch (data.finalResult.present) {
    case ProfileInstallationResultData__finalResult_PR_successResult:
      out.success = true;
      out.successAid = ToBytes(data.finalResult.choice.successResult.aid);
      out.simaResponse = ToBytes(data.finalResult.choice.successResult.simaResponse);
      break;
    case ProfileInstallationResultData__finalResult_PR_errorResult: {
      const auto& error = data.finalResult.choice.errorResult;
      out.bppCommandId = error.bppCommandId;
      out.errorReason = error.errorReason;
      if (error.simaResponse != nullptr) out.simaResponse = ToBytes(*error.simaResponse);
      break;
    }
    default:
      return Malformed("finalResult: no known alternative");
  }
  out.euiccSignPIR = ToBytes(in.euiccSignPIR);
  return out;
}

// A certificate travels as opaque DER: it must at least be one whole element.
Status SetCertificate(ANY_t& out, const Bytes& der, const char* member) {
  auto children = ChildElements(der);
  if (der.empty() || !children.ok()) {
    return InvalidInput(std::string(member) + ": not a DER element");
  }
  SetBytes(out, der);
  return Status::Ok();
}

Status ToAsn(const OtherSignedNotification& in, OtherSignedNotification_t& out) {
  ESIM_RETURN_IF_ERROR(ToAsn(in.tbsOtherNotification, out.tbsOtherNotification));
  SetBytes(out.euiccNotificationSignature, in.euiccNotificationSignature);
  ESIM_RETURN_IF_ERROR(SetCertificate(out.euiccCertificate, in.euiccCertificate, "euiccCertificate"));
  return SetCertificate(out.eumCertificate, in.eumCertificate, "eumCertificate");
}

Result<OtherSignedNotification> FromAsn(const OtherSignedNotification_t& in) {
  OtherSignedNotification out;
  ESIM_ASSIGN_OR_RETURN(out.tbsOtherNotification, FromAsn(in.tbsOtherNotification));
  out.euiccNotificationSignature = ToBytes(in.euiccNotificationSignature);
  out.euiccCertificate = ToBytes(in.euiccCertificate);
  out.eumCertificate = ToBytes(in.eumCertificate);
  return out;
}

Status ToAsn(const PendingNotification& in, PendingNotification_t& out) {
  if (const auto* install = std::get_if<ProfileInstallationResult>(&in.value)) {
    out.present = PendingNotification_PR_profileInstallationResult;
    return ToAsn(*install, out.choice.profileInstallationResult);
  }
  out.present = PendingNotification_PR_otherSignedNotification;
  return ToAsn(std::get<OtherSignedNotification>(in.value), out.choice.otherSignedNotification);
}

// `der` is the element exactly as received; it is kept byte for byte.
Result<PendingNotification> FromAsn(const PendingNotification_t& in, ByteView der) {
  PendingNotification out;
  out.der.assign(der.begin(), der.end());
  switch (in.present) {
    case PendingNotification_PR_profileInstallationResult: {
      Result<ProfileInstallationResult> install = FromAsn(in.choice.profileInstallationResult);
      if (!install.ok()) return install.status().WithContext("profileInstallationResult");
      out.value = std::move(*install);
      return out;
    }
    case PendingNotification_PR_otherSignedNotification: {
      Result<OtherSignedNotification> other = FromAsn(in.choice.otherSignedNotification);
      if (!other.ok()) return other.status().WithContext("otherSignedNotification");
      out.value = std::move(*other);
      return out;
    }
    default:
      return Malformed("no known PendingNotification alternative");
  }
}

// ---- RetrieveNotificationsList ([43] = BF2B) -----------------------------------------------

Status ToAsn(const RetrieveNotificationsListRequest& in, RetrieveNotificationsListRequest_t& out) {
  if (in.searchCriteria) {
    auto& criteria = Emplace(out.searchCriteria);
    if (const auto* seq = std::get_if<int64_t>(&*in.searchCriteria)) {
      criteria.present = RetrieveNotificationsListRequest__searchCriteria_PR_seqNumber;
      criteria.choice.seqNumber = static_cast<long>(*seq);
    } else {
      criteria.present = RetrieveNotificationsListRequest__searchCriteria_PR_profileManagementOperation;
      SetEvents(criteria.choice.profileManagementOperation, std::get<NotificationEvents>(*in.searchCriteria));
    }
  }
  return Status::Ok();
}

Result<RetrieveNotificationsListRequest> FromAsn(const RetrieveNotificationsListRequest_t& in, ByteView) {
  RetrieveNotificationsListRequest out;
  if (in.searchCriteria != nullptr) {
    switch (in.searchCriteria->present) {
      case RetrieveNotificationsListRequest__searchCriteria_PR_seqNumber:
        out.searchCriteria = static_cast<int64_t>(in.searchCriteria->choice.seqNumber);
        break;
      case RetrieveNotificationsListRequest__searchCriteria_PR_profileManagementOperation:
        out.searchCriteria = ToEvents(in.searchCriteria->choice.profileManagementOperation);
        break;
      default:
        return Malformed("searchCriteria: no known alternative");
    }
  }
  return out;
}

Result<RetrieveNotificationsListResponse> FromAsn(const RetrieveNotificationsListResponse_t& in,
                                                  ByteView der) {
  RetrieveNotificationsListResponse out;
  switch (in.present) {
    case RetrieveNotificationsListResponse_PR_notificationList: {
      // The exact bytes of each PendingNotification: BF2B { A0 { item, item, ... } }.
      ESIM_ASSIGN_OR_RETURN(std::vector<ByteView> outer, ChildElements(der));
      if (outer.size() != 1) return Malformed("notificationList: expected one A0 element");
      ESIM_ASSIGN_OR_RETURN(std::vector<ByteView> items, ChildElements(outer[0]));
      const auto decoded = Elements(in.choice.notificationList.list);
      if (items.size() != decoded.size()) return Malformed("notificationList: element count mismatch");
      auto& list = out.notificationList.emplace();
      for (size_t i = 0; i < items.size(); ++i) {
        Result<PendingNotification> item = FromAsn(*decoded[i], items[i]);
        if (!item.ok()) return item.status().WithContext("notificationList[" + std::to_string(i) + "]");
        list.push_back(std::move(*item));
      }
      return out;
    }
    case RetrieveNotificationsListResponse_PR_notificationsListResultError:
      out.notificationsListResultError = in.choice.notificationsListResultError;
      return out;
    default:
      return Malformed("neither notificationList nor notificationsListResultError");
  }
}

// ---- NotificationSent ([48] = BF30) --------------------------------------------------------

Status ToAsn(const NotificationSentRequest& in, NotificationSentRequest_t& out) {
  out.seqNumber = static_cast<long>(in.seqNumber);
  return Status::Ok();
}

Result<NotificationSentRequest> FromAsn(const NotificationSentRequest_t& in, ByteView) {
  return NotificationSentRequest{in.seqNumber};
}

Status ToAsn(const NotificationSentResponse& in, NotificationSentResponse_t& out) {
  out.deleteNotificationStatus = static_cast<long>(in.deleteNotificationStatus);
  return Status::Ok();
}

Result<NotificationSentResponse> FromAsn(const NotificationSentResponse_t& in, ByteView) {
  return NotificationSentResponse{in.deleteNotificationStatus};
}

// ---- CancelSession ([65] = BF41) -----------------------------------------------------------

Status ToAsn(const CancelSessionRequest& in, CancelSessionRequest_t& out) {
  SetBytes(out.transactionId, in.transactionId);
  out.reason = static_cast<long>(in.reason);
  return Status::Ok();
}

Result<CancelSessionRequest> FromAsn(const CancelSessionRequest_t& in, ByteView) {
  return CancelSessionRequest{ToBytes(in.transactionId), in.reason};
}

Status ToAsn(const CancelSessionResponse& in, CancelSessionResponse_t& out) {
  if (in.cancelSessionResponseOk.has_value() == in.cancelSessionResponseError.has_value()) {
    return InvalidInput("exactly one of cancelSessionResponseOk and cancelSessionResponseError must be set");
  }
  if (in.cancelSessionResponseError) {
    out.present = CancelSessionResponse_PR_cancelSessionResponseError;
    out.choice.cancelSessionResponseError = static_cast<long>(*in.cancelSessionResponseError);
    return Status::Ok();
  }
  // The model holds CancelSessionResponseOk as a universal SEQUENCE (30 ...);
  // decode it in place into the CHOICE, which then owns it.
  out.present = CancelSessionResponse_PR_cancelSessionResponseOk;
  void* in_place = &out.choice.cancelSessionResponseOk;
  Status status = DecodeElement(asn_DEF_CancelSessionResponseOk, *in.cancelSessionResponseOk, &in_place);
  if (!status.ok()) return InvalidInput("cancelSessionResponseOk: " + status.message());
  return Status::Ok();
}

Result<CancelSessionResponse> FromAsn(const CancelSessionResponse_t& in, ByteView) {
  CancelSessionResponse out;
  switch (in.present) {
    case CancelSessionResponse_PR_cancelSessionResponseOk: {
      ESIM_ASSIGN_OR_RETURN(out.cancelSessionResponseOk,
                            EncodeAsn(asn_DEF_CancelSessionResponseOk, &in.choice.cancelSessionResponseOk));
      return out;
    }
    case CancelSessionResponse_PR_cancelSessionResponseError:
      out.cancelSessionResponseError = in.choice.cancelSessionResponseError;
      return out;
    default:
      return Malformed("neither cancelSessionResponseOk nor cancelSessionResponseError");
  }
}

}  // namespace

ESIM_ES10_CODEC(NotificationMetadata, NotificationMetadata)
ESIM_ES10_CODEC(ListNotificationRequest, ListNotificationRequest)
ESIM_ES10_CODEC(ListNotificationResponse, ListNotificationResponse)
ESIM_ES10_CODEC(RetrieveNotificationsListRequest, RetrieveNotificationsListRequest)
ESIM_ES10_CODEC(NotificationSentRequest, NotificationSentRequest)
ESIM_ES10_CODEC(NotificationSentResponse, NotificationSentResponse)
ESIM_ES10_CODEC(CancelSessionRequest, CancelSessionRequest)
ESIM_ES10_CODEC(CancelSessionResponse, CancelSessionResponse)

// PendingNotification: decoding keeps the exact input in `der`; encoding emits
// `der` verbatim when set (after checking it decodes), otherwise DER of `value`.
template <>
Result<PendingNotification> Decode<PendingNotification>(ByteView der) {
  auto asn = DecodeAsn<PendingNotification_t>(asn_DEF_PendingNotification, der);
  if (!asn.ok()) return asn.status();
  Result<PendingNotification> model = FromAsn(**asn, der);
  if (!model.ok()) return model.status().WithContext("PendingNotification");
  return model;
}

template <>
Result<Bytes> Encode<PendingNotification>(const PendingNotification& message) {
  if (!message.der.empty()) {
    Result<PendingNotification> check = Decode<PendingNotification>(message.der);
    if (!check.ok()) return Status(ErrorCode::kInvalidInput, "PendingNotification.der: " + check.status().message());
    return message.der;
  }
  auto asn = NewAsn<PendingNotification_t>(asn_DEF_PendingNotification);
  Status status = ToAsn(message, *asn);
  if (!status.ok()) return status.WithContext("PendingNotification");
  return EncodeAsn(asn_DEF_PendingNotification, asn.get());
}

// RetrieveNotificationsListResponse: each notification is written exactly as
// Encode<PendingNotification> gives it (its kept `der` when set), so an eUICC
// returns the very bytes it signed; the list and outer tags are DER.
template <>
Result<Bytes> Encode<RetrieveNotificationsListResponse>(const RetrieveNotificationsListResponse& message) {
  if (message.notificationList.has_value() == message.notificationsListResultError.has_value()) {
    return Status(ErrorCode::kInvalidInput,
                  "RetrieveNotificationsListResponse: exactly one of notificationList and "
                  "notificationsListResultError must be set");
  }
  static constexpr uint8_t kOuterTag[] = {0xBF, 0x2B};
  if (message.notificationsListResultError) {
    auto asn = NewAsn<RetrieveNotificationsListResponse_t>(asn_DEF_RetrieveNotificationsListResponse);
    asn->present = RetrieveNotificationsListResponse_PR_notificationsListResultError;
    asn->choice.notificationsListResultError = static_cast<long>(*message.notificationsListResultError);
    return EncodeAsn(asn_DEF_RetrieveNotificationsListResponse, asn.get());
  }
  Bytes items;
  for (size_t i = 0; i < message.notificationList->size(); ++i) {
    Result<Bytes> item = Encode((*message.notificationList)[i]);
    if (!item.ok()) {
      return item.status().WithContext("RetrieveNotificationsListResponse.notificationList[" +
                                       std::to_string(i) + "]");
    }
    items.insert(items.end(), item->begin(), item->end());
  }
  static constexpr uint8_t kListTag[] = {0xA0};
  return DerElement(kOuterTag, DerElement(kListTag, items));
}

template <>
Result<RetrieveNotificationsListResponse> Decode<RetrieveNotificationsListResponse>(ByteView der) {
  auto asn = DecodeAsn<RetrieveNotificationsListResponse_t>(asn_DEF_RetrieveNotificationsListResponse, der);
  if (!asn.ok()) return asn.status();
  Result<RetrieveNotificationsListResponse> model = FromAsn(**asn, der);
  if (!model.ok()) return model.status().WithContext("RetrieveNotificationsListResponse");
  return model;
}

}  // namespace esim::es10

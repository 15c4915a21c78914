// Fuzz target: every ES10 decoder of asn1/es10_codec.h (responses, requests and the parts
// decoded alone). The first input byte picks the message type, the rest is the DER. A message
// that decodes is pushed through the whole path the CLI takes: ToJson, re-encoding (which must
// succeed and decode again to the same JSON) and DescribeEs10 + RenderText of the input.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstdio>

#include "asn1/describe.h"
#include "asn1/es10_codec.h"
#include "asn1/json.h"
#include "asn1/messages.h"

namespace {

using namespace esim;
using namespace esim::es10;

[[noreturn]] void Fail(const char* what, const char* type) {
  std::fprintf(stderr, "fuzz_es10_decode: %s for %s\n", what, type);
  std::abort();
}

template <typename Message>
void Exercise(ByteView der, const char* type) {
  Result<Message> decoded = Decode<Message>(der);
  if (!decoded.ok()) return;
  nlohmann::json json = ToJson(*decoded);
  (void)JsonText(json, 2);  // as Output::Json prints it
  Result<Bytes> encoded = Encode(*decoded);
  // A decoded value may still violate what the encoder checks (e.g. a long-form length
  // accepted leniently); but whatever re-encodes must decode back to the same model.
  if (!encoded.ok()) return;
  Result<Message> again = Decode<Message>(*encoded);
  if (!again.ok()) Fail("re-encoded DER does not decode", type);
  if (ToJson(*again) != json) Fail("decode(encode(x)) differs from x", type);
}

void ExtraChecks(ByteView der) {
  Result<EuiccInfo2> info = Decode<EuiccInfo2>(der);
  if (info.ok()) (void)ToJson(ParseExtCardResource(info->extCardResource));
  Result<Iccid> iccid = DecodeIccid(der);
  if (iccid.ok()) {
    (void)IsValidEid(*iccid);
    (void)EncodeIccid(*iccid);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  ByteView der(data + 1, size - 1);
  switch (data[0] % 33) {
    // Responses.
    case 0: Exercise<GetEuiccDataResponse>(der, "GetEuiccDataResponse"); break;
    case 1: Exercise<EuiccInfo1>(der, "EuiccInfo1"); break;
    case 2: Exercise<EuiccInfo2>(der, "EuiccInfo2"); break;
    case 3: Exercise<GetProfilesInfoResponse>(der, "GetProfilesInfoResponse"); break;
    case 4: Exercise<EnableProfileResponse>(der, "EnableProfileResponse"); break;
    case 5: Exercise<DisableProfileResponse>(der, "DisableProfileResponse"); break;
    case 6: Exercise<DeleteProfileResponse>(der, "DeleteProfileResponse"); break;
    case 7: Exercise<SetNicknameResponse>(der, "SetNicknameResponse"); break;
    case 8: Exercise<EuiccMemoryResetResponse>(der, "EuiccMemoryResetResponse"); break;
    case 9: Exercise<EuiccConfiguredAddressesResponse>(der, "EuiccConfiguredAddressesResponse"); break;
    case 10: Exercise<SetDefaultDpAddressResponse>(der, "SetDefaultDpAddressResponse"); break;
    case 11: Exercise<RulesAuthorisationTable>(der, "RulesAuthorisationTable"); break;
    case 12: Exercise<ListNotificationResponse>(der, "ListNotificationResponse"); break;
    case 13: Exercise<RetrieveNotificationsListResponse>(der, "RetrieveNotificationsListResponse"); break;
    case 14: Exercise<NotificationSentResponse>(der, "NotificationSentResponse"); break;
    case 15: Exercise<CancelSessionResponse>(der, "CancelSessionResponse"); break;
    // Parts decoded alone.
    case 16: Exercise<ProfileInfo>(der, "ProfileInfo"); break;
    case 17: Exercise<NotificationMetadata>(der, "NotificationMetadata"); break;
    case 18: Exercise<PendingNotification>(der, "PendingNotification"); break;
    // Requests (the virtual card and `esimctl decode --as request`).
    case 19: Exercise<GetEuiccDataRequest>(der, "GetEuiccDataRequest"); break;
    case 20: Exercise<GetProfilesInfoRequest>(der, "GetProfilesInfoRequest"); break;
    case 21: Exercise<EnableProfileRequest>(der, "EnableProfileRequest"); break;
    case 22: Exercise<DisableProfileRequest>(der, "DisableProfileRequest"); break;
    case 23: Exercise<DeleteProfileRequest>(der, "DeleteProfileRequest"); break;
    case 24: Exercise<SetNicknameRequest>(der, "SetNicknameRequest"); break;
    case 25: Exercise<EuiccMemoryResetRequest>(der, "EuiccMemoryResetRequest"); break;
    case 26: Exercise<SetDefaultDpAddressRequest>(der, "SetDefaultDpAddressRequest"); break;
    case 27: Exercise<ListNotificationRequest>(der, "ListNotificationRequest"); break;
    case 28: Exercise<RetrieveNotificationsListRequest>(der, "RetrieveNotificationsListRequest"); break;
    case 29: Exercise<NotificationSentRequest>(der, "NotificationSentRequest"); break;
    case 30: Exercise<CancelSessionRequest>(der, "CancelSessionRequest"); break;
    case 31: ExtraChecks(der); break;
    default: break;
  }
  // The decode command's view of the same bytes, whichever type was picked.
  Result<nlohmann::json> described = DescribeEs10(der);
  if (described.ok()) (void)RenderText(*described);
  return 0;
}

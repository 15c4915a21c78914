// Recognises ES10 messages by outer tag and renders them as JSON or text.
#include "asn1/describe.h"

#include <algorithm>
#include <functional>
#include <optional>
#include <vector>

#include "asn1/es10_codec.h"
#include "asn1/json.h"

namespace esim::es10 {

using nlohmann::json;

namespace {

// Decodes `der` as a message and returns its JSON view; with `require_exact`,
// also requires that re-encoding gives `der` back (see DescribeEs10).
using Describer = std::function<Result<json>(ByteView der, bool require_exact)>;

template <typename Message>
Describer Describe() {
  return [](ByteView der, bool require_exact) -> Result<json> {
    ESIM_ASSIGN_OR_RETURN(Message message, Decode<Message>(der));
    if (require_exact) {
      Result<Bytes> again = Encode(message);
      if (!again.ok() || !std::equal(again->begin(), again->end(), der.begin(), der.end())) {
        return Status(ErrorCode::kMalformedResponse, "not byte for byte a DER request");
      }
    }
    return ToJson(message);
  };
}

struct Side {
  const char* name;  // ASN.1 type name
  Describer describe;
};

struct Es10Message {
  std::vector<uint8_t> tag;  // outer tag bytes
  std::optional<Side> request;
  std::optional<Side> response;
};

const std::vector<Es10Message>& Messages() {
  static const std::vector<Es10Message> messages = {
      {{0xBF, 0x3E}, Side{"GetEuiccDataRequest", Describe<GetEuiccDataRequest>()},
       Side{"GetEuiccDataResponse", Describe<GetEuiccDataResponse>()}},
      {{0xBF, 0x20}, Side{"GetEuiccInfo1Request", Describe<GetEuiccInfo1Request>()},
       Side{"EUICCInfo1", Describe<EuiccInfo1>()}},
      {{0xBF, 0x22}, Side{"GetEuiccInfo2Request", Describe<GetEuiccInfo2Request>()},
       Side{"EUICCInfo2", Describe<EuiccInfo2>()}},
      {{0xBF, 0x2D}, Side{"ProfileInfoListRequest", Describe<GetProfilesInfoRequest>()},
       Side{"ProfileInfoListResponse", Describe<GetProfilesInfoResponse>()}},
      {{0xBF, 0x31}, Side{"EnableProfileRequest", Describe<EnableProfileRequest>()},
       Side{"EnableProfileResponse", Describe<EnableProfileResponse>()}},
      {{0xBF, 0x32}, Side{"DisableProfileRequest", Describe<DisableProfileRequest>()},
       Side{"DisableProfileResponse", Describe<DisableProfileResponse>()}},
      {{0xBF, 0x33}, Side{"DeleteProfileRequest", Describe<DeleteProfileRequest>()},
       Side{"DeleteProfileResponse", Describe<DeleteProfileResponse>()}},
      {{0xBF, 0x29}, Side{"SetNicknameRequest", Describe<SetNicknameRequest>()},
       Side{"SetNicknameResponse", Describe<SetNicknameResponse>()}},
      {{0xBF, 0x34}, Side{"EuiccMemoryResetRequest", Describe<EuiccMemoryResetRequest>()},
       Side{"EuiccMemoryResetResponse", Describe<EuiccMemoryResetResponse>()}},
      {{0xBF, 0x3C}, Side{"EuiccConfiguredAddressesRequest", Describe<GetEuiccConfiguredAddressesRequest>()},
       Side{"EuiccConfiguredAddressesResponse", Describe<EuiccConfiguredAddressesResponse>()}},
      {{0xBF, 0x3F}, Side{"SetDefaultDpAddressRequest", Describe<SetDefaultDpAddressRequest>()},
       Side{"SetDefaultDpAddressResponse", Describe<SetDefaultDpAddressResponse>()}},
      {{0xBF, 0x43}, Side{"GetRatRequest", Describe<GetRatRequest>()},
       Side{"GetRatResponse", Describe<RulesAuthorisationTable>()}},
      {{0xBF, 0x28}, Side{"ListNotificationRequest", Describe<ListNotificationRequest>()},
       Side{"ListNotificationResponse", Describe<ListNotificationResponse>()}},
      {{0xBF, 0x2B}, Side{"RetrieveNotificationsListRequest", Describe<RetrieveNotificationsListRequest>()},
       Side{"RetrieveNotificationsListResponse", Describe<RetrieveNotificationsListResponse>()}},
      {{0xBF, 0x30}, Side{"NotificationSentRequest", Describe<NotificationSentRequest>()},
       Side{"NotificationSentResponse", Describe<NotificationSentResponse>()}},
      {{0xBF, 0x41}, Side{"CancelSessionRequest", Describe<CancelSessionRequest>()},
       Side{"CancelSessionResponse", Describe<CancelSessionResponse>()}},
      // Parts that are handled on their own (stored notifications, one profile).
      {{0xBF, 0x37}, std::nullopt, Side{"PendingNotification", Describe<PendingNotification>()}},
      {{0x30}, std::nullopt, Side{"PendingNotification", Describe<PendingNotification>()}},
      {{0xBF, 0x2F}, std::nullopt, Side{"NotificationMetadata", Describe<NotificationMetadata>()}},
      {{0xE3}, std::nullopt, Side{"ProfileInfo", Describe<ProfileInfo>()}},
  };
  return messages;
}

// Every tag in the table is complete (its last byte has bit 8 clear), so a
// prefix match is a tag match.
bool StartsWithTag(ByteView der, const std::vector<uint8_t>& tag) {
  return der.size() >= tag.size() && std::equal(tag.begin(), tag.end(), der.begin());
}

Result<json> Try(const Side& side, const char* direction, ByteView der, bool require_exact) {
  ESIM_ASSIGN_OR_RETURN(json value, side.describe(der, require_exact));
  return json{{"message", side.name}, {"direction", direction}, {"value", value}};
}

void Render(const json& value, int indent, std::string& out);

void RenderEntry(const std::string& prefix, const json& value, int indent, std::string& out) {
  const std::string pad(static_cast<size_t>(indent), ' ');
  if (value.is_object() || (value.is_array() && !value.empty() && !value[0].is_primitive())) {
    if (value.empty()) {
      out += pad + prefix + (value.is_object() ? " {}" : " []") + "\n";
      return;
    }
    out += pad + prefix + "\n";
    Render(value, indent + 2, out);
  } else if (value.is_array()) {
    std::string items;
    for (const json& item : value) items += (items.empty() ? "" : ", ") + (item.is_string() ? item.get<std::string>() : item.dump());
    out += pad + prefix + (items.empty() ? " []" : " " + items) + "\n";
  } else {
    out += pad + prefix + " " + (value.is_string() ? value.get<std::string>() : value.dump()) + "\n";
  }
}

void Render(const json& value, int indent, std::string& out) {
  if (value.is_object()) {
    for (const auto& [key, item] : value.items()) RenderEntry(key + ":", item, indent, out);
  } else if (value.is_array()) {
    for (const json& item : value) RenderEntry("-", item, indent, out);
  } else {
    out += std::string(static_cast<size_t>(indent), ' ') +
           (value.is_string() ? value.get<std::string>() : value.dump()) + "\n";
  }
}

}  // namespace

Result<json> DescribeEs10(ByteView der, Direction direction) {
  if (der.empty()) return Status(ErrorCode::kMalformedResponse, "empty input is no ES10 message");
  for (const Es10Message& message : Messages()) {
    if (!StartsWithTag(der, message.tag)) continue;
    const bool want_response = direction != Direction::kRequest;
    const bool want_request = direction != Direction::kResponse;
    std::optional<Status> first_error;
    if (want_response && message.response) {
      Result<json> described = Try(*message.response, "response", der, false);
      if (described.ok()) return described;
      first_error = described.status();
    }
    if (want_request && message.request) {
      // After a failed response, a request only counts if it is exactly what an
      // LPA would send: requests have few optional members, and an unknown
      // member (such as a whole response list) would otherwise be skipped and
      // turn a broken response into an empty request.
      const bool require_exact = first_error.has_value();
      Result<json> described = Try(*message.request, "request", der, require_exact);
      if (described.ok()) return described;
      if (!first_error) first_error = described.status();
    }
    if (first_error) return *first_error;
    return Status(ErrorCode::kMalformedResponse,
                  "tag " + ToHex(ByteView(message.tag)) + " has no ES10 " +
                      (direction == Direction::kRequest ? "request" : "response"));
  }
  return Status(ErrorCode::kMalformedResponse,
                "not an ES10 message: unknown outer tag " + ToHex(der.first(std::min<size_t>(der.size(), 2))));
}

std::string RenderText(const json& value) {
  std::string out;
  Render(value, 0, out);
  return out;
}

}  // namespace esim::es10

// Es10Client::Call: the one place where a request becomes STORE DATA and an
// answer becomes a model type. Included only by es10a.cc, es10b.cc, es10c.cc.
#pragma once

#include "asn1/es10_codec.h"
#include "src/es10/es10_client.h"

namespace esim {

// True if `failure` (with the status word `sw` that ended the exchange) is how a card
// answers ES10 on an application that is not the ISD-R: the INS or CLA is unknown there,
// or the answer is not an ES10 message at all. Other status words (6A88, 6A80, 6985, ...)
// come from an application that understood STORE DATA and are reported as they are; in
// particular a state-changing command is never sent again to another AID after one.
inline bool LooksLikeWrongApplication(const Status& failure, uint16_t sw) {
  if (failure.code() == ErrorCode::kMalformedResponse) return true;
  if (failure.code() != ErrorCode::kCardStatus) return false;
  switch (sw) {
    case 0x6D00:  // INS not supported
    case 0x6E00:  // CLA not supported
    case 0x6982:  // security status not satisfied: another application is selected
    case 0x6A82:  // application / file not found
      return true;
    default:
      return false;
  }
}

template <typename Response, typename Request, typename Check>
Result<Response> Es10Client::CallChecked(const Request& request, Check&& confirms_isdr) {
  ESIM_ASSIGN_OR_RETURN(Bytes encoded, es10::Encode(request));
  // An answer that decodes but fails the check, before the ISD-R is confirmed, counts as the
  // wrong application's: CallEncoded then tries the next candidate AID.
  return CallEncoded(encoded, [&](ByteView answer) -> Result<Response> {
    Result<Response> decoded = es10::Decode<Response>(answer);
    if (!decoded.ok() || locator_.confirmed() || confirms_isdr(*decoded)) return decoded;
    return Status(ErrorCode::kMalformedResponse, "answer failed the ISD-R check");
  });
}

template <typename Decoder>
auto Es10Client::CallEncoded(ByteView encoded, Decoder&& decode) -> decltype(decode(ByteView{})) {
  for (;;) {
    ++requests_sent_;
    Result<Bytes> answer = locator_.channel().Send(encoded);
    Status failure;
    if (answer.ok()) {
      auto decoded = decode(ByteView(*answer));
      if (decoded.ok()) {
        locator_.Confirm();
        return decoded;
      }
      failure = decoded.status();
    } else {
      failure = answer.status();
    }
    if (locator_.confirmed() ||
        !LooksLikeWrongApplication(failure, locator_.channel().last_status_word())) {
      return failure;
    }
    if (!locator_.SelectNext()) {
      return Status(ErrorCode::kNotEuicc,
                    locator_.DescribeAttempts() + "\n  last answer: " + failure.message());
    }
  }
}

template <typename Response, typename Request>
Result<Response> Es10Client::Call(const Request& request) {
  return CallChecked<Response>(request, [](const Response&) { return true; });
}

}  // namespace esim

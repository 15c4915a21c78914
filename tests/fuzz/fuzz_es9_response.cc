// Fuzz target: ES9+ handleNotification answer handling without the network
// (src/safety/handle_notification_client.cc): the HTTP status + response body of an attempt
// turned into the acceptance decision and the failure reason (the server's {"error"} /
// {"message"} text, escaped); and the card-supplied notification address check (UrlFor).
// Input: two bytes of HTTP status (0 = a transport error instead), then the body; the body
// also serves as the address.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <algorithm>
#include <string>

#include "src/safety/handle_notification_client.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace esim;
  if (size < 2) return 0;
  const int status = data[0] << 8 | data[1];
  // Deliver() keeps at most the first 4 KiB of a body.
  std::string body(reinterpret_cast<const char*>(data + 2), std::min<size_t>(size - 2, 4096));
  DeliveryAttempt attempt;
  if (status == 0) {
    attempt.transport_error = "connection reset";
  } else {
    attempt.http_status = status;
  }
  (void)IsAccepted(attempt);
  std::string reason = FailureReason(attempt, body);
  // The reason goes to terminals and the journal: never a control byte or non-ASCII byte.
  for (char c : reason) {
    auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u >= 0x7F) {
      std::fprintf(stderr, "fuzz_es9_response: unescaped byte 0x%02x in the reason\n", u);
      std::abort();
    }
  }
  if (reason.size() > 900) {
    std::fprintf(stderr, "fuzz_es9_response: reason of %zu bytes\n", reason.size());
    std::abort();
  }
  Result<std::string> url = HandleNotificationClient::UrlFor(body);
  if (url.ok() && (url->find('/', 8) == std::string::npos || url->find_first_of(" \r\n@?#") != std::string::npos)) {
    std::fprintf(stderr, "fuzz_es9_response: accepted address gives URL %s\n", url->c_str());
    std::abort();
  }
  return 0;
}

// The test SM-DP+'s HTTPS plumbing: a strict HTTP/1.1 request reader, the answer writer, the
// TLS contexts (the real one and a deliberately wrong one) and the 127.0.0.1 listener.
//
// One request per connection (the server answers `Connection: close`), read with per-socket
// timeouts so a silent client cannot hold the single worker. Free functions; thread-compatible.
#pragma once

#include <openssl/ssl.h>

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/openssl_ptr.h"
#include "common/status.h"

namespace esim::smdp {

using SslCtxPtr = std::unique_ptr<SSL_CTX, OpenSslFree<SSL_CTX_free>>;
using SslPtr = std::unique_ptr<SSL, OpenSslFree<SSL_free>>;

// An owned file descriptor, closed on destruction.
class Fd {
 public:
  explicit Fd(int fd = -1) : fd_(fd) {}
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  Fd(Fd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  ~Fd();
  int get() const { return fd_; }

 private:
  int fd_;
};

// The first queued OpenSSL error as text (and clears the queue).
std::string OpenSslError();

struct Request {
  std::string method, target, version;
  std::vector<std::pair<std::string, std::string>> headers;  // names lower-cased
  std::string body;
  std::optional<std::string> Header(std::string_view name) const;
};

// An HTTP-level refusal; status 0 means a transport problem where no answer is possible.
struct HttpError {
  int status;
  std::string reason;
};

// The ES9+ path prefix; every function is PREFIX + name.
inline constexpr std::string_view kEs9Prefix = "/gsma/rsp2/es9plus/";
// SGP.22's ES11 path prefix (the SM-DS role: initiateAuthentication, authenticateClient).
inline constexpr std::string_view kEs11Prefix = "/gsma/rsp2/es11/";

// Reads one request (head ≤ 8 KiB, body ≤ max_body) and applies the ES9+ header rules
// (POST, Content-Type application/json, X-Admin-Protocol gsma/rsp/v2.x.y). `known_path`
// decides 404 before anything else about the body is checked.
std::optional<HttpError> ReadRequest(SSL* ssl, Request& r, size_t max_body,
                                     bool (*known_path)(std::string_view));

// Writes the status line, headers and body (JSON unless status is 204), then closes politely.
// Returns an error text if the answer could not be delivered.
std::optional<std::string> WriteResponse(SSL* ssl, int fd, int status, const std::string& body,
                                         const std::string& admin_protocol);

// TLS server context from a PEM chain file and PEM key.
Result<SslCtxPtr> MakeServerContext(const std::string& cert_chain, const std::string& key);
// TLS server context with a fresh self-signed certificate for wrong.example.net.
Result<SslCtxPtr> MakeWrongCertContext();

// A listening socket on 127.0.0.1:port (0 picks one); `bound` receives the port.
Result<Fd> Listen(int port, uint16_t& bound);

}  // namespace esim::smdp

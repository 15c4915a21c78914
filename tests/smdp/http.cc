#include "tests/smdp/http.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/x509v3.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <regex>

namespace esim::smdp {
namespace {

constexpr size_t kMaxHeaderBytes = 8 * 1024;

bool IsTchar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || std::strchr("!#$%&'*+-.^_`|~", c) != nullptr;
}

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string Trim(std::string_view s) {
  size_t b = s.find_first_not_of(" \t"), e = s.find_last_not_of(" \t");
  return b == std::string_view::npos ? std::string() : std::string(s.substr(b, e - b + 1));
}

// Parses the head (request line + header lines, without the final CRLF CRLF). Strict: CRLF only,
// single SP in the request line, token header names, no obs-fold, no duplicate Content-Length.
std::optional<HttpError> ParseHead(std::string_view head, Request& r) {
  size_t pos = 0;
  auto next_line = [&](std::string_view& line) {
    if (pos > head.size()) return false;
    size_t e = head.find("\r\n", pos);
    if (e == std::string_view::npos) e = head.size();
    line = head.substr(pos, e - pos);
    pos = e + 2;
    return true;
  };
  std::string_view line;
  next_line(line);
  if (line.find('\n') != std::string_view::npos || line.find('\r') != std::string_view::npos)
    return HttpError{400, "bare CR or LF in request line"};
  size_t s1 = line.find(' '), s2 = line.rfind(' ');
  if (s1 == std::string_view::npos || s1 == s2) return HttpError{400, "malformed request line"};
  r.method = std::string(line.substr(0, s1));
  r.target = std::string(line.substr(s1 + 1, s2 - s1 - 1));
  r.version = std::string(line.substr(s2 + 1));
  if (r.method.empty() || !std::all_of(r.method.begin(), r.method.end(), IsTchar))
    return HttpError{400, "malformed method"};
  if (r.target.empty() || r.target[0] != '/' || r.target.find(' ') != std::string::npos)
    return HttpError{400, "malformed request target"};
  if (r.version != "HTTP/1.1" && r.version != "HTTP/1.0") return HttpError{400, "unsupported HTTP version"};
  while (pos < head.size() + 2 && next_line(line)) {
    if (line.empty()) return HttpError{400, "empty header line"};
    if (line[0] == ' ' || line[0] == '\t') return HttpError{400, "obsolete header folding"};
    if (line.find('\r') != std::string_view::npos || line.find('\n') != std::string_view::npos)
      return HttpError{400, "bare CR or LF in header"};
    size_t colon = line.find(':');
    if (colon == std::string_view::npos || colon == 0) return HttpError{400, "malformed header line"};
    std::string name(line.substr(0, colon));
    if (!std::all_of(name.begin(), name.end(), IsTchar)) return HttpError{400, "malformed header name"};
    r.headers.emplace_back(Lower(name), Trim(line.substr(colon + 1)));
  }
  if (r.version == "HTTP/1.1" && !r.Header("host")) return HttpError{400, "missing Host header"};
  // A repeated header that decides how the request is read or checked is ambiguous: refuse it.
  for (const char* unique : {"host", "content-length", "content-type", "x-admin-protocol"}) {
    if (std::count_if(r.headers.begin(), r.headers.end(), [unique](const auto& h) { return h.first == unique; }) > 1)
      return HttpError{400, std::string("repeated header ") + unique};
  }
  if (r.Header("transfer-encoding")) return HttpError{501, "Transfer-Encoding is not supported"};
  return std::nullopt;
}

const char* ReasonPhrase(int status) {
  switch (status) {
    case 200: return "OK";
    case 204: return "No Content";
    case 400: return "Bad Request";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 408: return "Request Timeout";
    case 411: return "Length Required";
    case 413: return "Content Too Large";
    case 415: return "Unsupported Media Type";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    default: return "Unknown";
  }
}

// Closing a socket with unread input sends RST, which can destroy the answer before the client
// reads it (e.g. a 413 for a body never read). So: half-close, then read and discard the rest,
// bounded in bytes and time.
void Drain(int fd) {
  ::shutdown(fd, SHUT_WR);
  timeval tv{0, 200 * 1000};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  auto until = std::chrono::steady_clock::now() + std::chrono::seconds(1);
  char sink[4096];
  size_t total = 0;
  while (total < 1024 * 1024 && std::chrono::steady_clock::now() < until) {
    ssize_t n = ::recv(fd, sink, sizeof sink, 0);
    if (n <= 0) break;
    total += static_cast<size_t>(n);
  }
}

}  // namespace

Fd::~Fd() {
  if (fd_ >= 0) ::close(fd_);
}

std::string OpenSslError() {
  unsigned long e = ERR_get_error();
  if (e == 0) return "no OpenSSL error queued";
  char buf[256];
  ERR_error_string_n(e, buf, sizeof buf);
  ERR_clear_error();
  return buf;
}

std::optional<std::string> Request::Header(std::string_view name) const {
  for (const auto& [n, v] : headers)
    if (n == name) return v;
  return std::nullopt;
}

std::optional<HttpError> ReadRequest(SSL* ssl, Request& r, size_t max_body,
                                     bool (*known_path)(std::string_view)) {
  std::string buf;
  char chunk[4096];
  size_t head_end;
  while ((head_end = buf.find("\r\n\r\n")) == std::string::npos) {
    if (buf.size() > kMaxHeaderBytes) return HttpError{431, "request head over 8 KiB"};
    int n = SSL_read(ssl, chunk, sizeof chunk);
    if (n <= 0) return HttpError{0, "connection closed or timed out before the request head ended"};
    buf.append(chunk, static_cast<size_t>(n));
  }
  if (head_end > kMaxHeaderBytes) return HttpError{431, "request head over 8 KiB"};
  if (auto e = ParseHead(std::string_view(buf).substr(0, head_end), r)) return e;
  if (!known_path(r.target)) return HttpError{404, "no such path: " + r.target};
  if (r.method != "POST") return HttpError{405, "method " + r.method + " not allowed (POST only)"};
  auto length_text = r.Header("content-length");
  if (!length_text) return HttpError{411, "Content-Length required"};
  if (length_text->empty() || length_text->size() > 9 ||
      !std::all_of(length_text->begin(), length_text->end(), ::isdigit))
    return HttpError{400, "malformed Content-Length"};
  size_t length = std::stoul(*length_text);
  if (length > max_body) return HttpError{413, "body over " + std::to_string(max_body / 1024) + " KiB"};
  r.body = buf.substr(head_end + 4);
  while (r.body.size() < length) {
    int n = SSL_read(ssl, chunk, sizeof chunk);
    if (n <= 0) return HttpError{0, "connection closed or timed out inside the body"};
    r.body.append(chunk, static_cast<size_t>(n));
  }
  if (r.body.size() > length) return HttpError{400, "more bytes than Content-Length (no pipelining)"};
  // Header checks of ES9+ (download-facts section 5), after the path so a 404 stays a 404.
  std::string type = Lower(r.Header("content-type").value_or(""));
  if (Trim(type.substr(0, type.find(';'))) != "application/json")
    return HttpError{415, "Content-Type must be application/json"};
  static const std::regex kAdmin(R"(gsma/rsp/v2\.[0-9]+\.[0-9]+)");
  if (!std::regex_match(r.Header("x-admin-protocol").value_or(""), kAdmin))
    return HttpError{400, "X-Admin-Protocol must be gsma/rsp/v2.x.y"};
  return std::nullopt;
}

std::optional<std::string> WriteResponse(SSL* ssl, int fd, int status, const std::string& body,
                                         const std::string& admin_protocol) {
  std::string out = "HTTP/1.1 " + std::to_string(status) + " " + ReasonPhrase(status) + "\r\n";
  if (status == 405) out += "Allow: POST\r\n";
  if (!admin_protocol.empty()) out += "X-Admin-Protocol: " + admin_protocol + "\r\n";
  if (status != 204) {  // 204 carries neither a body nor Content-Length
    out += "Content-Type: application/json;charset=UTF-8\r\nContent-Length: " + std::to_string(body.size()) + "\r\n";
  }
  out += "Connection: close\r\n\r\n";
  if (status != 204) out += body;
  // One SSL_write per chunk: a BPP answer can exceed one TLS record.
  size_t sent = 0;
  while (sent < out.size()) {
    int n = SSL_write(ssl, out.data() + sent, static_cast<int>(out.size() - sent));
    if (n <= 0) return "answer not delivered: " + OpenSslError();
    sent += static_cast<size_t>(n);
  }
  SSL_shutdown(ssl);  // close_notify; the peer's is not awaited (Connection: close)
  Drain(fd);
  return std::nullopt;
}

Result<SslCtxPtr> MakeServerContext(const std::string& cert_chain, const std::string& key) {
  SslCtxPtr ctx(SSL_CTX_new(TLS_server_method()));
  if (!ctx) return Status(ErrorCode::kInternal, "SSL_CTX_new: " + OpenSslError());
  SSL_CTX_set_min_proto_version(ctx.get(), TLS1_2_VERSION);
  // A chain file: the test may append intermediates after the leaf.
  if (SSL_CTX_use_certificate_chain_file(ctx.get(), cert_chain.c_str()) != 1)
    return Status(ErrorCode::kIo, "--cert " + cert_chain + ": " + OpenSslError());
  if (SSL_CTX_use_PrivateKey_file(ctx.get(), key.c_str(), SSL_FILETYPE_PEM) != 1)
    return Status(ErrorCode::kIo, "--key " + key + ": " + OpenSslError());
  if (SSL_CTX_check_private_key(ctx.get()) != 1)
    return Status(ErrorCode::kInvalidInput, "certificate and key do not match: " + OpenSslError());
  return ctx;
}

// A self-signed certificate for a host name the client never asks for: a client that verifies
// the chain (and the host name) must refuse it.
Result<SslCtxPtr> MakeWrongCertContext() {
  EvpPkeyPtr key(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
  if (!key) return Status(ErrorCode::kInternal, "keygen: " + OpenSslError());
  X509Ptr cert(X509_new());
  if (!cert) return Status(ErrorCode::kInternal, "X509_new: " + OpenSslError());
  X509_set_version(cert.get(), 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), 1);
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), 24L * 3600);
  X509_NAME* name = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("wrong.example.net"), -1, -1, 0);
  X509_set_issuer_name(cert.get(), name);
  X509_set_pubkey(cert.get(), key.get());
  X509V3_CTX v3;
  X509V3_set_ctx_nodb(&v3);
  X509V3_set_ctx(&v3, cert.get(), cert.get(), nullptr, nullptr, 0);
  std::unique_ptr<X509_EXTENSION, OpenSslFree<X509_EXTENSION_free>> san(
      X509V3_EXT_conf_nid(nullptr, &v3, NID_subject_alt_name, "DNS:wrong.example.net"));
  if (!san || X509_add_ext(cert.get(), san.get(), -1) != 1)
    return Status(ErrorCode::kInternal, "SAN: " + OpenSslError());
  if (X509_sign(cert.get(), key.get(), EVP_sha256()) <= 0)
    return Status(ErrorCode::kInternal, "X509_sign: " + OpenSslError());
  SslCtxPtr ctx(SSL_CTX_new(TLS_server_method()));
  if (!ctx) return Status(ErrorCode::kInternal, "SSL_CTX_new: " + OpenSslError());
  SSL_CTX_set_min_proto_version(ctx.get(), TLS1_2_VERSION);
  if (SSL_CTX_use_certificate(ctx.get(), cert.get()) != 1 || SSL_CTX_use_PrivateKey(ctx.get(), key.get()) != 1)
    return Status(ErrorCode::kInternal, "wrong-cert: " + OpenSslError());
  return ctx;
}

Result<Fd> Listen(int port, uint16_t& bound) {
  Fd fd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (fd.get() < 0) return Status(ErrorCode::kIo, std::string("socket: ") + std::strerror(errno));
  int one = 1;
  setsockopt(fd.get(), SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);  // never anything but 127.0.0.1
  if (::bind(fd.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0)
    return Status(ErrorCode::kIo, "bind 127.0.0.1:" + std::to_string(port) + ": " + std::strerror(errno));
  if (::listen(fd.get(), 8) != 0) return Status(ErrorCode::kIo, std::string("listen: ") + std::strerror(errno));
  socklen_t len = sizeof addr;
  if (::getsockname(fd.get(), reinterpret_cast<sockaddr*>(&addr), &len) != 0)
    return Status(ErrorCode::kIo, std::string("getsockname: ") + std::strerror(errno));
  bound = ntohs(addr.sin_port);
  return fd;
}

}  // namespace esim::smdp

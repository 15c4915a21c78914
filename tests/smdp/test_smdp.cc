// test-smdp: a local test SM-DP+ that answers ES9+ handleNotification over HTTPS on 127.0.0.1.
//
// It exists so the notification client can be tested end to end without a real SM-DP+: it
// checks what a real SM-DP+ checks (headers, strict base64, PendingNotification DER, the eUICC's
// ECDSA r||s signature over the exact BF2F bytes, and optionally eUICC <- EUM <- CI), logs one
// JSON line per request, and can be told to misbehave (500, slow, reset, wrong certificate).
//
// It is deliberately bounded: 127.0.0.1 only, one connection at a time, per-connection socket
// timeouts, --max-requests and a hard --lifetime-s (backed by alarm()) so it always stops.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <fstream>
#include <iostream>
#include <memory>
#include <optional>
#include <regex>
#include <string>
#include <thread>
#include <utility>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

#include "common/openssl_ptr.h"
#include "common/raw_ecdsa.h"
#include "asn1/es10_codec.h"
#include "asn1/messages.h"
#include "common/bytes.h"
#include "common/status.h"

namespace esim::smdp {
namespace {

using Clock = std::chrono::steady_clock;

constexpr std::string_view kPath = "/gsma/rsp2/es9plus/handleNotification";
constexpr size_t kMaxHeaderBytes = 8 * 1024;
constexpr size_t kMaxBodyBytes = 64 * 1024;
constexpr int kSocketTimeoutS = 5;  // a silent client cannot hold the single worker for long

// ---- RAII for OpenSSL objects and file descriptors ---------------------------------------
using esim::EvpPkeyPtr;
using esim::OpenSslFree;
using esim::X509Ptr;
using SslCtxPtr = std::unique_ptr<SSL_CTX, OpenSslFree<SSL_CTX_free>>;
using SslPtr = std::unique_ptr<SSL, OpenSslFree<SSL_free>>;
using StorePtr = esim::X509StorePtr;
using StoreCtxPtr = esim::X509StoreCtxPtr;
using NameConstraintsPtr = std::unique_ptr<NAME_CONSTRAINTS, OpenSslFree<NAME_CONSTRAINTS_free>>;
// sk_X509_free is a macro in OpenSSL 3, so it cannot be a template argument; frees the stack only.
struct X509StackFree {
  void operator()(STACK_OF(X509) * s) const { sk_X509_free(s); }
};
using X509StackPtr = std::unique_ptr<STACK_OF(X509), X509StackFree>;

class Fd {
 public:
  explicit Fd(int fd = -1) : fd_(fd) {}
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  Fd(Fd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  int get() const { return fd_; }

 private:
  int fd_;
};

std::string OpenSslError() {
  unsigned long e = ERR_get_error();
  if (e == 0) return "no OpenSSL error queued";
  char buf[256];
  ERR_error_string_n(e, buf, sizeof buf);
  ERR_clear_error();
  return buf;
}

// ---- Options ----------------------------------------------------------------------------
enum class FailMode { kNone, k500, kSlow, kReset, kWrongCert };

struct Options {
  int port = 0;
  std::string cert, key, ci_cert, log;
  std::string fail = "none";
  FailMode fail_mode = FailMode::kNone;
  int slow_ms = 0;
  int fail_count = -1;  // -1: every request fails
  int max_requests = 0; // 0: no limit (the lifetime still applies)
  int lifetime_s = 60;
};

Status ParseFail(Options& o) {
  if (o.fail == "none") o.fail_mode = FailMode::kNone;
  else if (o.fail == "500") o.fail_mode = FailMode::k500;
  else if (o.fail == "reset") o.fail_mode = FailMode::kReset;
  else if (o.fail == "wrong-cert") o.fail_mode = FailMode::kWrongCert;
  else if (o.fail.starts_with("slow:")) {
    std::string ms = o.fail.substr(5);
    if (ms.empty() || ms.size() > 7 || !std::all_of(ms.begin(), ms.end(), ::isdigit))
      return Status(ErrorCode::kUsage, "--fail slow:MS needs MS as 1-7 digits");
    o.fail_mode = FailMode::kSlow;
    o.slow_ms = std::stoi(ms);
  } else {
    return Status(ErrorCode::kUsage, "--fail must be none, 500, slow:MS, reset or wrong-cert");
  }
  return Status::Ok();
}

// ---- Certificates -----------------------------------------------------------------------
Result<X509Ptr> LoadCert(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status(ErrorCode::kIo, "cannot read " + path);
  std::string data((std::istreambuf_iterator<char>(in)), {});
  // PEM or DER: the SGP.26 directory ships both.
  std::unique_ptr<BIO, OpenSslFree<BIO_free_all>> bio(BIO_new_mem_buf(data.data(), static_cast<int>(data.size())));
  X509Ptr cert(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
  if (!cert) {
    ERR_clear_error();
    const auto* p = reinterpret_cast<const unsigned char*>(data.data());
    cert.reset(d2i_X509(nullptr, &p, static_cast<long>(data.size())));
  }
  if (!cert) return Status(ErrorCode::kInvalidInput, path + " is not a PEM or DER certificate");
  return cert;
}

// A self-signed certificate for a host name the client never asks for: a client that verifies
// the chain (and the host name) must refuse it.
Result<std::pair<X509Ptr, EvpPkeyPtr>> MakeWrongCert() {
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
  return std::make_pair(std::move(cert), std::move(key));
}

Result<SslCtxPtr> MakeContext(const Options& o, bool wrong) {
  SslCtxPtr ctx(SSL_CTX_new(TLS_server_method()));
  if (!ctx) return Status(ErrorCode::kInternal, "SSL_CTX_new: " + OpenSslError());
  SSL_CTX_set_min_proto_version(ctx.get(), TLS1_2_VERSION);
  if (wrong) {
    ESIM_ASSIGN_OR_RETURN(auto pair, MakeWrongCert());
    if (SSL_CTX_use_certificate(ctx.get(), pair.first.get()) != 1 ||
        SSL_CTX_use_PrivateKey(ctx.get(), pair.second.get()) != 1)
      return Status(ErrorCode::kInternal, "wrong-cert: " + OpenSslError());
  } else {
    // A chain file: the test may append intermediates after the leaf.
    if (SSL_CTX_use_certificate_chain_file(ctx.get(), o.cert.c_str()) != 1)
      return Status(ErrorCode::kIo, "--cert " + o.cert + ": " + OpenSslError());
    if (SSL_CTX_use_PrivateKey_file(ctx.get(), o.key.c_str(), SSL_FILETYPE_PEM) != 1)
      return Status(ErrorCode::kIo, "--key " + o.key + ": " + OpenSslError());
  }
  if (SSL_CTX_check_private_key(ctx.get()) != 1)
    return Status(ErrorCode::kInvalidInput, "certificate and key do not match: " + OpenSslError());
  return ctx;
}

// ---- HTTP -------------------------------------------------------------------------------
struct Request {
  std::string method, target, version;
  std::vector<std::pair<std::string, std::string>> headers;  // names lower-cased
  std::string body;
  std::optional<std::string> Header(std::string_view name) const {
    for (const auto& [n, v] : headers)
      if (n == name) return v;
    return std::nullopt;
  }
};

struct HttpError {
  int status;
  std::string reason;
};

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

// ---- Notification checks ----------------------------------------------------------------
// Strict base64 (RFC 4648 section 4): alphabet only, length a multiple of 4, '=' only as final
// padding, and zero unused bits, so that exactly one text encodes a given DER.
Result<Bytes> DecodeBase64Strict(const std::string& text) {
  static constexpr std::string_view kAlphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  if (text.empty() || text.size() % 4 != 0)
    return Status(ErrorCode::kInvalidInput, "base64 length is not a positive multiple of 4");
  size_t pad = text.ends_with("==") ? 2 : text.ends_with("=") ? 1 : 0;
  for (size_t i = 0; i < text.size() - pad; ++i)
    if (kAlphabet.find(text[i]) == std::string_view::npos)
      return Status(ErrorCode::kInvalidInput, "invalid base64 character at offset " + std::to_string(i));
  size_t last = kAlphabet.find(text[text.size() - pad - 1]);
  if ((pad == 2 && (last & 0x0F) != 0) || (pad == 1 && (last & 0x03) != 0))
    return Status(ErrorCode::kInvalidInput, "non-canonical base64 padding bits");
  Bytes out(text.size() / 4 * 3);
  int n = EVP_DecodeBlock(out.data(), reinterpret_cast<const unsigned char*>(text.data()),
                          static_cast<int>(text.size()));
  if (n < 0) return Status(ErrorCode::kInvalidInput, "base64 does not decode");
  out.resize(static_cast<size_t>(n) - pad);
  return out;
}

// One DER element header at `at`: where its value starts and where the element ends.
struct Tlv {
  uint32_t tag = 0;
  size_t value_begin = 0, end = 0;
};
Result<Tlv> ReadTlv(ByteView der, size_t at) {
  auto bad = [] { return Status(ErrorCode::kMalformedResponse, "truncated or malformed DER"); };
  Tlv t;
  if (at >= der.size()) return bad();
  t.tag = der[at++];
  if ((t.tag & 0x1F) == 0x1F) {
    int n = 0;
    do {
      if (at >= der.size() || ++n > 3) return bad();
      t.tag = (t.tag << 8) | der[at];
    } while (der[at++] & 0x80);
  }
  if (at >= der.size()) return bad();
  size_t length = der[at++];
  if (length & 0x80) {
    size_t count = length & 0x7F;
    if (count == 0 || count > 3) return bad();
    length = 0;
    while (count-- > 0) {
      if (at >= der.size()) return bad();
      length = (length << 8) | der[at++];
    }
  }
  if (length > der.size() - at) return bad();
  t.value_begin = at;
  t.end = at + length;
  return t;
}

X509Ptr ParseDerCert(const Bytes& der) {
  const unsigned char* p = der.data();
  X509Ptr cert(d2i_X509(nullptr, &p, static_cast<long>(der.size())));
  if (cert && p != der.data() + der.size()) cert.reset();  // trailing bytes: not one certificate
  return cert;
}

std::string SubjectSerialNumber(X509* cert) {
  X509_NAME* name = X509_get_subject_name(cert);
  int i = X509_NAME_get_index_by_NID(name, NID_serialNumber, -1);
  if (i < 0) return {};
  ASN1_STRING* s = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, i));
  return std::string(reinterpret_cast<const char*>(ASN1_STRING_get0_data(s)),
                     static_cast<size_t>(ASN1_STRING_length(s)));
}

Status VerifySignature(X509* euicc, ByteView tbs, ByteView rs) {
  if (rs.size() != 64) return Status(ErrorCode::kInvalidInput, "signature is not 64 bytes r||s");
  EvpPkeyPtr key(X509_get_pubkey(euicc));
  if (!key || !EVP_PKEY_is_a(key.get(), "EC"))
    return Status(ErrorCode::kInvalidInput, "eUICC certificate has no EC public key");
  if (!esim::VerifyRawEcdsaSha256(key.get(), tbs, rs)) {
    return Status(ErrorCode::kInvalidInput, "eUICC signature does not verify over the BF2F element");
  }
  return Status::Ok();
}

// SGP.22 reading of the EUM's name constraint: the eUICC's serialNumber (the EID) must start
// with a permitted subtree's serialNumber. Generic X.509 matching fails it, so it is done here.
Status CheckEidPrefix(X509* eum, const std::string& eid) {
  NameConstraintsPtr nc(static_cast<NAME_CONSTRAINTS*>(X509_get_ext_d2i(eum, NID_name_constraints, nullptr, nullptr)));
  if (!nc || !nc->permittedSubtrees) return Status::Ok();  // no constraint to apply
  for (int i = 0; i < sk_GENERAL_SUBTREE_num(nc->permittedSubtrees); ++i) {
    GENERAL_SUBTREE* st = sk_GENERAL_SUBTREE_value(nc->permittedSubtrees, i);
    if (st->base->type != GEN_DIRNAME) continue;
    X509_NAME* name = st->base->d.directoryName;
    int k = X509_NAME_get_index_by_NID(name, NID_serialNumber, -1);
    if (k < 0) continue;
    ASN1_STRING* s = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, k));
    std::string prefix(reinterpret_cast<const char*>(ASN1_STRING_get0_data(s)),
                       static_cast<size_t>(ASN1_STRING_length(s)));
    if (!prefix.empty() && eid.starts_with(prefix)) return Status::Ok();
  }
  return Status(ErrorCode::kInvalidInput, "EID " + eid + " is outside the EUM's permitted prefixes");
}

Status VerifyChain(X509* euicc, X509* eum, X509* ci, const std::string& eid) {
  StorePtr store(X509_STORE_new());
  if (!store || X509_STORE_add_cert(store.get(), ci) != 1)
    return Status(ErrorCode::kInternal, "X509_STORE: " + OpenSslError());
  // Only the name-constraint error is tolerated, and CheckEidPrefix applies SGP.22's rule instead.
  X509_STORE_set_verify_cb(store.get(), [](int ok, X509_STORE_CTX* ctx) {
    return ok || X509_STORE_CTX_get_error(ctx) == X509_V_ERR_PERMITTED_VIOLATION ? 1 : 0;
  });
  X509StackPtr untrusted(sk_X509_new_null());
  if (!untrusted || sk_X509_push(untrusted.get(), eum) <= 0) return Status(ErrorCode::kInternal, "sk_X509_push");
  StoreCtxPtr ctx(X509_STORE_CTX_new());
  if (!ctx || X509_STORE_CTX_init(ctx.get(), store.get(), euicc, untrusted.get()) != 1)
    return Status(ErrorCode::kInternal, "X509_STORE_CTX_init: " + OpenSslError());
  if (X509_verify_cert(ctx.get()) != 1) {
    int error = X509_STORE_CTX_get_error(ctx.get());
    ERR_clear_error();
    return Status(ErrorCode::kInvalidInput,
                  std::string("certificate chain eUICC <- EUM <- CI: ") + X509_verify_cert_error_string(error));
  }
  STACK_OF(X509)* chain = X509_STORE_CTX_get0_chain(ctx.get());
  if (!chain || sk_X509_num(chain) != 3)
    return Status(ErrorCode::kInvalidInput, "chain is not exactly eUICC <- EUM <- CI");
  return CheckEidPrefix(eum, eid);
}

struct Verdict {
  int64_t seq = -1;
  std::string eid;
  std::string chain;  // "verified" / "not checked: no --ci-cert"
};

// Everything a SM-DP+ checks on a handleNotification body. Errors are reasons for a 400; `v`
// holds what was learnt before a check failed (seqNumber, EID), so rejections are logged with it.
Status CheckNotification(const std::string& body, X509* ci, Verdict& v) {
  auto json = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (json.is_discarded()) return Status(ErrorCode::kInvalidInput, "body is not JSON");
  if (!json.is_object() || !json.contains("pendingNotification") || !json["pendingNotification"].is_string())
    return Status(ErrorCode::kInvalidInput, "body has no string member pendingNotification");
  ESIM_ASSIGN_OR_RETURN(Bytes der, DecodeBase64Strict(json["pendingNotification"].get<std::string>()));
  auto decoded = es10::Decode<es10::PendingNotification>(der);
  if (!decoded.ok()) return Status(ErrorCode::kInvalidInput, "not a PendingNotification: " + decoded.status().message());
  v.seq = decoded->metadata().seqNumber;
  const auto* other = std::get_if<es10::OtherSignedNotification>(&decoded->value);
  if (!other)
    return Status(ErrorCode::kInvalidInput,
                  "profileInstallationResult is not verified by this test SM-DP+ (only otherSignedNotification)");
  // The signed bytes are the BF2F element exactly as received: re-encoding could differ.
  ESIM_ASSIGN_OR_RETURN(Tlv outer, ReadTlv(der, 0));
  ESIM_ASSIGN_OR_RETURN(Tlv tbs, ReadTlv(der, outer.value_begin));
  if (outer.tag != 0x30 || tbs.tag != 0xBF2F || outer.end != der.size())
    return Status(ErrorCode::kInvalidInput, "otherSignedNotification does not start with BF2F");
  ByteView tbs_der(der.data() + outer.value_begin, tbs.end - outer.value_begin);

  X509Ptr euicc = ParseDerCert(other->euiccCertificate);
  X509Ptr eum = ParseDerCert(other->eumCertificate);
  if (!euicc) return Status(ErrorCode::kInvalidInput, "euiccCertificate is not a DER certificate");
  if (!eum) return Status(ErrorCode::kInvalidInput, "eumCertificate is not a DER certificate");
  v.eid = SubjectSerialNumber(euicc.get());
  ESIM_RETURN_IF_ERROR(VerifySignature(euicc.get(), tbs_der, other->euiccNotificationSignature));
  if (ci) {
    ESIM_RETURN_IF_ERROR(VerifyChain(euicc.get(), eum.get(), ci, v.eid));
    v.chain = "verified";
  } else {
    v.chain = "not checked: no --ci-cert";
  }
  return Status::Ok();
}

// ---- Server -----------------------------------------------------------------------------
struct Exchange {
  Request request;
  int status = 0;
  std::string verdict;  // accepted / rejected / injected-failure / transport-error
  std::string reason;
  Verdict details;
};

class Server {
 public:
  Server(Options o, SslCtxPtr good, SslCtxPtr wrong, X509Ptr ci, std::ofstream* log)
      : o_(std::move(o)), good_(std::move(good)), wrong_(std::move(wrong)), ci_(std::move(ci)), log_(log) {}

  int Run(int listen_fd, Clock::time_point deadline) {
    int handled = 0;
    while (o_.max_requests == 0 || handled < o_.max_requests) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
      if (left <= 0) {
        std::cerr << "test-smdp: lifetime reached, exiting\n";
        return 0;
      }
      pollfd p{listen_fd, POLLIN, 0};
      int r = ::poll(&p, 1, static_cast<int>(std::min<long long>(left, 1000)));
      if (r < 0 && errno != EINTR) {
        std::perror("test-smdp: poll");
        return 1;
      }
      if (r <= 0) continue;
      Fd conn(::accept(listen_fd, nullptr, nullptr));
      if (conn.get() < 0) continue;
      Serve(conn, handled, deadline);
      ++handled;
    }
    std::cerr << "test-smdp: served --max-requests " << o_.max_requests << ", exiting\n";
    return 0;
  }

 private:
  bool Failing(int index) const {
    return o_.fail_mode != FailMode::kNone && (o_.fail_count < 0 || index < o_.fail_count);
  }

  void Serve(Fd& conn, int index, Clock::time_point deadline) {
    timeval tv{kSocketTimeoutS, 0};
    setsockopt(conn.get(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    setsockopt(conn.get(), SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    bool failing = Failing(index);
    SSL_CTX* ctx = failing && o_.fail_mode == FailMode::kWrongCert ? wrong_.get() : good_.get();
    SslPtr ssl(SSL_new(ctx));
    Exchange ex;
    if (!ssl || SSL_set_fd(ssl.get(), conn.get()) != 1 || SSL_accept(ssl.get()) != 1) {
      ex.verdict = failing && o_.fail_mode == FailMode::kWrongCert ? "injected-failure" : "transport-error";
      ex.reason = "TLS handshake failed: " + OpenSslError();
      Log(ex);
      return;
    }
    std::optional<HttpError> error = ReadRequest(ssl.get(), ex.request);
    if (error && error->status == 0) {  // the client went away or timed out: nothing to answer
      ex.verdict = "transport-error";
      ex.reason = error->reason;
      Log(ex);
      return;
    }
    if (!error && failing) {
      switch (o_.fail_mode) {
        case FailMode::k500:
          ex.verdict = "injected-failure";
          ex.reason = "--fail 500";
          Respond(ssl.get(), conn.get(), ex, 500, ErrorBody("injected failure (--fail 500)"));
          return;
        case FailMode::kReset: {
          // SO_LINGER 0 makes close() send RST instead of FIN: a connection reset mid-exchange.
          linger l{1, 0};
          setsockopt(conn.get(), SOL_SOCKET, SO_LINGER, &l, sizeof l);
          ex.verdict = "injected-failure";
          ex.reason = "--fail reset";
          Log(ex);
          return;  // ssl freed without close_notify, then the fd closes with RST
        }
        case FailMode::kSlow: {
          auto until = std::min(Clock::now() + std::chrono::milliseconds(o_.slow_ms), deadline);
          std::this_thread::sleep_until(until);
          ex.reason = "--fail slow:" + std::to_string(o_.slow_ms) + "; ";
          break;  // then answer normally, late
        }
        default:
          break;
      }
    }
    if (error) {
      ex.verdict = "rejected";
      ex.reason += error->reason;
      Respond(ssl.get(), conn.get(), ex, error->status, ErrorBody(error->reason));
      return;
    }
    if (Status checked = CheckNotification(ex.request.body, ci_.get(), ex.details); !checked.ok()) {
      ex.verdict = "rejected";
      ex.reason += checked.message();
      Respond(ssl.get(), conn.get(), ex, 400, ErrorBody(checked.message()));
      return;
    }
    ex.verdict = "accepted";
    ex.reason += "signature verified; chain " + ex.details.chain;
    Respond(ssl.get(), conn.get(), ex, 204, "");
  }

  static std::string ErrorBody(const std::string& reason) { return nlohmann::json{{"error", reason}}.dump(); }

  // Reads the head and body. status 0 = transport problem (no answer possible).
  std::optional<HttpError> ReadRequest(SSL* ssl, Request& r) {
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
    if (r.target != kPath) return HttpError{404, "no such path: " + r.target};
    if (r.method != "POST") return HttpError{405, "method " + r.method + " not allowed (POST only)"};
    auto length_text = r.Header("content-length");
    if (!length_text) return HttpError{411, "Content-Length required"};
    if (length_text->empty() || length_text->size() > 9 ||
        !std::all_of(length_text->begin(), length_text->end(), ::isdigit))
      return HttpError{400, "malformed Content-Length"};
    size_t length = std::stoul(*length_text);
    if (length > kMaxBodyBytes) return HttpError{413, "body over 64 KiB"};
    r.body = buf.substr(head_end + 4);
    while (r.body.size() < length) {
      int n = SSL_read(ssl, chunk, sizeof chunk);
      if (n <= 0) return HttpError{0, "connection closed or timed out inside the body"};
      r.body.append(chunk, static_cast<size_t>(n));
    }
    if (r.body.size() > length) return HttpError{400, "more bytes than Content-Length (no pipelining)"};
    // Header checks of ES9+ (sgp22-facts section 5), after the path so a 404 stays a 404.
    std::string type = Lower(r.Header("content-type").value_or(""));
    if (Trim(type.substr(0, type.find(';'))) != "application/json")
      return HttpError{415, "Content-Type must be application/json"};
    static const std::regex kAdmin(R"(gsma/rsp/v2\.[0-9]+\.[0-9]+)");
    if (!std::regex_match(r.Header("x-admin-protocol").value_or(""), kAdmin))
      return HttpError{400, "X-Admin-Protocol must be gsma/rsp/v2.x.y"};
    return std::nullopt;
  }

  void Respond(SSL* ssl, int fd, Exchange& ex, int status, const std::string& body) {
    ex.status = status;
    std::string out = "HTTP/1.1 " + std::to_string(status) + " " + ReasonPhrase(status) + "\r\n";
    if (status == 405) out += "Allow: POST\r\n";
    if (status != 204) {  // 204 carries neither a body nor Content-Length
      out += "Content-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) + "\r\n";
    }
    out += "Connection: close\r\n\r\n";
    if (status != 204) out += body;
    if (SSL_write(ssl, out.data(), static_cast<int>(out.size())) <= 0) {
      ex.reason += " (answer not delivered: " + OpenSslError() + ")";
    } else {
      SSL_shutdown(ssl);  // close_notify; the peer's is not awaited (Connection: close)
      Drain(fd);
    }
    Log(ex);
  }

  // Closing a socket with unread input sends RST, which can destroy the answer before the client
  // reads it (e.g. a 413 for a body never read). So: half-close, then read and discard the rest,
  // bounded in bytes and time.
  static void Drain(int fd) {
    ::shutdown(fd, SHUT_WR);
    timeval tv{0, 200 * 1000};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    auto until = Clock::now() + std::chrono::seconds(1);
    char sink[4096];
    size_t total = 0;
    while (total < 1024 * 1024 && Clock::now() < until) {
      ssize_t n = ::recv(fd, sink, sizeof sink, 0);
      if (n <= 0) break;
      total += static_cast<size_t>(n);
    }
  }

  void Log(const Exchange& ex) {
    char when[32];
    std::time_t now = std::time(nullptr);
    std::tm tm{};
    gmtime_r(&now, &tm);
    std::strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
    const Request& r = ex.request;
    auto header = [&r](const char* n) -> nlohmann::json {
      auto v = r.Header(n);
      return v ? nlohmann::json(*v) : nlohmann::json(nullptr);
    };
    nlohmann::json line = {
        {"time", when},
        {"method", r.method},
        {"path", r.target},
        {"x-admin-protocol", header("x-admin-protocol")},
        {"content-type", header("content-type")},
        {"user-agent", header("user-agent")},
        {"status", ex.status == 0 ? nlohmann::json(nullptr) : nlohmann::json(ex.status)},
        {"seqNumber", ex.details.seq < 0 ? nlohmann::json(nullptr) : nlohmann::json(ex.details.seq)},
        {"eid", ex.details.eid.empty() ? nlohmann::json(nullptr) : nlohmann::json(ex.details.eid)},
        {"verdict", ex.verdict},
        {"reason", ex.reason},
    };
    std::string text = line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    if (log_) *log_ << text << std::endl;  // flushed per line so a test can read it at once
    std::cerr << "test-smdp: " << text << "\n";
  }

  Options o_;
  SslCtxPtr good_, wrong_;
  X509Ptr ci_;
  std::ofstream* log_;
};

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

int Main(int argc, char** argv) {
  Options o;
  CLI::App app{"test-smdp: local test SM-DP+ answering ES9+ handleNotification on 127.0.0.1"};
  app.add_option("--port", o.port, "TCP port on 127.0.0.1; 0 picks a free one")->check(CLI::Range(0, 65535));
  app.add_option("--cert", o.cert, "TLS server certificate chain (PEM), e.g. sgp26/CERT_DP_TLS.pem")->required();
  app.add_option("--key", o.key, "TLS server private key (PEM), e.g. sgp26/SK_DP_TLS.pem")->required();
  app.add_option("--ci-cert", o.ci_cert, "CI certificate (PEM/DER) to verify eUICC <- EUM <- CI against");
  app.add_option("--log", o.log, "append one JSON line per request to this file");
  app.add_option("--fail", o.fail, "none | 500 | slow:MS | reset | wrong-cert");
  app.add_option("--fail-count", o.fail_count, "fail only the first N connections (default: all)")
      ->check(CLI::NonNegativeNumber);
  app.add_option("--max-requests", o.max_requests, "exit after N connections (0 = no limit)")
      ->check(CLI::NonNegativeNumber);
  app.add_option("--lifetime-s", o.lifetime_s, "exit after S seconds (hard limit)")->check(CLI::Range(1, 3600));
  CLI11_PARSE(app, argc, argv);
  if (Status s = ParseFail(o); !s.ok()) {
    std::cerr << "test-smdp: " << s.message() << "\n";
    return 2;
  }

  ::signal(SIGPIPE, SIG_IGN);  // a client that resets must not kill the server mid-write
  // Backstop for the lifetime: the loop exits at the deadline; if anything blocks past it by
  // more than a few seconds, SIGALRM's default action ends the process.
  ::alarm(static_cast<unsigned>(o.lifetime_s + kSocketTimeoutS * 2));
  auto deadline = Clock::now() + std::chrono::seconds(o.lifetime_s);

  auto good = MakeContext(o, false);
  if (!good.ok()) {
    std::cerr << "test-smdp: " << good.status().message() << "\n";
    return 1;
  }
  SslCtxPtr wrong;
  if (o.fail_mode == FailMode::kWrongCert) {
    auto w = MakeContext(o, true);
    if (!w.ok()) {
      std::cerr << "test-smdp: " << w.status().message() << "\n";
      return 1;
    }
    wrong = std::move(*w);
  }
  X509Ptr ci;
  if (!o.ci_cert.empty()) {
    auto c = LoadCert(o.ci_cert);
    if (!c.ok()) {
      std::cerr << "test-smdp: " << c.status().message() << "\n";
      return 1;
    }
    ci = std::move(*c);
  } else {
    std::cerr << "test-smdp: no --ci-cert: only the eUICC signature is checked, not the chain\n";
  }
  std::ofstream log;
  if (!o.log.empty()) {
    log.open(o.log, std::ios::app);
    if (!log) {
      std::cerr << "test-smdp: cannot open --log " << o.log << "\n";
      return 1;
    }
  }
  uint16_t port = 0;
  auto listener = Listen(o.port, port);
  if (!listener.ok()) {
    std::cerr << "test-smdp: " << listener.status().message() << "\n";
    return 1;
  }
  std::cout << "listening on 127.0.0.1:" << port << std::endl;  // first stdout line, flushed
  Server server(o, std::move(*good), std::move(wrong), std::move(ci), o.log.empty() ? nullptr : &log);
  return server.Run(listener->get(), deadline);
}

}  // namespace
}  // namespace esim::smdp

int main(int argc, char** argv) { return esim::smdp::Main(argc, argv); }

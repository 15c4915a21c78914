#include "src/safety/handle_notification_client.h"

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <string_view>
#include <thread>
#include <utility>

#include <nlohmann/json.hpp>

#include "common/openssl_ptr.h"
#include "common/base64.h"
#include "src/validate/input.h"
#include "src/safety/crash_point.h"
#include "src/safety/curl_library.h"
#include "src/safety/tls_library.h"

namespace esim {
namespace {

constexpr std::string_view kPath = "/gsma/rsp2/es9plus/handleNotification";
// Enough for any error text a server sends; the rest of a long body is read and dropped.
constexpr size_t kKeptBodyBytes = 4096;
constexpr size_t kShownReasonBytes = 200;
// A bound profile package is at most a few hundred KiB; an answer larger than this is refused.
constexpr size_t kMaxEs9AnswerBytes = 8 * 1024 * 1024;
constexpr uintmax_t kMaxCaFileBytes = 16 * 1024 * 1024;
// Doubling stops here so that many attempts cannot overflow or sleep for days.
constexpr std::chrono::milliseconds kMaxBackoff{5 * 60 * 1000};

struct CurlCleanup {
  const CurlLibrary* lib = nullptr;
  void operator()(CURL* curl) const { lib->easy_cleanup(curl); }
};
using CurlPtr = std::unique_ptr<CURL, CurlCleanup>;
struct SlistFree {
  const CurlLibrary* lib = nullptr;
  void operator()(curl_slist* list) const { lib->slist_free_all(list); }
};
using SlistPtr = std::unique_ptr<curl_slist, SlistFree>;

Status Invalid(std::string message) { return Status(ErrorCode::kInvalidInput, std::move(message)); }

// Appends `item` to `list`; false (list unchanged) when libcurl runs out of memory.
bool Append(SlistPtr& list, const char* item) {
  curl_slist* head = list.get_deleter().lib->slist_append(list.get(), item);
  if (!head) return false;
  (void)list.release();  // `head` is the same list, grown
  list.reset(head);
  return true;
}

// `text` quoted for a message, with control and non-ASCII bytes escaped: addresses come from the
// card and must not be able to forge lines in a terminal or a log.
std::string Quote(std::string_view text, size_t max = 80) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out = "'";
  for (size_t i = 0; i < text.size() && i < max; ++i) {
    auto c = static_cast<unsigned char>(text[i]);
    if (c >= 0x20 && c < 0x7F && c != '\'' && c != '\\') {
      out += static_cast<char>(c);
    } else {
      out += "\\x";
      out += kHex[c >> 4];
      out += kHex[c & 0x0F];
    }
  }
  if (text.size() > max) out += "...";
  return out + "'";
}

// 1..65535 in plain decimal (no sign, no leading zero).
bool IsPort(std::string_view text) {
  if (text.empty() || text.size() > 5 || text.front() == '0') return false;
  unsigned value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
    value = value * 10 + static_cast<unsigned>(c - '0');
  }
  return value <= 65535;
}

// Why `address` is not "HOST" or "HOST:PORT", or "" if it is.
std::string AddressProblem(std::string_view address) {
  std::string_view host = address;
  if (size_t colon = address.find(':'); colon != std::string_view::npos) {
    host = address.substr(0, colon);
    if (!IsPort(address.substr(colon + 1))) return "the port must be 1-65535";
  }
  return HostNameProblem(host);
}

// curl's --connect-to syntax, restricted to fully specified entries: HOST:PORT:CONNECT_HOST:
// CONNECT_PORT, where CONNECT_HOST may also be an IPv4 address or a bracketed IPv6 address.
Status CheckConnectTo(const std::string& entry) {
  auto bad = [&entry](const std::string& why) {
    return Invalid("connect-to " + Quote(entry) + " is not HOST:PORT:CONNECT_HOST:CONNECT_PORT: " + why);
  };
  std::string_view rest = entry;
  size_t first = rest.find(':');
  if (first == std::string_view::npos) return bad("no ':'");
  if (std::string why = HostNameProblem(rest.substr(0, first)); !why.empty()) return bad("HOST: " + why);
  rest.remove_prefix(first + 1);
  size_t second = rest.find(':');
  if (second == std::string_view::npos || !IsPort(rest.substr(0, second))) return bad("PORT must be 1-65535");
  rest.remove_prefix(second + 1);
  size_t last = rest.rfind(':');
  if (last == std::string_view::npos || !IsPort(rest.substr(last + 1))) return bad("CONNECT_PORT must be 1-65535");
  std::string_view target = rest.substr(0, last);
  bool ok = false;
  if (target.size() > 2 && target.front() == '[' && target.back() == ']') {
    ok = std::all_of(target.begin() + 1, target.end() - 1,
                     [](char c) { return std::isxdigit(static_cast<unsigned char>(c)) || c == ':' || c == '.'; });
  } else {
    ok = !target.empty() && std::all_of(target.begin(), target.end(), [](char c) {
      return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.';
    });
  }
  return ok ? Status::Ok() : bad("CONNECT_HOST must be a host name or an IP address");
}

// The text of PEM file `path`, checked to hold at least one certificate; kInvalidInput naming
// the file when it cannot be read or holds none. libcurl reads it again as it would read a
// CURLOPT_CAINFO file (certificates and CRLs).
Result<std::string> LoadCaFile(const std::string& path) {
  const std::string name = "CA file " + Quote(path, 4096);
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) return Invalid(name + " does not exist or is not a regular file");
  if (std::filesystem::file_size(path, ec) > kMaxCaFileBytes) return Invalid(name + " is larger than 16 MiB");
  std::ifstream in(path, std::ios::binary);
  if (!in) return Invalid(name + " cannot be read: " + std::strerror(errno));
  std::string pem(std::istreambuf_iterator<char>(in), {});
  if (in.bad()) return Invalid(name + " cannot be read");
  BioPtr bio(Crypto().BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  // Read the way libcurl's OpenSSL backend reads a CA blob (PEM_X509_INFO_read_bio, which also
  // takes "TRUSTED CERTIFICATE" blocks and CRLs), so a file accepted here also works there.
  STACK_OF(X509_INFO)* infos = bio ? Crypto().PEM_X509_INFO_read_bio(bio.get(), nullptr, nullptr, nullptr) : nullptr;
  Crypto().ERR_clear_error();
  if (!infos) return Invalid(name + " is not a readable PEM file");
  int certs = 0;
  // The sk_X509_INFO_* macros, spelled out: they expand to direct libcrypto calls.
  auto* stack = reinterpret_cast<OPENSSL_STACK*>(infos);
  for (int i = 0; i < Crypto().OPENSSL_sk_num(stack); ++i) {
    certs += static_cast<const X509_INFO*>(Crypto().OPENSSL_sk_value(stack, i))->x509 != nullptr ? 1 : 0;
  }
  Crypto().OPENSSL_sk_pop_free(stack, reinterpret_cast<OPENSSL_sk_freefunc>(Crypto().X509_INFO_free));
  if (certs == 0) return Invalid(name + " holds no PEM certificate");
  return pem;
}

// The system CA bundle libcurl would use as CURLOPT_CAINFO ("" when it has none or it cannot
// be read: verification then only gets stricter).
std::string LoadSystemBundle(const CurlLibrary& lib) {
  if (!lib.default_ca_file) return "";
  std::ifstream in(lib.default_ca_file, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// What one transfer writes into: owned by the client so curl's pointers stay valid.
struct Exchange {
  char error[CURL_ERROR_SIZE] = {};
  std::string response;       // the first `keep` bytes of the answer's body
  size_t keep = kKeptBodyBytes;  // kKeptBodyBytes for notifications, kMaxEs9AnswerBytes for ES9+ answers
  bool request_sent = false;  // the whole body has been handed to the socket
  bool notification = true;   // a handleNotification POST (the "during-http" crash point applies)
};

size_t KeepBodyPrefix(char* data, size_t size, size_t count, void* user) {
  auto* exchange = static_cast<Exchange*>(user);
  size_t n = size * count;
  size_t room = exchange->keep - std::min(exchange->keep, exchange->response.size());
  exchange->response.append(data, std::min(n, room));
  return n;
}

// The "during-http" crash point sits where the SM-DP+ may already hold the notification but the
// client has not seen its answer: the case the journal must survive.
int OnProgress(void* user, curl_off_t, curl_off_t, curl_off_t upload_total, curl_off_t uploaded) {
  auto* exchange = static_cast<Exchange*>(user);
  if (!exchange->request_sent && upload_total > 0 && uploaded == upload_total) {
    exchange->request_sent = true;
    if (exchange->notification) CrashPoint("during-http");
  }
  return 0;
}

// A short reason from the server's error body ({"error": "..."} or {"message": "..."}), made
// safe to print; "" if there is none.
std::string ServerReason(const std::string& body) {
  nlohmann::json json = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (!json.is_object()) return "";
  for (const char* key : {"error", "message"}) {
    auto it = json.find(key);
    if (it != json.end() && it->is_string()) {
      std::string quoted = Quote(it->get<std::string>(), kShownReasonBytes);
      return quoted.substr(1, quoted.size() - 2);
    }
  }
  return "";
}

int64_t NowUnixMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// X509_V_ERR_* codes that mean "no trusted CA/CI at the top of the chain" (rather than an
// expired, revoked or malformed certificate): the refusals ci_trust.h explains.
bool IsUntrustedChain(int error) {
  switch (error) {
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
    case X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE:
    case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
    case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
    case X509_V_ERR_CERT_UNTRUSTED:
      return true;
    default:
      return false;
  }
}

// `name` in RFC 2253 form, made safe to print (it comes from the server).
std::string NameText(const X509_NAME* name) {
  BioPtr bio(Crypto().BIO_new(Crypto().BIO_s_mem()));
  if (!bio || Crypto().X509_NAME_print_ex(bio.get(), name, 0, XN_FLAG_RFC2253) < 0) return "";
  BUF_MEM* buffer = nullptr;
  Crypto().BIO_ctrl(bio.get(), BIO_C_GET_BUF_MEM_PTR, 0, reinterpret_cast<char*>(&buffer));  // BIO_get_mem_ptr
  if (!buffer) return "";
  std::string quoted = Quote(std::string_view(buffer->data, buffer->length), 160);
  return quoted.substr(1, quoted.size() - 2);
}

// The GSMA CIs trusted for the card and what the last handshake's refusal means. Lives in the
// client's Impl: libcurl's SSL_CTX callback and OpenSSL's verify callback get a pointer to it.
struct CiTrustState {
  bool trust_test = false;
  CardCiList card;
  std::function<Result<CardCiList>()> source;  // reads `card` once when needed; then cleared
  std::string source_error;                    // why reading it failed
  bool dir_read = false;                       // the data directory is read on first TLS use
  std::string dir;
  std::string dir_error;
  std::vector<CiEntry> available;
  std::map<std::string, std::vector<X509Ptr>> loaded;  // by SKI
  std::string untrusted;  // why the last chain was refused for want of a trusted CA/CI, or ""

  void ReadDirectory() {
    if (dir_read) return;
    dir_read = true;
    auto found = CiDirectory();
    if (!found.ok()) {
      dir_error = found.status().message();
      return;
    }
    dir = *found;
    available = ListCis(dir);
  }

  // Adds the CIs trusted for the card to the store of `ssl_ctx`, and routes the chain check
  // through Verify so a refusal can be explained.
  CURLcode SetUp(SSL_CTX* ssl_ctx) {
    auto tls = TlsLibrary::Load();
    if (!tls.ok()) {
      untrusted = tls.status().message();
      return CURLE_SSL_CERTPROBLEM;
    }
    ReadDirectory();
    X509_STORE* store = (*tls)->SSL_CTX_get_cert_store(ssl_ctx);
    for (const std::string& ski : SelectTrustedCis(available, card, trust_test)) {
      auto it = loaded.find(ski);
      if (it == loaded.end()) {
        auto entry = std::find_if(available.begin(), available.end(), [&](const CiEntry& e) { return e.ski == ski; });
        auto certs = LoadCi(dir, *entry);
        // An unreadable CI file only makes verification stricter.
        it = loaded.emplace(ski, certs.ok() ? std::move(*certs) : std::vector<X509Ptr>{}).first;
      }
      for (const X509Ptr& cert : it->second) Crypto().X509_STORE_add_cert(store, cert.get());
    }
    Crypto().ERR_clear_error();
    (*tls)->SSL_CTX_set_cert_verify_callback(ssl_ctx, &Verify, this);
    return CURLE_OK;
  }

  // OpenSSL's chain check, unchanged (same store, same host-name and purpose parameters), plus
  // the explanation of a refusal for want of a trusted CA/CI.
  static int Verify(X509_STORE_CTX* ctx, void* arg) {
    auto* self = static_cast<CiTrustState*>(arg);
    int ok = Crypto().X509_verify_cert(ctx);
    if (ok <= 0 && IsUntrustedChain(Crypto().X509_STORE_CTX_get_error(ctx))) self->Explain(ctx);
    return ok;
  }

  void Explain(X509_STORE_CTX* ctx) {
    X509* top = nullptr;
    if (STACK_OF(X509)* chain = Crypto().X509_STORE_CTX_get0_chain(ctx)) {
      auto* stack = reinterpret_cast<OPENSSL_STACK*>(chain);
      int n = Crypto().OPENSSL_sk_num(stack);
      if (n > 0) top = static_cast<X509*>(Crypto().OPENSSL_sk_value(stack, n - 1));
    }
    if (top == nullptr) {
      if (auto tls = TlsLibrary::Load(); tls.ok()) top = (*tls)->X509_STORE_CTX_get0_cert(ctx);
    }
    std::string issuer_ski;
    std::string issuer_name;
    if (top != nullptr) {
      // A self-signed top (a root the server sent) names itself; otherwise its issuer's key.
      const ASN1_OCTET_STRING* key = Crypto().X509_get0_authority_key_id(top);
      if (key == nullptr) key = Crypto().X509_get0_subject_key_id(top);
      if (key != nullptr) {
        issuer_ski = SkiHex(ByteView(Crypto().ASN1_STRING_get0_data(key),
                                       static_cast<size_t>(Crypto().ASN1_STRING_length(key))));
      }
      issuer_name = NameText(Crypto().X509_get_issuer_name(top));
    }
    untrusted = ExplainUntrustedIssuer(available, card, trust_test, issuer_ski, issuer_name);
    if (!card.known && !source_error.empty()) untrusted += " (" + source_error + ")";
    if (!dir_error.empty()) untrusted += "; " + dir_error;
  }
};

CURLcode OnSslContext(CURL*, void* ssl_ctx, void* user) {
  return static_cast<CiTrustState*>(user)->SetUp(static_cast<SSL_CTX*>(ssl_ctx));
}

}  // namespace

struct HandleNotificationClient::Impl {
  const CurlLibrary* lib = nullptr;
  DeliveryOptions options;
  std::string extra_ca_pem;  // every --ca-file, concatenated
  SlistPtr headers;
  SlistPtr connect_to;
  Exchange exchange;
  CiTrustState trust;
  CurlPtr curl;  // last: cleaned up before the lists and buffers it points at

  // One transfer; when the server's chain was refused for want of a trusted CA/CI before the
  // card's CI list was known, reads the list (once per client) and tries again once.
  CURLcode Perform() {
    trust.untrusted.clear();
    CURLcode code = lib->easy_perform(curl.get());
    if (code == CURLE_OK || trust.untrusted.empty() || trust.card.known || !trust.source) return code;
    auto source = std::move(trust.source);
    trust.source = nullptr;
    auto list = source();
    if (!list.ok()) {
      trust.source_error = "reading the card's CI list failed: " + list.status().message();
      return code;
    }
    trust.card = std::move(*list);
    trust.untrusted.clear();
    exchange.error[0] = '\0';
    return lib->easy_perform(curl.get());
  }

  // Why the failed transfer `code` failed, in a few words for people and the journal.
  std::string TransportError(CURLcode code, const std::string& url_host) const {
    std::string detail = exchange.error[0] ? exchange.error : lib->easy_strerror(code);
    long os_errno = 0;
    lib->easy_getinfo(curl.get(), CURLINFO_OS_ERRNO, &os_errno);
    switch (code) {
      case CURLE_COULDNT_RESOLVE_HOST: {
        constexpr std::string_view kPrefix = "Could not resolve host: ";
        std::string host = detail.starts_with(kPrefix) ? detail.substr(kPrefix.size()) : url_host;
        return "could not resolve host " + host;
      }
      case CURLE_COULDNT_CONNECT:
        if (os_errno == ECONNREFUSED) return "connection refused";
        if (os_errno == ENETUNREACH) return "network unreachable";
        if (os_errno == EHOSTUNREACH) return "host unreachable";
        return "could not connect: " + detail;
      case CURLE_OPERATION_TIMEDOUT: {
        // Until the TLS handshake is done the connect timeout (or the smaller total one) applies.
        curl_off_t handshake_done_us = 0;
        lib->easy_getinfo(curl.get(), CURLINFO_APPCONNECT_TIME_T, &handshake_done_us);
        if (handshake_done_us == 0) {
          auto limit = std::min(options.connect_timeout, options.total_timeout);
          return "connect timeout after " + std::to_string(limit.count()) + " ms";
        }
        return "timeout after " + std::to_string(options.total_timeout.count()) + " ms";
      }
      case CURLE_SSL_CONNECT_ERROR:
      case CURLE_PEER_FAILED_VERIFICATION:
      case CURLE_SSL_CERTPROBLEM:
      case CURLE_SSL_CIPHER:
      case CURLE_SSL_CACERT_BADFILE:
      case CURLE_SSL_ISSUER_ERROR:
      case CURLE_SSL_INVALIDCERTSTATUS:
      case CURLE_SSL_CRL_BADFILE:
      case CURLE_SSL_ENGINE_INITFAILED:
      case CURLE_SSL_ENGINE_NOTFOUND:
      case CURLE_SSL_ENGINE_SETFAILED:
      case CURLE_SSL_CLIENTCERT:
        return "TLS: " + detail;
      case CURLE_SEND_ERROR:
      case CURLE_RECV_ERROR:
      case CURLE_GOT_NOTHING:
        if (os_errno == ECONNRESET || detail.find("reset by peer") != std::string::npos) return "connection reset";
        if (code == CURLE_GOT_NOTHING) return "empty reply from server";
        return (code == CURLE_SEND_ERROR ? "send failed: " : "receive failed: ") + detail;
      default:
        return detail;
    }
  }
};

HandleNotificationClient::HandleNotificationClient(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
HandleNotificationClient::~HandleNotificationClient() = default;

Result<std::unique_ptr<HandleNotificationClient>> HandleNotificationClient::Create(DeliveryOptions options) {
  if (options.max_attempts < 1) return Invalid("max_attempts must be at least 1");
  if (options.connect_timeout.count() <= 0 || options.total_timeout.count() <= 0) {
    return Invalid("timeouts must be positive");
  }
  if (options.first_backoff.count() < 0) return Invalid("first_backoff must not be negative");
  if (std::any_of(options.user_agent.begin(), options.user_agent.end(),
                  [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7F; })) {
    return Invalid("user agent " + Quote(options.user_agent) + " contains control characters");
  }

  auto impl = std::make_unique<Impl>();
  for (const std::string& path : options.ca_files) {
    ESIM_ASSIGN_OR_RETURN(std::string pem, LoadCaFile(path));
    impl->extra_ca_pem += pem + "\n";
  }
  for (const std::string& entry : options.connect_to) ESIM_RETURN_IF_ERROR(CheckConnectTo(entry));

  ESIM_ASSIGN_OR_RETURN(impl->lib, CurlLibrary::Load());
  const CurlLibrary& lib = *impl->lib;
  impl->headers = SlistPtr(nullptr, SlistFree{&lib});
  impl->connect_to = SlistPtr(nullptr, SlistFree{&lib});
  impl->curl = CurlPtr(nullptr, CurlCleanup{&lib});
  for (const std::string& entry : options.connect_to) {
    if (!Append(impl->connect_to, entry.c_str())) return Status(ErrorCode::kInternal, "out of memory");
  }
  for (const char* header : {"Content-Type: application/json;charset=UTF-8",
                             "X-Admin-Protocol: gsma/rsp/v2.2.0",
                             "Expect:"}) {  // no 100-continue round trip: SM-DP+s need not support it
    if (!Append(impl->headers, header)) return Status(ErrorCode::kInternal, "out of memory");
  }

  impl->curl.reset(lib.easy_init());
  if (!impl->curl) return Status(ErrorCode::kInternal, "libcurl could not create a transfer handle");

  CURL* curl = impl->curl.get();
  CURLcode failed = CURLE_OK;
  const char* failed_option = "";
  auto set = [&](CURLoption option, auto value, const char* name) {
    if (failed != CURLE_OK) return;
    failed = lib.easy_setopt(curl, option, value);
    if (failed != CURLE_OK) failed_option = name;
  };
  // Verification is set explicitly rather than trusted to defaults, and never turned off.
  set(CURLOPT_SSL_VERIFYPEER, 1L, "SSL_VERIFYPEER");
  set(CURLOPT_SSL_VERIFYHOST, 2L, "SSL_VERIFYHOST");
  set(CURLOPT_SSLVERSION, static_cast<long>(CURL_SSLVERSION_TLSv1_2), "SSLVERSION");
  // The system trust store as the hashed directory (/etc/ssl/certs on Debian), not the bundle
  // file: OpenSSL then reads only the certificates a chain needs instead of parsing all ~140
  // of the bundle on every handshake (50 ms of CPU and 2 MB, docs/performance.md).
  if (lib.default_ca_path) {
    set(CURLOPT_CAINFO, static_cast<const char*>(nullptr), "CAINFO");
    set(CURLOPT_CAPATH, lib.default_ca_path, "CAPATH");
  } else if (!impl->extra_ca_pem.empty()) {
    // No directory: the bundle is the system store, and CAINFO_BLOB below replaces CAINFO, so
    // the bundle goes into the blob too.
    impl->extra_ca_pem.insert(0, LoadSystemBundle(lib) + "\n");
  }
  if (!impl->extra_ca_pem.empty()) {
    curl_blob blob{impl->extra_ca_pem.data(), impl->extra_ca_pem.size(), CURL_BLOB_COPY};
    set(CURLOPT_CAINFO_BLOB, &blob, "CAINFO_BLOB");
  }
  // The GSMA CIs trusted for the card join the store of every connection (CiTrustState::SetUp).
  impl->trust.trust_test = options.trust_test_ci;
  set(CURLOPT_SSL_CTX_FUNCTION, &OnSslContext, "SSL_CTX_FUNCTION");
  set(CURLOPT_SSL_CTX_DATA, static_cast<void*>(&impl->trust), "SSL_CTX_DATA");
  // No store shared between connections (libcurl >= 7.87 caches a CAINFO store): each gets the
  // CIs of its own card. Older libcurl has no cache and refuses the option, harmlessly.
  lib.easy_setopt(curl, CURLOPT_CA_CACHE_TIMEOUT, 0L);
  set(CURLOPT_PROTOCOLS_STR, "https", "PROTOCOLS_STR");
  set(CURLOPT_REDIR_PROTOCOLS_STR, "https", "REDIR_PROTOCOLS_STR");
  set(CURLOPT_FOLLOWLOCATION, 0L, "FOLLOWLOCATION");
  set(CURLOPT_HTTP_VERSION, static_cast<long>(CURL_HTTP_VERSION_1_1), "HTTP_VERSION");
  set(CURLOPT_NOSIGNAL, 1L, "NOSIGNAL");
  set(CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(options.connect_timeout.count()), "CONNECTTIMEOUT_MS");
  set(CURLOPT_TIMEOUT_MS, static_cast<long>(options.total_timeout.count()), "TIMEOUT_MS");
  set(CURLOPT_POST, 1L, "POST");
  set(CURLOPT_HTTPHEADER, impl->headers.get(), "HTTPHEADER");
  if (!options.user_agent.empty()) set(CURLOPT_USERAGENT, options.user_agent.c_str(), "USERAGENT");
  if (impl->connect_to) set(CURLOPT_CONNECT_TO, impl->connect_to.get(), "CONNECT_TO");
  set(CURLOPT_ERRORBUFFER, impl->exchange.error, "ERRORBUFFER");
  set(CURLOPT_WRITEFUNCTION, &KeepBodyPrefix, "WRITEFUNCTION");
  set(CURLOPT_WRITEDATA, static_cast<void*>(&impl->exchange), "WRITEDATA");
  set(CURLOPT_NOPROGRESS, 0L, "NOPROGRESS");
  set(CURLOPT_XFERINFOFUNCTION, &OnProgress, "XFERINFOFUNCTION");
  set(CURLOPT_XFERINFODATA, static_cast<void*>(&impl->exchange), "XFERINFODATA");
  if (failed != CURLE_OK) {
    return Status(ErrorCode::kInternal, std::string("libcurl refused option CURLOPT_") + failed_option + ": " +
                                            lib.easy_strerror(failed));
  }
  impl->options = std::move(options);
  return std::unique_ptr<HandleNotificationClient>(new HandleNotificationClient(std::move(impl)));
}

Result<std::string> HandleNotificationClient::UrlFor(const std::string& address) {
  if (std::string why = AddressProblem(address); !why.empty()) {
    return Invalid("notification address " + Quote(address) + " is not a host name: " + why);
  }
  return "https://" + address + std::string(kPath);
}

DeliveryAttempt HandleNotificationClient::PostOnce(const std::string& address, ByteView pending_notification) {
  DeliveryAttempt attempt;
  attempt.attempted_at_ms = NowUnixMs();
  if (std::string why = AddressProblem(address); !why.empty()) {
    attempt.transport_error = "invalid notification address " + Quote(address) + ": " + why;
    return attempt;
  }
  attempt.url = "https://" + address + std::string(kPath);
  std::string body = nlohmann::json{{"pendingNotification", Base64(pending_notification)}}.dump();

  const CurlLibrary& lib = *impl_->lib;
  CURL* curl = impl_->curl.get();
  Exchange& exchange = impl_->exchange;
  exchange = Exchange{};
  // libcurl copies the URL but not POSTFIELDS: `body` outlives the transfer and the pointer is
  // cleared right after it.
  lib.easy_setopt(curl, CURLOPT_URL, attempt.url.c_str());
  lib.easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
  lib.easy_setopt(curl, CURLOPT_POSTFIELDS, body.c_str());

  auto started = std::chrono::steady_clock::now();
  CURLcode code = impl_->Perform();
  attempt.duration_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                            std::chrono::steady_clock::now() - started)
                            .count();
  lib.easy_setopt(curl, CURLOPT_POSTFIELDS, static_cast<const char*>(nullptr));

  long status = 0;
  if (code == CURLE_OK) lib.easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
  if (code == CURLE_OK && status > 0) {
    attempt.http_status = status;
  } else if (code == CURLE_OK) {
    attempt.transport_error = "no HTTP status in the answer";
  } else if (!impl_->trust.untrusted.empty()) {
    attempt.transport_error = "TLS: server not trusted: " + impl_->trust.untrusted;
  } else {
    attempt.transport_error = impl_->TransportError(code, address.substr(0, address.find(':')));
  }
  return attempt;
}

Result<DeliveryOutcome> HandleNotificationClient::Deliver(
    const std::string& address, ByteView pending_notification,
    const std::function<Status(const DeliveryAttempt&)>& on_attempt) {
  DeliveryOutcome outcome;
  const bool retrying_can_help = AddressProblem(address).empty();
  auto backoff = impl_->options.first_backoff;
  for (int i = 0; i < impl_->options.max_attempts; ++i) {
    if (i > 0) {
      std::this_thread::sleep_for(backoff);
      if (backoff < kMaxBackoff) backoff = std::min(backoff * 2, kMaxBackoff);
    }
    outcome.attempts.push_back(PostOnce(address, pending_notification));
    const DeliveryAttempt& attempt = outcome.attempts.back();
    if (on_attempt) ESIM_RETURN_IF_ERROR(on_attempt(attempt));
    if (IsAccepted(attempt)) {
      outcome.accepted = true;
      return outcome;
    }
    // A refused chain is refused again: trust does not change between attempts.
    if (!retrying_can_help || !impl_->trust.untrusted.empty()) break;
  }
  outcome.reason = FailureReason(outcome.attempts.back(), impl_->exchange.response);
  return outcome;
}

Result<Es9Answer> HandleNotificationClient::PostEs9Plus(const std::string& address, std::string_view function,
                                                         const std::string& json_body) {
  return PostRsp2(address, "es9plus", function, json_body);
}

Result<Es9Answer> HandleNotificationClient::PostRsp2(const std::string& address, std::string_view rsp2_interface,
                                                      std::string_view function, const std::string& json_body) {
  if (std::string why = AddressProblem(address); !why.empty()) {
    return Invalid(std::string(rsp2_interface == "es11" ? "SM-DS" : "SM-DP+") + " address " + Quote(address) +
                   " is not a host name: " + why);
  }
  const std::string url =
      "https://" + address + "/gsma/rsp2/" + std::string(rsp2_interface) + "/" + std::string(function);
  const CurlLibrary& lib = *impl_->lib;
  CURL* curl = impl_->curl.get();
  Exchange& exchange = impl_->exchange;
  exchange = Exchange{};
  exchange.keep = kMaxEs9AnswerBytes + 1;
  exchange.notification = false;
  lib.easy_setopt(curl, CURLOPT_URL, url.c_str());
  lib.easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(json_body.size()));
  lib.easy_setopt(curl, CURLOPT_POSTFIELDS, json_body.c_str());
  CURLcode code = impl_->Perform();
  lib.easy_setopt(curl, CURLOPT_POSTFIELDS, static_cast<const char*>(nullptr));
  if (code != CURLE_OK && !impl_->trust.untrusted.empty()) {
    return Status(ErrorCode::kServerNotTrusted, url + ": the server is not trusted: " + impl_->trust.untrusted);
  }
  if (code != CURLE_OK) {
    return Status(ErrorCode::kServerUnreachable,
                  url + ": " + impl_->TransportError(code, address.substr(0, address.find(':'))));
  }
  long status = 0;
  lib.easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
  if (exchange.response.size() > kMaxEs9AnswerBytes) {
    return Status(ErrorCode::kServerAnswerInvalid, url + ": the answer is larger than 8 MiB");
  }
  Es9Answer answer;
  answer.url = url;
  answer.http_status = status;
  answer.body = std::move(exchange.response);
  exchange.response.clear();
  return answer;
}

const DeliveryOptions& HandleNotificationClient::options() const { return impl_->options; }

void HandleNotificationClient::SetCardCis(CardCiList list) {
  impl_->trust.card = std::move(list);
  impl_->trust.source = nullptr;
}

void HandleNotificationClient::SetCardCiSource(std::function<Result<CardCiList>()> source) {
  if (!impl_->trust.card.known) impl_->trust.source = std::move(source);
}

bool IsAccepted(const DeliveryAttempt& a) { return a.http_status && (*a.http_status == 204 || *a.http_status == 200); }

std::string DescribeAttempt(const DeliveryAttempt& a) {
  if (a.http_status) return "HTTP " + std::to_string(*a.http_status);
  return a.transport_error.value_or("no outcome recorded");
}

std::string FailureReason(const DeliveryAttempt& last, const std::string& response_body) {
  std::string reason = DescribeAttempt(last);
  if (last.http_status) {
    if (std::string server = ServerReason(response_body); !server.empty()) reason += " (" + server + ")";
  }
  return reason;
}

}  // namespace esim

#include "tests/smdp/server.h"

#include <poll.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <iostream>
#include <thread>

namespace esim::smdp {
namespace {

using Clock = std::chrono::steady_clock;
constexpr int kSocketTimeoutS = 5;              // a silent client cannot hold the single worker for long
constexpr size_t kMaxBodyBytes = 64 * 1024;     // every ES9+ request is small (the BPP goes the other way)

bool KnownPath(std::string_view target) {
  if (target.starts_with(kEs11Prefix)) {
    auto f = FunctionFromName(target.substr(kEs11Prefix.size()));
    return f == Function::kInitiateAuthentication || f == Function::kAuthenticateClient;
  }
  return target.starts_with(kEs9Prefix) && FunctionFromName(target.substr(kEs9Prefix.size())).has_value();
}

}  // namespace

int Server::Run(int listen_fd, Clock::time_point deadline) {
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
    Serve(conn, deadline);
    ++handled;
  }
  std::cerr << "test-smdp: served --max-requests " << o_.max_requests << ", exiting\n";
  return 0;
}

void Server::Serve(Fd& conn, Clock::time_point deadline) {
  timeval tv{kSocketTimeoutS, 0};
  setsockopt(conn.get(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  setsockopt(conn.get(), SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  Request request;
  Answer answer;
  std::optional<Function> function;
  auto log = [&] {
    auto header = [&request](const char* n) -> nlohmann::json {
      auto v = request.Header(n);
      return v ? nlohmann::json(*v) : nlohmann::json(nullptr);
    };
    nlohmann::json line = {
        {"method", request.method},
        {"path", request.target},
        {"function", function ? nlohmann::json(FunctionName(*function)) : nlohmann::json(nullptr)},
        {"x-admin-protocol", header("x-admin-protocol")},
        {"content-type", header("content-type")},
        {"user-agent", header("user-agent")},
        {"status", answer.status == 0 ? nlohmann::json(nullptr) : nlohmann::json(answer.status)},
        {"seqNumber", nullptr},
        {"eid", nullptr},
        {"verdict", answer.verdict},
        {"reason", answer.reason},
    };
    if (answer.log.is_object()) line.update(answer.log);
    log_.Write(line);
  };
  auto respond = [&](SSL* ssl) {
    std::string admin = request.Header("x-admin-protocol").value_or("");
    if (auto e = WriteResponse(ssl, conn.get(), answer.status, answer.body, admin)) answer.reason += " (" + *e + ")";
    log();
  };

  bool wrong_cert = fail_.Take(FailMode::kWrongCert, std::nullopt);
  SslPtr ssl(SSL_new(wrong_cert ? wrong_.get() : good_.get()));
  if (!ssl || SSL_set_fd(ssl.get(), conn.get()) != 1 || SSL_accept(ssl.get()) != 1) {
    answer.verdict = wrong_cert ? "injected-failure" : "transport-error";
    answer.reason = "TLS handshake failed: " + OpenSslError();
    log();
    return;
  }
  std::optional<HttpError> error = ReadRequest(ssl.get(), request, kMaxBodyBytes, KnownPath);
  if (error && error->status == 0) {  // the client went away or timed out: nothing to answer
    answer.verdict = "transport-error";
    answer.reason = error->reason;
    log();
    return;
  }
  if (request.target.starts_with(kEs9Prefix)) function = FunctionFromName(request.target.substr(kEs9Prefix.size()));
  const bool es11_path = request.target.starts_with(kEs11Prefix);
  if (es11_path) function = FunctionFromName(request.target.substr(kEs11Prefix.size()));
  // ES11's own path exists only while this server plays an SM-DS that serves it (--smds-paths).
  if (!error && es11_path && (o_.smds_events.empty() || o_.smds_paths == "es9plus"))
    error = HttpError{404, "no SM-DS on " + request.target + " (--smds-events, --smds-paths)"};
  std::string prefix;
  if (!error) {
    if (fail_.Take(FailMode::k500, function)) {
      answer = {500, nlohmann::json{{"error", "injected failure (--fail 500)"}}.dump(), "injected-failure", "--fail 500", {}};
      respond(ssl.get());
      return;
    }
    if (fail_.Take(FailMode::kReset, function)) {
      // SO_LINGER 0 makes close() send RST instead of FIN: a connection reset mid-exchange.
      linger l{1, 0};
      setsockopt(conn.get(), SOL_SOCKET, SO_LINGER, &l, sizeof l);
      answer.verdict = "injected-failure";
      answer.reason = "--fail reset";
      log();
      return;  // ssl freed without close_notify, then the fd closes with RST
    }
    if (fail_.Take(FailMode::kSlow, function)) {
      std::this_thread::sleep_until(std::min(Clock::now() + std::chrono::milliseconds(o_.slow_ms), deadline));
      prefix = "--fail slow:" + std::to_string(o_.slow_ms) + "; ";
    }
  }
  if (error) {
    answer = {error->status, nlohmann::json{{"error", error->reason}}.dump(), "rejected", error->reason, {}};
  } else {
    answer = service_.Handle(*function, request.body, es11_path);
  }
  answer.reason = prefix + answer.reason;
  respond(ssl.get());
}

}  // namespace esim::smdp

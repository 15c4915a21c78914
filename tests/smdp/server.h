// The test SM-DP+'s connection loop: accepts one TLS connection at a time on 127.0.0.1, reads
// one request, injects the HTTP-level failures the FailPlan asks for (500, slow, reset, wrong
// certificate), hands the body to the Es9Service and writes its answer; one log line per
// request. Bounded: per-connection socket timeouts, --max-requests and a deadline.
// Single-threaded.
#pragma once

#include <chrono>

#include "tests/smdp/es9_service.h"
#include "tests/smdp/event_log.h"
#include "tests/smdp/http.h"
#include "tests/smdp/options.h"

namespace esim::smdp {

class Server {
 public:
  Server(const Options& o, SslCtxPtr good, SslCtxPtr wrong, Es9Service& service, FailPlan& fail, EventLog& log)
      : o_(o), good_(std::move(good)), wrong_(std::move(wrong)), service_(service), fail_(fail), log_(log) {}

  // Serves until --max-requests connections or `deadline`; returns the exit code.
  int Run(int listen_fd, std::chrono::steady_clock::time_point deadline);

 private:
  void Serve(Fd& conn, std::chrono::steady_clock::time_point deadline);

  const Options& o_;
  SslCtxPtr good_, wrong_;
  Es9Service& service_;
  FailPlan& fail_;
  EventLog& log_;
};

}  // namespace esim::smdp

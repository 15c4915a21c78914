// test-smdp: a local test SM-DP+ answering ES9+ over HTTPS on 127.0.0.1.
//
// It exists so esimctl's notification client and profile download can be tested end to end
// without a real SM-DP+. handleNotification checks what a real SM-DP+ checks (headers, strict
// base64, PendingNotification DER, the eUICC's r||s signature, eUICC <- EUM <- CI). With
// --pki-dir it also serves downloads: initiateAuthentication, authenticateClient,
// getBoundProfilePackage and cancelSession, signing with the DPauth/DPpb keys, checking the
// eUICC's signatures and certificate chain, and binding orders (--upp-dir, --orders) into
// BoundProfilePackages it protects itself. It logs one JSON line per request and per order
// state change, and can be told to misbehave (--fail).
//
// It is deliberately bounded: 127.0.0.1 only, one connection at a time, per-connection socket
// timeouts, --max-requests and a hard --lifetime-s (backed by alarm()) so it always stops.
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <iostream>

#include <CLI/CLI.hpp>

#include "common/certificate_checks.h"
#include "tests/smdp/es9_service.h"
#include "tests/smdp/event_log.h"
#include "tests/smdp/http.h"
#include "tests/smdp/options.h"
#include "tests/smdp/orders.h"
#include "tests/smdp/pki.h"
#include "tests/smdp/server.h"

namespace esim::smdp {
namespace {

constexpr int kSocketTimeoutS = 5;

int Fail(const std::string& message) {
  std::cerr << "test-smdp: " << message << "\n";
  return 1;
}

int Main(int argc, char** argv) {
  Options o;
  CLI::App app{"test-smdp: local test SM-DP+ answering ES9+ (handleNotification; with --pki-dir also the\n"
               "download functions) over HTTPS on 127.0.0.1"};
  app.add_option("--port", o.port, "TCP port on 127.0.0.1; 0 picks a free one")->check(CLI::Range(0, 65535));
  app.add_option("--cert", o.cert, "TLS server certificate chain (PEM), e.g. sgp26/CERT_DP_TLS.pem")->required();
  app.add_option("--key", o.key, "TLS server private key (PEM), e.g. sgp26/SK_DP_TLS.pem")->required();
  app.add_option("--ci-cert", o.ci_cert,
                 "CI certificate (PEM/DER) to verify notifications' eUICC <- EUM <- CI against "
                 "(downloads use --pki-dir's CI)");
  app.add_option("--pki-dir", o.pki_dir,
                 "SM-DP+ credentials with SGP.26 names: CERT_S_SM_DPauth_ECDSA_NIST.der, SK_S_SM_DPauth_ECDSA_NIST.pem,\n"
                 "CERT_S_SM_DPpb_ECDSA_NIST.der, SK_S_SM_DPpb_ECDSA_NIST.pem, CERT_CI_ECDSA_NIST.der|.pem;\n"
                 "required for the download functions (without it they answer 500)");
  app.add_option("--address", o.address, "the SM-DP+ address it signs and expects (default testsmdpplus1.example.com)");
  app.add_option("--upp-dir", o.upp_dir,
                 "every NAME.der there is an order with matching ID NAME, served as is (ICCID from its header)");
  app.add_option("--orders", o.orders,
                 "JSON list of orders: {\"matchingId\", \"iccid\"?, \"serviceProviderName\"?, \"profileName\"?,\n"
                 "\"profileClass\"? (test|provisioning|operational), \"iconPng\"? (path), \"eid\"? (bound EID),\n"
                 "\"confirmationCode\"?, \"upp\"? (path; else a minimal package is made for iccid),\n"
                 "\"state\"? (released|expired)}; relative paths from the file's directory");
  app.add_flag("--no-replace-session-keys", o.no_replace_session_keys,
               "build BPPs without ReplaceSessionKeys (no A2): the profile is protected with the session keys");
  app.add_flag("--reusable-orders", o.reusable_orders,
               "release an order again as soon as its BPP is built, so one order serves many downloads (benchmarks)");
  app.add_option("--smds-events", o.smds_events,
                 "also play an SM-DS (ES11): JSON {EID: [{\"eventId\", \"rspServerAddress\"}]}, the events\n"
                 "authenticateClient lists per EID; needs --smds-address and CERT.DSauth (--smds-pki-dir)");
  app.add_option("--smds-address", o.smds_address, "the SM-DS address it signs and expects (with --smds-events)");
  app.add_option("--smds-pki-dir", o.smds_pki_dir,
                 "CERT_S_SM_DSauth_ECDSA_NIST.der + SK_S_SM_DSauth_ECDSA_NIST.pem (make-dsauth-cert.sh; default --pki-dir)");
  app.add_option("--smds-paths", o.smds_paths,
                 "where ES11 is served: es11 (/gsma/rsp2/es11/ only), es9plus (the ES9+ paths only, es11 answers 404)\n"
                 "or both (default)")
      ->check(CLI::IsMember({"es11", "es9plus", "both"}));
  app.add_option("--log", o.log, "append one JSON line per request and per order state change to this file");
  app.add_option("--fail", o.fail,
                 "none | 500 | slow:MS | reset | wrong-cert | failed:SUBJECT/REASON (answer Failed with those codes)\n"
                 "| bad-signature (corrupt serverSignature1 / smdpSignature2 / the BPP's smdpSign)\n"
                 "| wrong-transaction-id (answer with another transactionId)\n"
                 "| bad-mac:N|last (corrupt the MAC of BPP segment N, 1-based in BPP order, or of the last 86)");
  app.add_option("--fail-function", o.fail_function,
                 "apply --fail only to initiateAuthentication | authenticateClient | getBoundProfilePackage |\n"
                 "cancelSession | handleNotification (default: every function it can apply to;\n"
                 "wrong-cert happens at the TLS handshake and ignores this)");
  app.add_option("--fail-count", o.fail_count, "inject the failure only N times (default: every time)")
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
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(o.lifetime_s);

  auto good = MakeServerContext(o.cert, o.key);
  if (!good.ok()) return Fail(good.status().message());
  SslCtxPtr wrong;
  if (o.fail_mode == FailMode::kWrongCert) {
    auto w = MakeWrongCertContext();
    if (!w.ok()) return Fail(w.status().message());
    wrong = std::move(*w);
  }
  X509Ptr ci;
  if (!o.ci_cert.empty()) {
    auto c = certs::LoadFile(o.ci_cert);
    if (!c.ok()) return Fail(c.status().message());
    if (c->size() != 1) return Fail(o.ci_cert + " does not hold exactly one certificate");
    ci = std::move((*c)[0]);
  } else {
    std::cerr << "test-smdp: no --ci-cert: only the eUICC signature of notifications is checked, not the chain\n";
  }
  std::optional<ServerPki> pki;
  if (!o.pki_dir.empty()) {
    auto p = ServerPki::Load(o.pki_dir);
    if (!p.ok()) return Fail("--pki-dir " + o.pki_dir + ": " + p.status().message());
    pki = std::move(*p);
  }
  std::optional<SmdsEventBook> smds_events;
  if (!o.smds_events.empty()) {
    if (!pki) return Fail("--smds-events needs --pki-dir (the CI the eUICC is checked against)");
    if (o.smds_address.empty()) return Fail("--smds-events needs --smds-address");
    if (Status s = pki->LoadSmds(o.smds_pki_dir.empty() ? o.pki_dir : o.smds_pki_dir); !s.ok())
      return Fail("--smds-pki-dir: " + s.message());
    auto events = LoadSmdsEvents(o.smds_events);
    if (!events.ok()) return Fail("--smds-events " + o.smds_events + ": " + events.status().message());
    smds_events = std::move(*events);
  }
  OrderBook book;
  auto add = [&book](std::vector<Order> orders) -> Status {
    for (Order& order : orders) {
      std::string id = order.matching_id;
      if (!book.emplace(id, std::move(order)).second)
        return Status(ErrorCode::kInvalidInput, "matching ID " + id + " is defined twice");
    }
    return Status::Ok();
  };
  if (!o.upp_dir.empty()) {
    auto orders = LoadUppDir(o.upp_dir);
    if (!orders.ok()) return Fail(orders.status().message());
    if (Status s = add(std::move(*orders)); !s.ok()) return Fail(s.message());
  }
  if (!o.orders.empty()) {
    auto orders = LoadOrdersFile(o.orders);
    if (!orders.ok()) return Fail("--orders " + o.orders + ": " + orders.status().message());
    if (Status s = add(std::move(*orders)); !s.ok()) return Fail(s.message());
  }
  std::ofstream log_file;
  if (!o.log.empty()) {
    log_file.open(o.log, std::ios::app);
    if (!log_file) return Fail("cannot open --log " + o.log);
  }
  EventLog log(o.log.empty() ? nullptr : &log_file);
  FailPlan fail(o);
  Es9Service service(o, pki ? &*pki : nullptr, ci.get(), std::move(book), log, fail);
  if (smds_events) service.SetSmdsEvents(std::move(*smds_events));
  uint16_t port = 0;
  auto listener = Listen(o.port, port);
  if (!listener.ok()) return Fail(listener.status().message());
  service.LogOrders();
  std::cout << "listening on 127.0.0.1:" << port << std::endl;  // first stdout line, flushed
  Server server(o, std::move(*good), std::move(wrong), service, fail, log);
  return server.Run(listener->get(), deadline);
}

}  // namespace
}  // namespace esim::smdp

int main(int argc, char** argv) { return esim::smdp::Main(argc, argv); }

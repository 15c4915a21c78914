// The ES9+ functions of the test SM-DP+ (SGP.22 §5.6, download-facts §1 and §5):
// initiateAuthentication, authenticateClient, getBoundProfilePackage, cancelSession and
// handleNotification, over JSON bodies, with the download sessions (by transactionId) and the
// order book they act on. The HTTP server hands it one request body at a time.
//
// Single-threaded: the server serves one connection at a time and calls Handle in order.
#pragma once

#include <openssl/x509.h>

#include <map>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "common/bytes.h"
#include "common/openssl_ptr.h"
#include "tests/smdp/event_log.h"
#include "tests/smdp/options.h"
#include "tests/smdp/orders.h"
#include "tests/smdp/pki.h"
#include "tests/smdp/smds_events.h"

namespace esim::smdp {

// What to send back, and what to log about it.
struct Answer {
  int status = 200;        // HTTP status
  std::string body;        // JSON (empty for 204)
  std::string verdict;     // accepted / failed (a Failed answer) / rejected (HTTP 4xx) / injected-failure
  std::string reason;
  nlohmann::json log;      // extra fields for the request's log line
};

// One download session, from initiateAuthentication to the install notification.
struct DownloadSession {
  Bytes transaction_id;
  Bytes euicc_challenge, server_challenge;
  bool authenticated = false;     // authenticateClient succeeded
  bool bpp_built = false;
  bool refused = false;           // getBoundProfilePackage answered Failed (order rules)
  bool cancelled = false;         // cancelSession done: only the install result may still come
  std::string server_address;     // as the LPA sent it in initiateAuthentication (signed back)
  X509Ptr euicc_cert;
  std::string eid;
  std::string matching_id;        // the order it is bound to
  bool smds = false;              // an ES11 session: this server is the SM-DS, no order
  Bytes smdp_signature2_tlv;      // 5F37 40 ..., what euiccSignature2 also covers
};

class Es9Service {
 public:
  // `pki` may be null: then only handleNotification works (as before the download functions).
  // `ci` checks the chain of otherSignedNotifications (null: signature only).
  Es9Service(const Options& options, const ServerPki* pki, X509* ci, OrderBook orders, EventLog& log,
             FailPlan& fail);
  // The SM-DS role: the events per EID that ES11 authenticateClient lists (pki must hold DSauth).
  void SetSmdsEvents(SmdsEventBook events) { smds_events_ = std::move(events); smds_ = true; }

  // Logs every order's initial state.
  void LogOrders();
  // `es11_path`: the request came on /gsma/rsp2/es11/ (only the SM-DS answers there). On the
  // ES9+ path an initiateAuthentication naming --smds-address opens an SM-DS session too
  // (--smds-paths es9plus|both), as lpac posts ES11 there.
  Answer Handle(Function f, const std::string& body, bool es11_path = false);

 private:
  using Session = DownloadSession;
  Answer InitiateAuthentication(const nlohmann::json& in, bool es11_path);
  Answer SmdsEvents(Session& s, const std::string& eid, bool matching_id_sent);
  Answer AuthenticateClient(const nlohmann::json& in);
  Answer GetBoundProfilePackage(const nlohmann::json& in);
  Answer CancelSession(const nlohmann::json& in);
  Answer HandleNotification(const std::string& body);

  Answer Success(Function f, nlohmann::json fields, const std::string& transaction_id);
  Answer Failed(const std::string& subject, const std::string& reason, const std::string& message);
  void SetState(Order& order, OrderState state, const std::string& reason, const Session* session);

  const Options& o_;
  const ServerPki* pki_;
  X509* ci_;
  OrderBook orders_;
  EventLog& log_;
  FailPlan& fail_;
  std::map<std::string, Session> sessions_;  // by transactionId (upper-case hex)
  bool smds_ = false;
  SmdsEventBook smds_events_;
};

// hashCc = SHA-256(SHA-256(confirmation code) ‖ transactionId bytes).
Bytes HashConfirmationCode(const std::string& code, ByteView transaction_id);

}  // namespace esim::smdp

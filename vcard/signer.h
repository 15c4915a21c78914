// NotificationSigner: the virtual eUICC's signing key and certificate chain.
//
// Signs OtherSignedNotification metadata the way a real eUICC does: ECDSA P-256
// with SHA-256 over the DER BF2F element, returned as plain r||s (64 bytes).
// The key and certificates either come from files the state names (e.g. the
// SGP.26 test PKI) or from a private test chain (CI -> EUM -> eUICC) that is
// created on first use with OpenSSL and kept in a directory (keys mode 0600).
// Immutable after construction; Sign() is safe to call from one thread at a time.
#pragma once

#include <memory>
#include <string>

#include "common/bytes.h"
#include "common/status.h"
#include "vcard/card_state.h"

namespace esim::vcard {

class NotificationSigner {
 public:
  // Loads a PEM EC private key and DER/PEM certificates; checks that the key belongs to
  // the eUICC certificate. kIo for unreadable files, kInvalidInput for bad content.
  static Result<std::unique_ptr<NotificationSigner>> FromFiles(const CredentialFiles& files);
  // Loads the test chain kept in `dir`, creating dir (0700) and a new CI -> EUM -> eUICC
  // chain for `eid` first if it holds none. An empty `dir` keeps a new chain in memory only.
  static Result<std::unique_ptr<NotificationSigner>> TestChain(const std::string& dir,
                                                              const std::string& eid);

  ~NotificationSigner();
  NotificationSigner(const NotificationSigner&) = delete;
  NotificationSigner& operator=(const NotificationSigner&) = delete;

  // ECDSA-SHA256 signature of `data` as r||s (64 bytes).
  Result<Bytes> Sign(ByteView data) const;
  // True if `rs` (r||s) is a valid signature of `data` under the eUICC certificate's key.
  bool Verify(ByteView data, ByteView rs) const;
  // DER X.509 of the eUICC and EUM certificates.
  const Bytes& euicc_certificate() const { return euicc_cert_; }
  const Bytes& eum_certificate() const { return eum_cert_; }

 private:
  struct Key;
  NotificationSigner(std::unique_ptr<Key> key, Bytes euicc_cert, Bytes eum_cert);

  std::unique_ptr<Key> key_;
  Bytes euicc_cert_;
  Bytes eum_cert_;
};

}  // namespace esim::vcard

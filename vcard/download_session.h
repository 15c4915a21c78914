// DownloadSession: what the virtual eUICC remembers between the ES10b download functions of one
// SGP.22 common mutual authentication and profile download (download-facts §1-4).
//
// Volatile, like on a real card: a new GetEuiccChallenge or a reset discards it. Only the fact
// that a BPP load started is persisted (CardState::load_in_progress), so that an interrupted
// load is reported as installFailedDueToInterruption. Owned by Isdr; not thread-safe.
#pragma once

#include <memory>
#include <string>

#include "common/bytes.h"
#include "common/openssl_ptr.h"
#include "vcard/bpp_loader.h"

namespace esim::vcard {

struct DownloadSession {
  enum class Phase {
    kChallenged,     // GetEuiccChallenge answered
    kAuthenticated,  // AuthenticateServer accepted: transactionId, CI and SM-DP+ OID known
    kPrepared,       // PrepareDownload accepted: one-time key pair made
    kLoading,        // the BF36 header arrived: the loader takes the following pieces
  };
  Phase phase = Phase::kChallenged;
  Bytes euicc_challenge;          // 16 bytes
  Bytes transaction_id;
  std::string server_address;     // serverSigned1's serverAddress
  std::string smdp_oid;           // CERT.DPauth's registeredID, dotted
  bool by_smds = false;           // authenticated with a CERT.DSauth (ES11): no download may follow
  X509Ptr ci;                     // the CI CERT.DPauth chains to
  Bytes euicc_signature1;         // the whole 5F37 TLV
  EvpPkeyPtr dppb_key;            // CERT.DPpb's public key (checks smdpSign)
  EvpPkeyPtr otsk;                // otSK.EUICC.ECKA
  Bytes euicc_otpk;               // 04 || X || Y
  std::unique_ptr<BppLoader> loader;
  uint32_t load_pieces = 0;       // STORE DATA sequences of the load so far
};

}  // namespace esim::vcard

// Isdr: the ES10 functions of the virtual ISD-R, executed against a CardState.
//
// Takes one complete ES10 request (the reassembled STORE DATA payload) and
// returns the response and status word, as the ISD-R application of a real
// eUICC does below its ISO 7816 front end (apdu_front.cc). Requests are parsed
// with the card's own DER code, never with asn1/es10_codec. State changes follow
// SGP.22 (facts sheet section 4) and are saved to the state file before the
// answer goes out. Not thread-safe: one caller at a time.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "common/bytes.h"
#include "vcard/card_state.h"
#include "vcard/der.h"
#include "vcard/signer.h"

namespace esim::vcard {

class Isdr {
 public:
  struct Config {
    std::string state_path;  // the file state changes are written to; empty = memory only
    std::string pki_dir;     // where the generated test chain lives; empty = memory only
    bool drop_response_after_enable = false;  // one-shot fault, see VirtualEuicc::Options
  };
  struct Answer {
    Bytes data;               // the ES10 response (empty for errors by status word)
    uint16_t sw = 0x9000;
    bool drop = false;        // the card executed the command but sends no R-APDU
  };

  Isdr(CardState state, Config config);
  ~Isdr();

  // Executes one ES10 request. Undecodable requests answer 6A80.
  Answer Handle(ByteView request);
  // The card's current state.
  const CardState& state() const { return state_; }

 private:
  // Read-only functions (es10_handlers_read.cc).
  Answer GetEid(const der::Tlv& request);
  Answer GetEuiccInfo1(const der::Tlv& request);
  Answer GetEuiccInfo2(const der::Tlv& request);
  Answer GetProfilesInfo(const der::Tlv& request);
  Answer GetConfiguredAddresses(const der::Tlv& request);
  Answer GetRat(const der::Tlv& request);
  Answer ListNotification(const der::Tlv& request);
  Answer RetrieveNotificationsList(const der::Tlv& request);
  Answer CancelSession(const der::Tlv& request);
  // State-changing functions (es10_handlers_write.cc).
  Answer EnableProfile(const der::Tlv& request);
  Answer DisableProfile(const der::Tlv& request);
  Answer DeleteProfile(const der::Tlv& request);
  Answer SetNickname(const der::Tlv& request);
  Answer MemoryReset(const der::Tlv& request);
  Answer SetDefaultDpAddress(const der::Tlv& request);
  Answer NotificationSent(const der::Tlv& request);

  // The signing key, created or loaded on first use.
  Result<const NotificationSigner*> Signer();
  // Index of the profile a ProfileIdentifier element (4F or 5A) names, if any.
  std::optional<size_t> FindProfile(const der::Tlv& id) const;
  // Appends a pending notification for `event` if the profile's configuration asks for it.
  void Notify(const es10::ProfileInfo& profile, const es10::NotificationEvents& event);
  // Saves the state, or restores `before` and answers 6581 (memory problem) when it fails.
  std::optional<Answer> Commit(CardState before);

  CardState state_;
  Config config_;
  std::unique_ptr<NotificationSigner> signer_;
};

}  // namespace esim::vcard

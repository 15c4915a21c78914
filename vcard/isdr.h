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
#include "vcard/bpp_loader.h"
#include "vcard/card_state.h"
#include "vcard/der.h"
#include "vcard/download_knobs.h"
#include "vcard/signer.h"

namespace esim::vcard {

struct DownloadSession;

class Isdr : private BppLoader::Card {
 public:
  struct Config {
    std::string state_path;  // the file state changes are written to; empty = memory only
    std::string pki_dir;     // where the generated test chain lives; empty = memory only
    bool drop_response_after_enable = false;  // one-shot fault, see VirtualEuicc::Options
    // Download test knobs (vcard/download_knobs.h): the first fires at every matching step,
    // the segment answer once.
    std::optional<DownloadFail> download_fail;
    std::optional<SegmentAnswer> bpp_segment_answer;
    uint32_t bpp_segment_delay_ms = 0;
  };
  struct Answer {
    Bytes data;               // the ES10 response (empty for errors by status word)
    uint16_t sw = 0x9000;
    bool drop = false;        // the card executed the command but sends no R-APDU
  };

  Isdr(CardState state, Config config);
  ~Isdr() override;

  // Executes one ES10 request. Undecodable requests answer 6A80.
  Answer Handle(ByteView request);
  // The card's current state.
  const CardState& state() const { return state_; }
  // Power-on / reset: a download session is discarded; a BPP load it interrupts (or one an
  // earlier run left in the state file) becomes a pending install notification with
  // errorReason 11 (installFailedDueToInterruption).
  void Reset();

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
  // Profile download (es10_handlers_download.cc, bpp_install.cc).
  Answer GetEuiccChallenge(const der::Tlv& request);
  Answer AuthenticateServer(const der::Tlv& request);
  Answer PrepareDownload(const der::Tlv& request);
  // One STORE DATA sequence of LoadBoundProfilePackage: the BF36 header (with what follows)
  // or a later piece while a load is open.
  Answer LoadBoundProfilePackage(ByteView request);
  // The load's end: the profile installed, or not, and the signed BF37 kept as a notification.
  Answer FinishLoad(BppLoader::Outcome outcome);
  // Discards the download session; a started load ends as errorReason 11 when `interrupted`.
  void EndSession(bool interrupted);
  // Builds and signs ProfileInstallationResult with `final_result` (the A0/A1 inside A2),
  // appends it as a pending install notification and returns the BF37 DER.
  Result<Bytes> InstallationResult(const LoadInProgress& load, const std::optional<std::string>& iccid,
                                   const Bytes& final_result);
  // BppLoader::Card: the card-side checks of the load.
  Result<bsp::SessionKeys> Initialise(const der::Tlv& bf23, InstallFailure* failure) override;
  std::optional<InstallFailure> Metadata(const der::Tlv& bf25) override;
  std::optional<InstallFailure> PackageSize(uint64_t total) override;

  // The signing key, created or loaded on first use.
  Result<const NotificationSigner*> Signer();
  // Index of the profile a ProfileIdentifier element (4F or 5A) names, if any.
  std::optional<size_t> FindProfile(const der::Tlv& id) const;
  // Appends a pending notification for `event` if the profile's configuration asks for it.
  void Notify(const es10::ProfileInfo& profile, const es10::NotificationEvents& event);
  // A deleted downloaded profile's package size goes back to freeNonVolatileMemory.
  void ReleaseMemory(const es10::ProfileInfo& profile);
  // Saves the state, or restores `before` and answers 6581 (memory problem) when it fails.
  std::optional<Answer> Commit(CardState before);

  CardState state_;
  Config config_;
  std::unique_ptr<NotificationSigner> signer_;
  std::unique_ptr<DownloadSession> session_;
};

}  // namespace esim::vcard

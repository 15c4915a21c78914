// BppLoader: the virtual eUICC's reader of one BoundProfilePackage (download-facts §3-4), fed
// the BF36 contents piece by piece as the STORE DATA sequences arrive (or all at once).
//
// It parses the stream across piece boundaries (BF23, A0 {87}, A1 header, 88..., [A2 {87}],
// A3 header, 86...), opens every segment with the session keys in order, collects ConfigureISDP,
// StoreMetadata and the profile package, and parses the package as a stream of profile
// elements (ProfileHeader A0 with the ICCID first, End AA last). What needs the card (the
// InitialiseSecureChannel check and key agreement, the metadata and memory checks) it asks
// through Card. Not thread-safe: one load, one caller.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "common/bsp_crypto.h"
#include "common/bytes.h"
#include "vcard/der.h"

namespace esim::vcard {

// bppCommandId and errorReason of a ProfileInstallationResult error.
struct InstallFailure {
  int64_t bpp_command_id = 0;  // 0 initialiseSecureChannel .. 5 loadProfileElements
  int64_t error_reason = 127;
};

namespace bpp_command {
inline constexpr int64_t kInitialiseSecureChannel = 0;
inline constexpr int64_t kConfigureIsdp = 1;
inline constexpr int64_t kStoreMetadata = 2;
inline constexpr int64_t kReplaceSessionKeys = 4;
inline constexpr int64_t kLoadProfileElements = 5;
}  // namespace bpp_command

// Reads a BER tag and definite length from the front of `in` (the value need not be there):
// false if the header is incomplete or malformed.
bool ReadElementHeader(ByteView in, uint32_t* tag, size_t* header_len, uint64_t* length);

class BppLoader {
 public:
  // The card's side of the checks.
  class Card {
   public:
    virtual ~Card() = default;
    // InitialiseSecureChannel (the whole BF23): checks it and derives the session keys.
    virtual Result<bsp::SessionKeys> Initialise(const der::Tlv& bf23, InstallFailure* failure) = 0;
    // The complete StoreMetadata (BF25): nullopt to go on.
    virtual std::optional<InstallFailure> Metadata(const der::Tlv& bf25) = 0;
    // The profile package has grown to `total` bytes: nullopt to go on (memory check).
    virtual std::optional<InstallFailure> PackageSize(uint64_t total) = 0;
  };

  enum class Outcome { kNeedMore, kDone, kFailed };

  // `bf36_length`: the length the BF36 header announced (the whole package's contents).
  BppLoader(Card& card, uint64_t bf36_length);
  ~BppLoader();

  // Consumes the next bytes of BF36's contents.
  Outcome Feed(ByteView piece);

  // After kFailed: why.
  const InstallFailure& failure() const { return failure_; }
  // After kDone (and from the metadata on): the StoreMetadata element (BF25 DER).
  const Bytes& metadata() const { return metadata_; }
  // The profile package's size so far (sum of the 86 plaintexts).
  uint64_t package_size() const { return package_size_; }
  // The ICCID digits of the ProfileHeader, once parsed.
  const std::optional<std::string>& header_iccid() const { return header_iccid_; }

 private:
  enum class Step { kBf23, kA0, kA1, k88, kA2orA3, k86, kDone, kFailed };

  Outcome Fail(int64_t command, int64_t reason);
  // Handles one complete element (or container header) at the front of buffer_.
  // `container_length` is set for the A1/A3 header (its segments follow one by one).
  std::optional<Outcome> Element(uint32_t tag, ByteView whole, ByteView value,
                                 std::optional<uint64_t> container_length);
  // Opens the 87 segments inside an A0/A2 and returns their plaintext.
  std::optional<Bytes> OpenAll87(ByteView contents, int64_t command);
  std::optional<Bytes> OpenSegment(ByteView segment, int64_t command);
  // Feeds decrypted profile package bytes to the profile element parser.
  std::optional<Outcome> Package(ByteView plaintext);

  Card& card_;
  uint64_t bf36_length_;
  uint64_t consumed_ = 0;         // of the BF36 contents
  Step step_ = Step::kBf23;
  uint64_t container_left_ = 0;   // bytes of the open A1 / A3 not seen yet
  Bytes buffer_;                  // BF36 bytes received, not yet parsed
  std::unique_ptr<bsp::BspSession> session_;
  InstallFailure failure_;
  Bytes metadata_;
  Bytes package_buffer_;          // profile package bytes not yet parsed into elements
  uint64_t package_size_ = 0;
  size_t elements_ = 0;
  bool end_seen_ = false;
  bool replaced_keys_ = false;
  std::optional<std::string> header_iccid_;
};

}  // namespace esim::vcard

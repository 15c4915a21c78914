// BppLoader (vcard/bpp_loader.h): the BF36 stream, segment by segment, and the profile package
// as a stream of profile elements.
#include "vcard/bpp_loader.h"

#include "vcard/state_codings.h"

namespace esim::vcard {
namespace {

using namespace bpp_command;

constexpr int64_t kStructureError = 7;   // scp03tStructureError
constexpr int64_t kSecurityError = 8;    // scp03tSecurityError
constexpr int64_t kPeProcessing = 12;    // installFailedDueToPEProcessingError
constexpr int64_t kIccidMismatch = 13;   // installFailedDueToIccidMismatch

struct Header {
  uint32_t tag = 0;
  size_t header_len = 0;
  uint64_t length = 0;
};
enum class Peek { kOk, kIncomplete, kBad };

// Reads a BER tag (up to 3 bytes) and definite length (up to 4 bytes) from the front of `in`
// without requiring the value: the stream's elements cross piece boundaries.
Peek PeekHeader(ByteView in, Header* h) {
  size_t i = 0;
  if (in.empty()) return Peek::kIncomplete;
  uint32_t tag = in[i++];
  if ((tag & 0x1F) == 0x1F) {
    do {
      if (i >= in.size()) return Peek::kIncomplete;
      if (i >= 3) return Peek::kBad;
      tag = tag << 8 | in[i];
    } while (in[i++] & 0x80);
  }
  if (i >= in.size()) return Peek::kIncomplete;
  uint8_t first = in[i++];
  uint64_t length = first;
  if (first & 0x80) {
    size_t n = first & 0x7F;
    if (n == 0 || n > 4) return Peek::kBad;  // indefinite, or absurdly long
    if (i + n > in.size()) return Peek::kIncomplete;
    length = 0;
    for (size_t k = 0; k < n; ++k) length = length << 8 | in[i++];
  }
  *h = Header{tag, i, length};
  return Peek::kOk;
}

// The ProfileHeader's ICCID: 10 bytes, digits in plain order, F-padded.
std::string PlainIccid(ByteView bytes) {
  static constexpr char kDigits[] = "0123456789ABCDEF";
  std::string out;
  for (uint8_t b : bytes) {
    for (uint8_t nibble : {static_cast<uint8_t>(b >> 4), static_cast<uint8_t>(b & 0x0F)}) {
      if (nibble == 0x0F) return out;
      out.push_back(kDigits[nibble]);
    }
  }
  return out;
}

}  // namespace

bool ReadElementHeader(ByteView in, uint32_t* tag, size_t* header_len, uint64_t* length) {
  Header h;
  if (PeekHeader(in, &h) != Peek::kOk) return false;
  *tag = h.tag;
  *header_len = h.header_len;
  *length = h.length;
  return true;
}

BppLoader::BppLoader(Card& card, uint64_t bf36_length) : card_(card), bf36_length_(bf36_length) {}
BppLoader::~BppLoader() = default;

BppLoader::Outcome BppLoader::Fail(int64_t command, int64_t reason) {
  failure_ = InstallFailure{command, reason};
  step_ = Step::kFailed;
  return Outcome::kFailed;
}

BppLoader::Outcome BppLoader::Feed(ByteView piece) {
  if (step_ == Step::kFailed) return Outcome::kFailed;
  if (step_ == Step::kDone) return Fail(kLoadProfileElements, kStructureError);
  buffer_.insert(buffer_.end(), piece.begin(), piece.end());
  consumed_ += piece.size();
  size_t pos = 0;
  std::optional<Outcome> outcome;
  while (!outcome && pos < buffer_.size()) {
    ByteView rest = ByteView(buffer_).subspan(pos);
    Header h;
    Peek peek = PeekHeader(rest, &h);
    if (peek == Peek::kIncomplete) break;
    if (peek == Peek::kBad) {
      outcome = Fail(step_ == Step::kBf23 ? kInitialiseSecureChannel : kLoadProfileElements, kStructureError);
      break;
    }
    // A1 and A3 arrive as a header alone, their segments one by one after it.
    bool container = (step_ == Step::kA1 && h.tag == 0xA1) || (step_ == Step::kA2orA3 && h.tag == 0xA3);
    size_t size = container ? h.header_len : h.header_len + static_cast<size_t>(h.length);
    if (!container && h.length > rest.size() - h.header_len) break;  // the rest of it comes with the next piece
    outcome = Element(h.tag, rest.first(size), rest.subspan(h.header_len, size - h.header_len),
                      container ? std::optional<uint64_t>(h.length) : std::nullopt);
    pos += size;
  }
  buffer_.erase(buffer_.begin(), buffer_.begin() + static_cast<std::ptrdiff_t>(std::min(pos, buffer_.size())));
  if (outcome) return *outcome;
  if (consumed_ > bf36_length_) return Fail(kLoadProfileElements, kStructureError);
  return Outcome::kNeedMore;
}

std::optional<BppLoader::Outcome> BppLoader::Element(uint32_t tag, ByteView whole, ByteView value,
                                                     std::optional<uint64_t> container_length) {
  switch (step_) {
    case Step::kBf23: {
      if (tag != 0xBF23) return Fail(kInitialiseSecureChannel, kStructureError);
      auto tlv = der::ParseSingle(whole);
      if (!tlv.ok()) return Fail(kInitialiseSecureChannel, kStructureError);
      InstallFailure failure{kInitialiseSecureChannel, 127};
      auto keys = card_.Initialise(*tlv, &failure);
      if (!keys.ok()) return Fail(failure.bpp_command_id, failure.error_reason);
      session_ = std::make_unique<bsp::BspSession>(std::move(keys).value());
      step_ = Step::kA0;
      return std::nullopt;
    }
    case Step::kA0: {
      if (tag != 0xA0) return Fail(kConfigureIsdp, kStructureError);
      auto plain = OpenAll87(value, kConfigureIsdp);
      if (!plain) return Outcome::kFailed;
      auto configure = der::ParseSingle(*plain);
      if (!configure.ok() || configure->tag != 0xBF24) return Fail(kConfigureIsdp, kStructureError);
      step_ = Step::kA1;
      return std::nullopt;
    }
    case Step::kA1:
      if (tag != 0xA1 || !container_length) return Fail(kStoreMetadata, kStructureError);
      container_left_ = *container_length;
      step_ = Step::k88;
      if (container_left_ == 0) return Fail(kStoreMetadata, kStructureError);  // no metadata at all
      return std::nullopt;
    case Step::k88: {
      if (tag != 0x88 || whole.size() > container_left_) return Fail(kStoreMetadata, kStructureError);
      container_left_ -= whole.size();
      auto plain = OpenSegment(whole, kStoreMetadata);
      if (!plain) return Outcome::kFailed;
      metadata_.insert(metadata_.end(), plain->begin(), plain->end());
      if (container_left_ > 0) return std::nullopt;
      auto bf25 = der::ParseSingle(metadata_);
      if (!bf25.ok() || bf25->tag != 0xBF25) return Fail(kStoreMetadata, kStructureError);
      if (auto failure = card_.Metadata(*bf25)) return Fail(failure->bpp_command_id, failure->error_reason);
      step_ = Step::kA2orA3;
      return std::nullopt;
    }
    case Step::kA2orA3: {
      if (tag == 0xA3 && container_length) {
        container_left_ = *container_length;
        step_ = Step::k86;
        if (container_left_ == 0) return Fail(kLoadProfileElements, kPeProcessing);
        return std::nullopt;
      }
      if (tag != 0xA2 || replaced_keys_) return Fail(kReplaceSessionKeys, kStructureError);
      replaced_keys_ = true;
      auto plain = OpenAll87(value, kReplaceSessionKeys);
      if (!plain) return Outcome::kFailed;
      auto bf26 = der::ParseSingle(*plain);
      if (!bf26.ok() || bf26->tag != 0xBF26) return Fail(kReplaceSessionKeys, kStructureError);
      auto members = der::ReadChildren(bf26->value);
      if (!members.ok()) return Fail(kReplaceSessionKeys, kStructureError);
      auto iv = der::Find(*members, 0x80), enc = der::Find(*members, 0x81), mac = der::Find(*members, 0x82);
      if (!iv || !enc || !mac || iv->value.size() != 16 || enc->value.size() != 16 || mac->value.size() != 16) {
        return Fail(kReplaceSessionKeys, kStructureError);
      }
      session_->Rekey(bsp::SessionKeys{Bytes(iv->value.begin(), iv->value.end()),
                                       Bytes(enc->value.begin(), enc->value.end()),
                                       Bytes(mac->value.begin(), mac->value.end())});
      return std::nullopt;
    }
    case Step::k86: {
      if (tag != 0x86 || whole.size() > container_left_) return Fail(kLoadProfileElements, kStructureError);
      container_left_ -= whole.size();
      auto plain = OpenSegment(whole, kLoadProfileElements);
      if (!plain) return Outcome::kFailed;
      if (auto failed = Package(*plain)) return failed;
      if (container_left_ > 0) return std::nullopt;
      if (!end_seen_ || !package_buffer_.empty()) return Fail(kLoadProfileElements, kPeProcessing);
      step_ = Step::kDone;
      return Outcome::kDone;
    }
    case Step::kDone:
    case Step::kFailed:
      break;
  }
  return Fail(kLoadProfileElements, kStructureError);
}

std::optional<Bytes> BppLoader::OpenSegment(ByteView segment, int64_t command) {
  bsp::OpenError error = bsp::OpenError::kBadStructure;
  auto plain = session_->Open(segment, &error);
  if (!plain.ok()) {
    Fail(command, error == bsp::OpenError::kBadMac ? kSecurityError : kStructureError);
    return std::nullopt;
  }
  return std::move(plain).value();
}

std::optional<Bytes> BppLoader::OpenAll87(ByteView contents, int64_t command) {
  auto segments = der::ReadChildren(contents);
  if (!segments.ok() || segments->empty()) {
    Fail(command, kStructureError);
    return std::nullopt;
  }
  Bytes out;
  for (const der::Tlv& segment : *segments) {
    if (segment.tag != 0x87) {
      Fail(command, kStructureError);
      return std::nullopt;
    }
    auto plain = OpenSegment(segment.whole, command);
    if (!plain) return std::nullopt;
    out.insert(out.end(), plain->begin(), plain->end());
  }
  return out;
}

std::optional<BppLoader::Outcome> BppLoader::Package(ByteView plaintext) {
  package_size_ += plaintext.size();
  if (auto failure = card_.PackageSize(package_size_)) return Fail(failure->bpp_command_id, failure->error_reason);
  package_buffer_.insert(package_buffer_.end(), plaintext.begin(), plaintext.end());
  size_t pos = 0;
  std::optional<Outcome> outcome;
  while (!outcome && pos < package_buffer_.size()) {
    ByteView rest = ByteView(package_buffer_).subspan(pos);
    Header h;
    Peek peek = PeekHeader(rest, &h);
    if (peek == Peek::kIncomplete) break;
    if (peek == Peek::kBad || end_seen_) {
      outcome = Fail(kLoadProfileElements, kPeProcessing);  // garbage, or an element after End
      break;
    }
    if (h.length > rest.size() - h.header_len) break;
    ByteView value = rest.subspan(h.header_len, static_cast<size_t>(h.length));
    if (elements_++ == 0) {
      // The ProfileHeader comes first and names the ICCID StoreMetadata promised.
      auto members = h.tag == 0xA0 ? der::ReadChildren(value) : Result<std::vector<der::Tlv>>(Status(ErrorCode::kInvalidInput, "not A0"));
      auto iccid = members.ok() ? der::Find(*members, 0x83) : std::nullopt;
      if (!iccid || iccid->value.size() != 10) {
        outcome = Fail(kLoadProfileElements, kPeProcessing);
        break;
      }
      header_iccid_ = PlainIccid(iccid->value);
      auto bf25 = der::ParseSingle(metadata_);
      auto meta = bf25.ok() ? der::ReadChildren(bf25->value) : Result<std::vector<der::Tlv>>(bf25.status());
      auto meta_iccid = meta.ok() ? der::Find(*meta, 0x5A) : std::nullopt;
      if (!meta_iccid || BcdToIccid(meta_iccid->value) != *header_iccid_) {
        outcome = Fail(kLoadProfileElements, kIccidMismatch);
        break;
      }
    }
    if (h.tag == 0xAA) end_seen_ = true;
    pos += h.header_len + static_cast<size_t>(h.length);
  }
  package_buffer_.erase(package_buffer_.begin(),
                        package_buffer_.begin() + static_cast<std::ptrdiff_t>(std::min(pos, package_buffer_.size())));
  return outcome;
}

}  // namespace esim::vcard

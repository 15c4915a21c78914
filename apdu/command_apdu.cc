#include "apdu/command_apdu.h"

#include <string>

namespace esim::apdu {
namespace {

void PutU16(Bytes& out, size_t v) {
  out.push_back(static_cast<uint8_t>((v >> 8) & 0xFF));
  out.push_back(static_cast<uint8_t>(v & 0xFF));
}

}  // namespace

bool CommandApdu::NeedsExtended() const {
  return data.size() > kMaxShortData || (le.has_value() && *le > kMaxShortLe);
}

Result<Bytes> CommandApdu::Encode(bool extended) const {
  if (le.has_value() && *le == 0) {
    return Status(ErrorCode::kInvalidInput, "APDU Le must be 1..65536 (0 is not a length)");
  }
  const size_t max_data = extended ? kMaxExtendedData : kMaxShortData;
  const uint32_t max_le = extended ? kMaxExtendedLe : kMaxShortLe;
  if (data.size() > max_data) {
    return Status(ErrorCode::kInvalidInput,
                  "APDU data of " + std::to_string(data.size()) + " bytes does not fit " +
                      (extended ? "an extended" : "a short") + " APDU (max " +
                      std::to_string(max_data) + ")");
  }
  if (le.has_value() && *le > max_le) {
    return Status(ErrorCode::kInvalidInput, "APDU Le " + std::to_string(*le) + " does not fit " +
                                                (extended ? "an extended" : "a short") +
                                                " APDU (max " + std::to_string(max_le) + ")");
  }

  Bytes out{cla, ins, p1, p2};
  out.reserve(4 + 3 + data.size() + 3);
  if (!extended) {
    // Short form: Lc and Le are one byte each; Le 256 is written as 00.
    if (!data.empty()) {
      out.push_back(static_cast<uint8_t>(data.size()));
      out.insert(out.end(), data.begin(), data.end());
    }
    if (le.has_value()) out.push_back(static_cast<uint8_t>(*le & 0xFF));
    return out;
  }
  // Extended form: a 00 marker byte precedes the first length field only; Lc is 2 bytes;
  // Le is 2 bytes after data, 3 (00 + 2) without data; Le 65536 is written as 0000.
  if (!data.empty()) {
    out.push_back(0x00);
    PutU16(out, data.size());
    out.insert(out.end(), data.begin(), data.end());
  }
  if (le.has_value()) {
    if (data.empty()) out.push_back(0x00);
    PutU16(out, *le & 0xFFFF);
  }
  return out;
}

}  // namespace esim::apdu

#include "readers/trace_mask.h"

#include <algorithm>
#include <mutex>

namespace esim {
namespace {

std::mutex& SecretsMutex() {
  static std::mutex mutex;
  return mutex;
}
std::vector<Bytes>& Secrets() {
  static std::vector<Bytes> secrets;
  return secrets;
}

// `80 LL <secret>`: how SGP.22 ctxParamsForCommonAuthentication carries a matching ID
// ([0] UTF8String, DER length).
Bytes TaggedForm(const Bytes& secret, size_t* header) {
  Bytes out{0x80};
  if (secret.size() < 0x80) {
    out.push_back(static_cast<uint8_t>(secret.size()));
  } else {
    out.push_back(0x81);
    out.push_back(static_cast<uint8_t>(secret.size()));
  }
  *header = out.size();
  out.insert(out.end(), secret.begin(), secret.end());
  return out;
}

// Where a C-APDU's data field lies: [begin, end) (empty for cases 1 and 2).
void CommandData(ByteView apdu, size_t* begin, size_t* end) {
  *begin = *end = std::min<size_t>(apdu.size(), 4);
  if (apdu.size() <= 5) return;
  if (apdu[4] != 0x00) {
    *begin = 5;
    *end = std::min(apdu.size(), 5 + static_cast<size_t>(apdu[4]));
  } else if (apdu.size() > 7) {
    *begin = 7;
    *end = std::min(apdu.size(), 7 + (static_cast<size_t>(apdu[5]) << 8 | apdu[6]));
  }
}

}  // namespace

void RegisterTraceSecret(std::string_view secret) {
  if (secret.empty() || secret.size() > 255) return;
  std::lock_guard<std::mutex> lock(SecretsMutex());
  Bytes bytes(secret.begin(), secret.end());
  if (std::find(Secrets().begin(), Secrets().end(), bytes) == Secrets().end()) Secrets().push_back(bytes);
}

std::vector<Bytes> TraceSecrets() {
  std::lock_guard<std::mutex> lock(SecretsMutex());
  return Secrets();
}

void ClearTraceSecrets() {
  std::lock_guard<std::mutex> lock(SecretsMutex());
  Secrets().clear();
}

std::string TraceMasker::Command(ByteView apdu, bool* masked) {
  size_t begin = 0, end = 0;
  CommandData(apdu, &begin, &end);
  return Mask(apdu, begin, end, command_carry_, masked);
}

std::string TraceMasker::AnswerData(ByteView data, bool* masked) {
  return Mask(data, 0, data.size(), answer_carry_, masked);
}

std::string TraceMasker::Mask(ByteView bytes, size_t begin, size_t end, std::optional<Carry>& carry,
                              bool* masked) {
  std::vector<bool> hide(bytes.size(), false);
  ByteView data = bytes.subspan(begin, end - begin);
  // 1. The rest of a secret cut at the end of the previous data of this direction.
  std::optional<Carry> previous = std::move(carry);
  carry.reset();
  if (previous) {
    ByteView rest = ByteView(previous->pattern).subspan(previous->matched);
    const size_t n = std::min(rest.size(), data.size());
    if (n > 0 && std::equal(rest.begin(), rest.begin() + n, data.begin())) {
      for (size_t i = 0; i < n; ++i) {
        if (previous->matched + i >= previous->header) hide[begin + i] = true;
      }
      if (n < rest.size()) {  // the whole data field was more of the secret
        previous->matched += n;
        carry = std::move(previous);
      }
    }
  }
  for (const Bytes& secret : TraceSecrets()) {
    // 2. Every whole occurrence (tagged or bare) inside the data.
    for (auto at = std::search(data.begin(), data.end(), secret.begin(), secret.end()); at != data.end();
         at = std::search(at + 1, data.end(), secret.begin(), secret.end())) {
      const size_t offset = begin + static_cast<size_t>(at - data.begin());
      for (size_t i = 0; i < secret.size(); ++i) hide[offset + i] = true;
    }
    // 3. The tagged form begun at the very end of the data: hide its start, carry the rest.
    if (carry) continue;
    size_t header = 0;
    Bytes pattern = TaggedForm(secret, &header);
    for (size_t k = std::min(pattern.size() - 1, data.size()); k >= 1; --k) {
      if (std::equal(pattern.begin(), pattern.begin() + k, data.end() - k)) {
        for (size_t i = header; i < k; ++i) hide[end - k + i] = true;
        carry = Carry{std::move(pattern), header, k};
        break;
      }
    }
  }
  std::string hex = ToHex(bytes);
  bool any = false;
  for (size_t i = 0; i < hide.size(); ++i) {
    if (!hide[i]) continue;
    hex[2 * i] = hex[2 * i + 1] = '*';
    any = true;
  }
  if (masked != nullptr) *masked = any;
  return hex;
}

}  // namespace esim

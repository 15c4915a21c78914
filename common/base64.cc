#include "common/base64.h"

#include <algorithm>
#include <vector>

#include "common/crypto_library.h"

namespace esim {

std::string Base64(ByteView data) {
  // EVP_EncodeBlock takes an int length: encode in whole 3-byte groups so that
  // the chunks concatenate into the base64 of the whole (no padding inside).
  constexpr size_t kChunk = 3 * 4096;
  std::string out;
  std::vector<unsigned char> block(4 * (kChunk / 3) + 1);  // +1: EVP_EncodeBlock's NUL
  for (size_t at = 0; at < data.size(); at += kChunk) {
    size_t n = std::min(kChunk, data.size() - at);
    int written = Crypto().EVP_EncodeBlock(block.data(), data.data() + at, static_cast<int>(n));
    out.append(block.begin(), block.begin() + written);
  }
  return out;
}

}  // namespace esim

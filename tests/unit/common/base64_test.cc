// Base64 against RFC 4648's vectors and across EVP_EncodeBlock's chunk boundary.
#include "common/base64.h"

#include <gtest/gtest.h>

namespace esim {
namespace {

TEST(Base64Test, MatchesRfc4648Vectors) {
  EXPECT_EQ(Base64(Bytes{}), "");
  EXPECT_EQ(Base64(Bytes{'f'}), "Zg==");
  EXPECT_EQ(Base64(Bytes{'f', 'o'}), "Zm8=");
  EXPECT_EQ(Base64(Bytes{'f', 'o', 'o', 'b', 'a', 'r'}), "Zm9vYmFy");
  Bytes big(3 * 4096 + 2, 0xFF);  // crosses a chunk boundary
  std::string encoded = Base64(big);
  EXPECT_EQ(encoded.size(), 4 * ((big.size() + 2) / 3));
  EXPECT_EQ(encoded.substr(encoded.size() - 4), "//8=");
  EXPECT_EQ(encoded.find('='), encoded.size() - 1);
}

}  // namespace
}  // namespace esim

// DataDirectory (common/data_directory.h): the override, and the lookup from the binary's place.
#include "common/data_directory.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <string>

namespace esim {
namespace {

class DataDirectoryTest : public ::testing::Test {
 protected:
  void TearDown() override { ::unsetenv("ESIMCTL_DATA_DIR"); }
};

TEST_F(DataDirectoryTest, EnvironmentOverridesAndIsNormalised) {
  const std::string dir = std::string(ESIM_SOURCE_DIR) + "/data";
  ::setenv("ESIMCTL_DATA_DIR", (dir + "/ci/../").c_str(), 1);
  auto found = DataDirectory();
  ASSERT_TRUE(found.ok()) << found.status().message();
  EXPECT_EQ(*found, dir);
}

TEST_F(DataDirectoryTest, OverrideThatIsNoDirectoryIsAnErrorNotAFallback) {
  ::setenv("ESIMCTL_DATA_DIR", "/nonexistent/esimctl-data", 1);
  auto found = DataDirectory();
  ASSERT_FALSE(found.ok());
  EXPECT_EQ(found.status().code(), ErrorCode::kIo);
  EXPECT_NE(found.status().message().find("ESIMCTL_DATA_DIR '/nonexistent/esimctl-data'"), std::string::npos);
}

TEST_F(DataDirectoryTest, EmptyOverrideIsIgnored) {
  ::setenv("ESIMCTL_DATA_DIR", "", 1);
  auto found = DataDirectory();
  ASSERT_TRUE(found.ok()) << found.status().message();
  // This test binary is build/tests/unit_common: ../share/esimctl is the build tree's copy.
  EXPECT_EQ(*found, std::string(ESIM_BINARY_DIR) + "/share/esimctl");
}

}  // namespace
}  // namespace esim

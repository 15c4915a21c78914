#include "common/shared_library.h"

#include <cstring>

#include <gtest/gtest.h>

namespace esim {
namespace {

TEST(SharedLibraryTest, MissingLibraryNamesPurposeSonameAndRemedy) {
  Result<SharedLibrary> lib =
      SharedLibrary::Open("libesimctl-does-not-exist.so.7", "the frobnicator", "install frob");
  ASSERT_FALSE(lib.ok());
  EXPECT_EQ(lib.status().code(), ErrorCode::kInternal);
  const std::string message = lib.status().message();
  EXPECT_NE(message.find("the frobnicator needs libesimctl-does-not-exist.so.7"), std::string::npos) << message;
  EXPECT_NE(message.find("install frob"), std::string::npos) << message;
}

TEST(SharedLibraryTest, BoundEntryPointsAreCallable) {
  Result<SharedLibrary> lib = SharedLibrary::Open("libc.so.6", "test", "none");
  ASSERT_TRUE(lib.ok()) << lib.status().message();
  decltype(&std::strlen) length = nullptr;
  ASSERT_TRUE(lib->Bind("strlen", length).Check().ok());
  ASSERT_NE(length, nullptr);
  EXPECT_EQ(length("eUICC"), 5u);
}

TEST(SharedLibraryTest, CheckNamesEveryMissingSymbol) {
  Result<SharedLibrary> lib = SharedLibrary::Open("libc.so.6", "test", "none");
  ASSERT_TRUE(lib.ok()) << lib.status().message();
  void (*first)() = nullptr;
  void (*second)() = nullptr;
  decltype(&std::strlen) length = nullptr;
  Status status = lib->Bind("esimctl_no_such_symbol_1", first)
                      .Bind("strlen", length)
                      .Bind("esimctl_no_such_symbol_2", second)
                      .Check();
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.message(), "libc.so.6 lacks esimctl_no_such_symbol_1, esimctl_no_such_symbol_2");
  EXPECT_EQ(first, nullptr);
  EXPECT_NE(length, nullptr);
}

struct CountingTable {
  static int opens;
  static Result<const CountingTable*> Open() {
    ++opens;
    return Status(ErrorCode::kInternal, "missing on purpose");
  }
};
int CountingTable::opens = 0;

TEST(SharedLibraryTest, LoadOnceOpensOnceAndKeepsTheAnswer) {
  for (int i = 0; i < 3; ++i) {
    Result<const CountingTable*> loaded = LoadOnce(&CountingTable::Open);
    ASSERT_FALSE(loaded.ok());
    EXPECT_EQ(loaded.status().message(), "missing on purpose");
  }
  EXPECT_EQ(CountingTable::opens, 1);
}

}  // namespace
}  // namespace esim

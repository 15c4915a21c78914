#include "common/exit_codes.h"

#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>

namespace esim {
namespace {

constexpr ErrorCode kAllCodes[] = {
    ErrorCode::kOk,          ErrorCode::kUsage,        ErrorCode::kInvalidInput,
    ErrorCode::kNoService,   ErrorCode::kNoReader,     ErrorCode::kReaderNotFound,
    ErrorCode::kNoCard,      ErrorCode::kCardRemoved,  ErrorCode::kReaderBusy,
    ErrorCode::kReaderError, ErrorCode::kNotEuicc,     ErrorCode::kCardStatus,
    ErrorCode::kMalformedResponse, ErrorCode::kEs10Result, ErrorCode::kIo,
    ErrorCode::kInternal, ErrorCode::kProfileNotFound, ErrorCode::kWrongProfileState,
    ErrorCode::kDisallowedByPolicy, ErrorCode::kWrongProfileReenabling, ErrorCode::kCatBusy,
    ErrorCode::kNothingToDelete, ErrorCode::kCardUndefinedError, ErrorCode::kConfirmationRequired,
    ErrorCode::kNotConfirmed, ErrorCode::kJournalUnavailable, ErrorCode::kNotificationPending,
    ErrorCode::kServerUnreachable, ErrorCode::kServerRefused, ErrorCode::kServerAnswerInvalid,
    ErrorCode::kCardRefusedServer, ErrorCode::kInstallFailed, ErrorCode::kIccidAlreadyInstalled,
    ErrorCode::kNotEnoughMemory, ErrorCode::kConfirmationCodeRequired,
    ErrorCode::kServerNotTrusted};

TEST(ExitCodesTest, EveryErrorHasItsOwnExitCode) {
  std::set<int> seen;
  for (ErrorCode code : kAllCodes) {
    EXPECT_TRUE(seen.insert(ExitCodeFor(code)).second) << ErrorCodeName(code);
  }
  EXPECT_EQ(ExitCodeFor(ErrorCode::kOk), 0);
}

TEST(ExitCodesTest, DocumentationTableMatchesCode) {
  std::ifstream doc(std::string(ESIM_SOURCE_DIR) + "/docs/exit-codes.md");
  ASSERT_TRUE(doc) << "docs/exit-codes.md missing";
  std::map<std::string, int> documented;
  std::regex row(R"(^\|\s*(\d+)\s*\|\s*`([a-z0-9_]+)`)");
  std::string line;
  while (std::getline(doc, line)) {
    std::smatch m;
    if (std::regex_search(line, m, row)) documented[m[2]] = std::stoi(m[1]);
  }
  for (ErrorCode code : kAllCodes) {
    if (code == ErrorCode::kOk) continue;
    auto it = documented.find(ErrorCodeName(code));
    ASSERT_NE(it, documented.end()) << ErrorCodeName(code) << " is not documented";
    EXPECT_EQ(it->second, ExitCodeFor(code)) << ErrorCodeName(code);
  }
  EXPECT_EQ(documented.size(), std::size(kAllCodes) - 1);
}

}  // namespace
}  // namespace esim

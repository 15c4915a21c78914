// Output and RenderTable: what reaches the user's terminal or JSON reader when the card's strings
// are hostile (control characters) or not UTF-8 at all.
#include "src/cli/output.h"

#include <sstream>
#include <string>

#include <gtest/gtest.h>

#include "asn1/json.h"
#include "common/exit_codes.h"

namespace esim {
namespace {

constexpr const char* kReplacement = "\xEF\xBF\xBD";

TEST(Output, JsonReplacesInvalidUtf8InsteadOfThrowing) {
  std::ostringstream out, err;
  Output output(out, err, /*json=*/true);
  output.Json({{"profileName", "Travel\xFF\xFE"}, {"defaultDpAddress", "smdp\xC3"}});
  EXPECT_NE(out.str().find(std::string("\"Travel") + kReplacement + kReplacement + "\""), std::string::npos)
      << out.str();
  EXPECT_NE(out.str().find(std::string("\"smdp") + kReplacement + "\""), std::string::npos) << out.str();
  EXPECT_EQ(nlohmann::json::parse(out.str())["profileName"], std::string("Travel") + kReplacement + kReplacement);
}

TEST(Output, JsonEscapesControlCharacters) {
  std::ostringstream out, err;
  Output output(out, err, /*json=*/true);
  output.Json({{"profileName", "a\x1B[2Jb"}});
  EXPECT_EQ(out.str().find('\x1B'), std::string::npos) << out.str();
  EXPECT_EQ(nlohmann::json::parse(out.str())["profileName"], "a\x1B[2Jb");  // the exact text survives
}

TEST(Output, TextNotesAndErrorsAreTerminalSafe) {
  std::ostringstream out, err;
  Output output(out, err, /*json=*/false);
  output.Text("name: \x1B]0;pwned\x07");
  output.Note("address \x9B");
  EXPECT_EQ(output.Error(Status(ErrorCode::kMalformedResponse, "bad \x1B[31m")), ExitCodeFor(ErrorCode::kMalformedResponse));
  EXPECT_EQ(out.str(), std::string("name: ") + kReplacement + "]0;pwned" + kReplacement + "\n");
  EXPECT_EQ(err.str(), std::string("address ") + kReplacement + "\nesimctl: bad " + kReplacement + "[31m\n");
}

TEST(RenderTable, ColumnsStayAlignedAroundReplacedBytes) {
  // A stray continuation byte (0x80) takes no column as raw text but one as U+FFFD; widths are
  // measured on what Output::Text prints.
  std::ostringstream out, err;
  Output output(out, err, /*json=*/false);
  output.Text(RenderTable({"NAME", "STATE"}, {{"a\x80\x80", "enabled"}, {"\xC3\xA9t\xC3\xA9", "disabled"}}));
  EXPECT_EQ(out.str(), std::string("NAME  STATE\n") + "a" + kReplacement + kReplacement + "   enabled\n" +
                       "\xC3\xA9t\xC3\xA9   disabled\n");
}

TEST(JsonText, IndentsLikeDumpAndNeverThrows) {
  nlohmann::json document{{"a", 1}};
  EXPECT_EQ(es10::JsonText(document), document.dump());
  EXPECT_EQ(es10::JsonText(document, 2), document.dump(2));
  EXPECT_EQ(es10::JsonText(nlohmann::json("\xF8")), std::string("\"") + kReplacement + "\"");
}

}  // namespace
}  // namespace esim

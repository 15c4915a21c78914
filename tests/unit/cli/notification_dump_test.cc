#include "src/cli/notification_dump.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "asn1/es10_codec.h"
#include "common/base64.h"
#include "src/ops/notification_dump.h"
#include "src/session/card_session.h"
#include "vcard/virtual_reader.h"

namespace esim {
namespace {

namespace fs = std::filesystem;

const std::string kDefaultState = std::string(ESIM_SOURCE_DIR) + "/vcard/default-state.json";

std::unique_ptr<CardSession> DefaultCard() {
  vcard::VirtualEuicc::Options card;
  card.persist = false;
  auto reader = vcard::OpenVirtualReader(kDefaultState, card);
  EXPECT_TRUE(reader.ok());
  auto session = CardSession::OnReader(std::move(*reader), {});
  EXPECT_TRUE(session.ok());
  return session.ok() ? std::move(*session) : nullptr;
}

fs::path TempPath(const std::string& name) {
  fs::path dir = fs::temp_directory_path() / ("esimctl-dump-" + std::to_string(getpid()));
  fs::create_directories(dir);
  return dir / name;
}

unsigned Mode(const fs::path& path) {
  struct stat st {};
  EXPECT_EQ(lstat(path.c_str(), &st), 0);
  return st.st_mode & 0777;
}

std::string Read(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

TEST(NotificationDumpTest, JsonCarriesTheExactSignedDer) {
  auto session = DefaultCard();
  ASSERT_TRUE(session);
  auto all = RetrieveAllNotifications(*session);
  ASSERT_TRUE(all.ok()) << all.status().message();
  ASSERT_EQ(all->size(), 3u);  // default-state.json: 7 install, 8 enable, 9 install
  const nlohmann::json doc = NotificationDumpJson(*all);
  ASSERT_EQ(doc["notifications"].size(), 3u);
  const auto& first = doc["notifications"][0];
  EXPECT_EQ(first["seqNumber"], 7);
  EXPECT_EQ(first["event"], "install");
  EXPECT_EQ(first["iccid"], "8999010010000001018");
  EXPECT_EQ(first["address"], "smdp.northwind.example");
  EXPECT_EQ(first["der"], Base64((*all)[0].der));
  // The DER is a whole PendingNotification that decodes back to the same seqNumber.
  auto decoded = es10::Decode<es10::PendingNotification>((*all)[0].der);
  ASSERT_TRUE(decoded.ok()) << decoded.status().message();
  EXPECT_EQ(decoded->metadata().seqNumber, 7);

  const std::string lines = NotificationDumpBase64(*all);
  EXPECT_EQ(std::count(lines.begin(), lines.end(), '\n'), 3);
  EXPECT_EQ(lines.substr(0, lines.find('\n')), Base64((*all)[0].der));
}

TEST(NotificationDumpTest, SelectedSeqNumbersInTheirOrderAndUnknownFails) {
  auto session = DefaultCard();
  ASSERT_TRUE(session);
  auto two = RetrieveNotifications(*session, {9, 7});
  ASSERT_TRUE(two.ok()) << two.status().message();
  ASSERT_EQ(two->size(), 2u);
  EXPECT_EQ((*two)[0].metadata().seqNumber, 9);
  EXPECT_EQ((*two)[1].metadata().seqNumber, 7);
  auto unknown = RetrieveNotifications(*session, {7, 99});
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.status().message().find("99"), std::string::npos);
}

TEST(NotificationDumpTest, PrivateFileIs0600EvenOverAWiderOne) {
  const fs::path path = TempPath("dump.json");
  fs::remove(path);
  ASSERT_TRUE(WritePrivateFile(path, "first\n").ok());
  EXPECT_EQ(Mode(path), 0600u);
  EXPECT_EQ(Read(path), "first\n");
  fs::permissions(path, fs::perms(0644));
  ASSERT_TRUE(WritePrivateFile(path, "second\n").ok());
  EXPECT_EQ(Mode(path), 0600u);
  EXPECT_EQ(Read(path), "second\n");
  fs::remove(path);
}

TEST(NotificationDumpTest, RefusesASymlinkAndAMissingFolder) {
  const fs::path target = TempPath("target");
  const fs::path link = TempPath("link");
  fs::remove(link);
  { std::ofstream(target) << "keep"; }
  fs::create_symlink(target, link);
  Status linked = WritePrivateFile(link, "x");
  EXPECT_FALSE(linked.ok());
  EXPECT_EQ(linked.code(), ErrorCode::kIo);
  EXPECT_EQ(Read(target), "keep");
  EXPECT_FALSE(WritePrivateFile(TempPath("no-such-dir") / "f", "x").ok());
  fs::remove_all(target.parent_path());
}

}  // namespace
}  // namespace esim

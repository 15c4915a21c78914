// CardSession and ModemDirectory over the simulated modem (build/tests/esimctl-modemsim, which
// must be built first): "at:" specs, the logical channel every modem session works on, the AT
// timeout taken from SessionOptions, and at:auto's choice among several modems.
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "src/session/card_session.h"
#include "src/session/modem_directory.h"

namespace esim {
namespace {

namespace fs = std::filesystem;

const std::string kSim = std::string(ESIM_BINARY_DIR) + "/tests/esimctl-modemsim";
const std::string kDefaultState = std::string(ESIM_SOURCE_DIR) + "/vcard/default-state.json";
constexpr const char* kDefaultEid = "89049032000000000000000012345644";

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// One esimctl-modemsim on a copy of the default card, in its own temp dir; stopped (SIGTERM)
// when the object goes.
class Sim {
 public:
  explicit Sim(const fs::path& dir, const std::string& name, std::vector<std::string> options = {})
      : link_((dir / (name + ".tty")).string()), log_((dir / (name + ".log")).string()) {
    const std::string state = (dir / (name + ".json")).string();
    fs::copy_file(kDefaultState, state, fs::copy_options::overwrite_existing);
    int out[2];
    if (pipe(out) != 0) return;
    std::vector<std::string> args = {kSim, "--state", state, "--link", link_, "--log", log_};
    args.insert(args.end(), options.begin(), options.end());
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    pid_ = fork();
    if (pid_ == 0) {
      dup2(out[1], STDOUT_FILENO);
      close(out[0]);
      close(out[1]);
      execv(kSim.c_str(), argv.data());
      _exit(127);
    }
    close(out[1]);
    // "ready LINK" once it listens; the read blocks until then (or EOF if it died).
    std::string line;
    char c;
    while (read(out[0], &c, 1) == 1 && c != '\n') line += c;
    close(out[0]);
    ready_ = line == "ready " + link_;
  }
  ~Sim() {
    if (pid_ > 0) {
      kill(pid_, SIGTERM);
      waitpid(pid_, nullptr, 0);
    }
  }
  bool ready() const { return ready_; }
  const std::string& link() const { return link_; }
  std::string log() const { return ReadFile(log_); }

 private:
  std::string link_;
  std::string log_;
  pid_t pid_ = -1;
  bool ready_ = false;
};

class ModemSessionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/modem-session.XXXXXX";
    ASSERT_NE(mkdtemp(pattern), nullptr);
    dir_ = pattern;
    ASSERT_TRUE(fs::exists(kSim)) << kSim << " is not built (cmake --build build --target esimctl-modemsim)";
  }
  void TearDown() override {
    unsetenv("ESIMCTL_MODEM_PORTS");
    std::error_code ignored;
    fs::remove_all(dir_, ignored);
  }
  fs::path dir_;
};

TEST(ModemSpecTest, AtPrefixNamesAModem) {
  EXPECT_TRUE(IsModemSpec("at:/dev/ttyUSB2"));
  EXPECT_TRUE(IsModemSpec("at:auto"));
  EXPECT_FALSE(IsModemSpec("Virtual PCD 00 00"));
  EXPECT_FALSE(IsModemSpec("virtual:at.json"));
}

TEST(ModemSpecTest, AtWithoutADeviceIsRefused) {
  auto reader = OpenReader("at:", {});
  ASSERT_FALSE(reader.ok());
  EXPECT_EQ(reader.status().code(), ErrorCode::kReaderNotFound);
  EXPECT_NE(reader.status().message().find("at:auto"), std::string::npos) << reader.status().message();
}

TEST_F(ModemSessionTest, SessionWorksOnALogicalChannelClosedAtTheEnd) {
  Sim sim(dir_, "one");
  ASSERT_TRUE(sim.ready());
  SessionOptions options;
  options.reader = "at:" + sim.link();
  {
    auto session = CardSession::Open(options);
    ASSERT_TRUE(session.ok()) << session.status().message();
    EXPECT_EQ((*session)->reader_name(), "at:" + sim.link());
    auto eid = (*session)->es10().GetEid();
    ASSERT_TRUE(eid.ok()) << eid.status().message();
    EXPECT_EQ(*eid, kDefaultEid);
    // The ISD-R was opened as a logical channel (CCHO), never on the basic channel.
    EXPECT_NE(sim.log().find("rx AT+CCHO=\"A0000005591010FFFFFFFF8900000100\""), std::string::npos) << sim.log();
    EXPECT_EQ(sim.log().find("rx AT+CCHC=1"), std::string::npos);  // not before the end
  }
  EXPECT_NE(sim.log().find("rx AT+CCHC=1"), std::string::npos) << sim.log();
}

TEST_F(ModemSessionTest, AtTimeoutFromTheOptionsBoundsAMissingAnswer) {
  Sim sim(dir_, "drop", {"--drop-answer", "1"});
  ASSERT_TRUE(sim.ready());
  SessionOptions options;
  options.reader = "at:" + sim.link();
  options.at_timeout_ms = 500;
  auto session = CardSession::Open(options);
  ASSERT_TRUE(session.ok()) << session.status().message();
  const auto start = std::chrono::steady_clock::now();
  auto eid = (*session)->es10().GetEid();
  const auto took = std::chrono::steady_clock::now() - start;
  ASSERT_FALSE(eid.ok());
  EXPECT_EQ(eid.status().code(), ErrorCode::kReaderError) << eid.status().message();
  // 500 ms asked; the 30 s default would have hung here.
  EXPECT_LT(took, std::chrono::seconds(5));
}

TEST_F(ModemSessionTest, ListModemsReadsTheEidAndTheCarrier) {
  Sim cgla(dir_, "m1");
  Sim csim(dir_, "m2", {"--csim-only"});
  ASSERT_TRUE(cgla.ready() && csim.ready());
  setenv("ESIMCTL_MODEM_PORTS", (dir_ / "m*.tty").c_str(), 1);
  std::vector<ModemEntry> modems = ListModems({});
  ASSERT_EQ(modems.size(), 2u);
  EXPECT_EQ(modems[0].path, cgla.link());
  EXPECT_TRUE(modems[0].answers_at);
  EXPECT_EQ(modems[0].mode, "cgla");
  EXPECT_EQ(modems[0].eid, kDefaultEid);
  EXPECT_EQ(modems[1].path, csim.link());
  EXPECT_EQ(modems[1].mode, "csim");
  EXPECT_EQ(modems[1].eid, kDefaultEid);
  EXPECT_TRUE(modems[1].problem.empty()) << modems[1].problem;

  // Two modems with an eUICC: at:auto names both and picks none.
  auto chosen = ResolveAutoModem({});
  ASSERT_FALSE(chosen.ok());
  EXPECT_EQ(chosen.status().code(), ErrorCode::kReaderNotFound);
  EXPECT_NE(chosen.status().message().find(cgla.link()), std::string::npos) << chosen.status().message();
  EXPECT_NE(chosen.status().message().find(csim.link()), std::string::npos) << chosen.status().message();
}

TEST_F(ModemSessionTest, AtAutoPicksTheOnlyModem) {
  Sim sim(dir_, "m1");
  ASSERT_TRUE(sim.ready());
  setenv("ESIMCTL_MODEM_PORTS", (dir_ / "m*.tty").c_str(), 1);
  auto chosen = ResolveAutoModem({});
  ASSERT_TRUE(chosen.ok()) << chosen.status().message();
  EXPECT_EQ(*chosen, sim.link());
  SessionOptions options;
  options.reader = "at:auto";
  auto session = CardSession::Open(options);
  ASSERT_TRUE(session.ok()) << session.status().message();
  EXPECT_EQ((*session)->reader_name(), "at:" + sim.link());
}

TEST_F(ModemSessionTest, AtAutoWithoutAModemIsRefused) {
  setenv("ESIMCTL_MODEM_PORTS", (dir_ / "none*.tty").c_str(), 1);
  auto chosen = ResolveAutoModem({});
  ASSERT_FALSE(chosen.ok());
  EXPECT_EQ(chosen.status().code(), ErrorCode::kReaderNotFound);
}

}  // namespace
}  // namespace esim

// Helpers for the delivery tests: a private temp dir, child processes (the real test SM-DP+,
// or this test binary again) started with posix_spawn and always killed and reaped, and a
// notification signed by the virtual eUICC with the SGP.26 credentials test-smdp verifies.
#pragma once

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "common/bytes.h"
#include "common/status.h"
#include "src/ops/notifications.h"
#include "src/session/card_session.h"
#include "vcard/virtual_reader.h"

extern char** environ;

namespace esim::delivery_test {

using namespace std::chrono_literals;

inline const std::string kPki = std::string(ESIM_SHARED_DIR) + "/sgp26/";
inline const std::string kSmdpBinary = std::string(ESIM_BINARY_DIR) + "/tests/test-smdp";
inline const std::string kHost = "testsmdpplus1.example.com";
inline const std::string kEid = "89049032123451234512345678901235";  // named by the SGP.26 eUICC certificate
constexpr int64_t kSeqNumber = 8;                                       // an enable notification

// Why the delivery tests cannot run here, or "" when they can.
inline std::string MissingPrerequisite() {
  if (!std::filesystem::exists(kSmdpBinary)) {
    return "test SM-DP+ not built: " + kSmdpBinary + " (make test-smdp; unit_safety depends on it)";
  }
  for (const char* file : {"CERT_DP_TLS.pem", "SK_DP_TLS.pem", "CERT_CI_ECDSA_NIST.pem", "SK_EUICC_ECDSA_NIST.pem",
                           "CERT_EUICC_ECDSA_NIST.der", "CERT_EUM_ECDSA_NIST.der"}) {
    if (!std::filesystem::exists(kPki + file)) {
      return "SGP.26 test PKI missing: " + kPki + file + " (../shared/sgp26 beside the clone)";
    }
  }
  return "";
}

// A fresh directory under $TMPDIR, removed with everything in it.
class TempDir {
 public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "esim-delivery-XXXXXX").string();
    if (::mkdtemp(pattern.data())) path_ = pattern;
  }
  ~TempDir() {
    std::error_code ec;
    if (!path_.empty()) std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }  // empty if creation failed

 private:
  std::filesystem::path path_;
};

// A child process, killed (SIGKILL) and reaped when this object goes unless Wait() reaped it.
class Child {
 public:
  // Starts argv[0] with `argv` and `env`; stdout goes to a pipe (read with ReadLine), stderr to
  // `stderr_path`.
  static Result<std::unique_ptr<Child>> Spawn(const std::vector<std::string>& argv,
                                              const std::vector<std::string>& env,
                                              const std::string& stderr_path) {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) return Status(ErrorCode::kIo, std::string("pipe: ") + std::strerror(errno));
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, fds[1], STDOUT_FILENO);
    posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, stderr_path.c_str(), O_WRONLY | O_CREAT | O_APPEND,
                                     0600);
    std::vector<char*> args, envp;
    for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    for (const std::string& e : env) envp.push_back(const_cast<char*>(e.c_str()));
    envp.push_back(nullptr);
    pid_t pid = 0;
    int rc = ::posix_spawn(&pid, args[0], &actions, nullptr, args.data(), envp.data());
    posix_spawn_file_actions_destroy(&actions);
    ::close(fds[1]);
    if (rc != 0) {
      ::close(fds[0]);
      return Status(ErrorCode::kIo, "cannot start " + argv[0] + ": " + std::strerror(rc));
    }
    return std::unique_ptr<Child>(new Child(pid, fds[0]));
  }

  // The environment of this process with `extra` ("NAME=value") replacing or adding variables.
  static std::vector<std::string> Environment(const std::vector<std::string>& extra = {}) {
    auto name = [](const std::string& entry) { return entry.substr(0, entry.find('=')); };
    std::vector<std::string> env;
    for (char** e = environ; *e; ++e) {
      std::string entry = *e;
      bool replaced = false;
      for (const std::string& x : extra) replaced = replaced || name(x) == name(entry);
      if (!replaced) env.push_back(entry);
    }
    env.insert(env.end(), extra.begin(), extra.end());
    return env;
  }

  ~Child() {
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
    ::close(out_);
  }
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;

  // The next stdout line (without '\n'), or nullopt at EOF or after `timeout`.
  std::optional<std::string> ReadLine(std::chrono::milliseconds timeout) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    std::string line;
    for (;;) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      pollfd p{out_, POLLIN, 0};
      if (left.count() <= 0 || ::poll(&p, 1, static_cast<int>(left.count())) <= 0) return std::nullopt;
      char c = 0;
      if (::read(out_, &c, 1) != 1) return std::nullopt;
      if (c == '\n') return line;
      line += c;
    }
  }

  // Waits up to `timeout` for the child to end; its wait status, or nullopt if still running.
  std::optional<int> Wait(std::chrono::milliseconds timeout) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (pid_ > 0) {
      int status = 0;
      if (::waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        return status;
      }
      if (std::chrono::steady_clock::now() >= deadline) return std::nullopt;
      std::this_thread::sleep_for(10ms);
    }
    return std::nullopt;
  }

 private:
  Child(pid_t pid, int out) : pid_(pid), out_(out) {}
  pid_t pid_;
  int out_;
};

// test-smdp on 127.0.0.1 with the SGP.26 TLS certificate and CI, logging to dir/log.jsonl.
class Smdp {
 public:
  // Starts it with `extra` options (e.g. {"--fail", "500"}) and reads its port.
  static Result<std::unique_ptr<Smdp>> Start(const std::filesystem::path& dir, const std::vector<std::string>& extra) {
    auto smdp = std::unique_ptr<Smdp>(new Smdp(dir));
    std::vector<std::string> argv = {kSmdpBinary,         "--port",        "0",
                                     "--cert",            kPki + "CERT_DP_TLS.pem",
                                     "--key",             kPki + "SK_DP_TLS.pem",
                                     "--ci-cert",         kPki + "CERT_CI_ECDSA_NIST.pem",
                                     "--log",             smdp->log_path_.string(),
                                     "--lifetime-s",      "30"};
    argv.insert(argv.end(), extra.begin(), extra.end());
    ESIM_ASSIGN_OR_RETURN(smdp->child_, Child::Spawn(argv, Child::Environment(), smdp->stderr_path_.string()));
    std::optional<std::string> line = smdp->child_->ReadLine(5000ms);
    const std::string prefix = "listening on 127.0.0.1:";
    if (!line || !line->starts_with(prefix)) {
      return Status(ErrorCode::kIo, "test-smdp did not start; stderr: " + smdp->Stderr());
    }
    smdp->port_ = static_cast<uint16_t>(std::stoi(line->substr(prefix.size())));
    return smdp;
  }

  uint16_t port() const { return port_; }
  // "testsmdpplus1.example.com:443:127.0.0.1:PORT": what the client needs to reach this server.
  std::string ConnectTo(const std::string& host = kHost, const std::string& port = "443") const {
    return host + ":" + port + ":127.0.0.1:" + std::to_string(port_);
  }

  // The log lines written so far.
  std::vector<nlohmann::json> Log() const {
    std::vector<nlohmann::json> lines;
    std::ifstream in(log_path_);
    for (std::string line; std::getline(in, line);) {
      if (!line.empty()) lines.push_back(nlohmann::json::parse(line, nullptr, false));
    }
    return lines;
  }
  // Waits up to `timeout` until at least `count` lines are logged (the server logs a request
  // only once its connection is done); returns the lines there are.
  std::vector<nlohmann::json> WaitForLog(size_t count, std::chrono::milliseconds timeout = 3000ms) const {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    auto lines = Log();
    while (lines.size() < count && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(20ms);
      lines = Log();
    }
    return lines;
  }
  std::string Stderr() const {
    std::ifstream in(stderr_path_);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
  }

 private:
  explicit Smdp(const std::filesystem::path& dir) : log_path_(dir / "log.jsonl"), stderr_path_(dir / "smdp.err") {}
  std::filesystem::path log_path_, stderr_path_;
  std::unique_ptr<Child> child_;
  uint16_t port_ = 0;
};

// The exact DER of the virtual eUICC's notification kSeqNumber, signed with the SGP.26 eUICC key
// (so test-smdp verifies signature and chain). Made once per process.
inline Result<Bytes> SignedNotification() {
  static const Result<Bytes> der = []() -> Result<Bytes> {
    TempDir dir;
    if (dir.path().empty()) return Status(ErrorCode::kIo, "cannot create a temp dir");
    std::ifstream in(std::string(ESIM_SOURCE_DIR) + "/vcard/default-state.json");
    nlohmann::json state = nlohmann::json::parse(in, nullptr, false);
    if (!state.is_object()) return Status(ErrorCode::kIo, "cannot read vcard/default-state.json");
    state["eid"] = kEid;
    state["credentials"] = {{"euiccKey", kPki + "SK_EUICC_ECDSA_NIST.pem"},
                            {"euiccCertificate", kPki + "CERT_EUICC_ECDSA_NIST.der"},
                            {"eumCertificate", kPki + "CERT_EUM_ECDSA_NIST.der"}};
    std::string state_path = (dir.path() / "state.json").string();
    std::ofstream(state_path) << state.dump();
    vcard::VirtualEuicc::Options card;
    card.persist = false;
    card.pki_dir = (dir.path() / "pki").string();
    ESIM_ASSIGN_OR_RETURN(auto reader, vcard::OpenVirtualReader(state_path, card));
    ESIM_ASSIGN_OR_RETURN(auto session, CardSession::OnReader(std::move(reader), {}));
    ESIM_ASSIGN_OR_RETURN(es10::PendingNotification notification, RetrieveNotification(*session, kSeqNumber));
    return notification.der;
  }();
  return der;
}

}  // namespace esim::delivery_test

// FakeModem: a scripted modem on a real pseudo-terminal for the AtReader and AtPort tests.
//
// The test process holds the master side; AtReader opens the slave path like a serial port.
// A thread reads command lines and answers them in the V.250 verbose dialect of
// /work/i14-brief.md (echo, OK/ERROR/+CME ERROR, CCHO/CGLA/CCHC/CSIM), with the faults a test
// asks for. The "card" behind it answers every APDU with CLA INS P1 P2 (CLA as the modem sent
// it: its own channel bits) + 9000, knows one AID (the GSMA ISD-R), and has channels 1..3.
//
// Threading: the answering thread is internal; the accessors lock.
#pragma once

#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "common/bytes.h"

namespace esim::testing {

inline constexpr const char* kGsmaIsdr = "A0000005591010FFFFFFFF8900000100";

struct FakeModemConfig {
  bool echo = true;            // echo on at start
  bool sticky_echo = false;    // ignores ATE0
  bool csim_only = false;      // CCHO/CGLA/CCHC (and =?) answer ERROR
  bool no_csim = false;        // CSIM=? answers ERROR too
  bool ccho_plain = false;     // bare "<sid>" line
  int session_offset = 0;      // sid = channel + offset
  bool stale_channels = false; // channels 1..3 open at start
  size_t line_limit = 0;       // longer lines → ERROR
  bool urcs = false;           // unsolicited lines around every answer
  bool split = false;          // answers in 3-byte pieces
  int late_apdu = 0;           // the K-th APDU command is answered after late_ms
  int late_ms = 0;
  int hangup_apdu = 0;         // at the K-th APDU command the master closes (no answer)
  int error_apdu = 0;          // the K-th APDU command answers a plain ERROR
  int junk_at = 0;             // the first N "AT"/"ATE0" commands answer ERROR (junk pending)
  bool stale_answer = false;   // the first "AT"/"ATE0" meets a killed program's late +CGLA answer first
  int answer_delay_ms = 0;     // every command takes this long (each answer read on its own)
};

class FakeModem {
 public:
  explicit FakeModem(FakeModemConfig config) : config_(config) {
    master_ = ::posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
    ::grantpt(master_);
    ::unlockpt(master_);
    path_ = ::ptsname(master_);
    // Kept open so the master never sees EIO when the reader closes the port.
    slave_ = ::open(path_.c_str(), O_RDWR | O_NOCTTY | O_CLOEXEC);
    echo_ = config.echo;
    if (config.stale_channels) {
      for (int c = 1; c <= 3; ++c) channels_[c] = true;
    }
    thread_ = std::thread([this] { Run(); });
  }
  ~FakeModem() {
    stop_ = true;
    thread_.join();
    if (master_ >= 0) ::close(master_);
    ::close(slave_);
  }
  const std::string& path() const { return path_; }
  std::vector<std::string> Received() {
    std::lock_guard<std::mutex> lock(mutex_);
    return received_;
  }
  bool ReceivedLine(const std::string& line) {
    for (const std::string& l : Received()) {
      if (l == line) return true;
    }
    return false;
  }
  // Waits (bounded) until `line` was received.
  bool WaitFor(const std::string& line, int ms = 2000) {
    for (int i = 0; i < ms / 5; ++i) {
      if (ReceivedLine(line)) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return false;
  }

 private:
  void Write(const std::string& data) {
    if (!config_.split) {
      (void)!::write(master_, data.data(), data.size());
      return;
    }
    for (size_t i = 0; i < data.size(); i += 3) {
      (void)!::write(master_, data.data() + i, std::min<size_t>(3, data.size() - i));
      std::this_thread::sleep_for(std::chrono::microseconds(300));
    }
  }
  void Line(const std::string& text) { Write("\r\n" + text + "\r\n"); }
  void Urc() {
    static const char* kUrcs[] = {"+CREG: 1", "RING", "+QIND: \"csq\",20,99", "+CSQ: 20,99"};
    if (config_.urcs) Line(kUrcs[urc_++ % 4]);
  }

  int Sid(int channel) const { return channel + config_.session_offset; }
  int ChannelFor(int sid) const {
    int c = sid - config_.session_offset;
    auto it = channels_.find(c);
    return it != channels_.end() && it->second ? c : -1;
  }

  std::string Card(const Bytes& apdu, int channel) {
    Bytes out;
    if (apdu.size() >= 4 && apdu[1] == 0x70 && apdu[2] == 0x00) {  // CSIM MANAGE CHANNEL open
      for (int c = 1; c <= 3; ++c) {
        if (!channels_[c]) {
          channels_[c] = true;
          return ToHex(Bytes{static_cast<uint8_t>(c), 0x90, 0x00});
        }
      }
      return "6A81";
    }
    if (apdu.size() >= 4 && apdu[1] == 0x70 && apdu[2] == 0x80) {
      channels_[apdu[3]] = false;
      return "9000";
    }
    uint8_t cla = apdu[0];
    if (channel >= 0) cla = static_cast<uint8_t>((cla & ~0x03) | channel);
    out = {cla, apdu[1], apdu[2], apdu[3], 0x90, 0x00};
    return ToHex(out);
  }

  void Handle(const std::string& line) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      received_.push_back(line);
    }
    if (config_.answer_delay_ms > 0) {
      std::this_thread::sleep_for(std::chrono::milliseconds(config_.answer_delay_ms));
    }
    Urc();
    if (echo_) Write(line + "\r");
    Urc();
    auto ok = [&] { Line("OK"); };
    auto error = [&] { Line("ERROR"); };
    auto cme = [&] { Line("+CME ERROR: 100"); };
    if (config_.line_limit != 0 && line.size() > config_.line_limit) return error();
    const bool cgla = !config_.csim_only;
    if (line == "AT" || line == "ATE0") {
      if (config_.stale_answer && !stale_sent_) {
        // Busy finishing the killed program's command: its answer comes first, ours a bit later.
        stale_sent_ = true;
        Line("+CGLA: 4,\"9000\"");
        ok();
        std::this_thread::sleep_for(std::chrono::milliseconds(8));
      }
      if (junk_left_ > 0) {
        --junk_left_;
        return error();
      }
      if (line == "ATE0" && !config_.sticky_echo) echo_ = false;
      return ok();
    }
    if (line == "AT+CCHO=?" || line == "AT+CGLA=?" || line == "AT+CCHC=?") return cgla ? ok() : error();
    if (line == "AT+CSIM=?") return config_.no_csim ? error() : ok();
    if (line.rfind("AT+CCHO=\"", 0) == 0) {
      if (!cgla) return error();
      std::string aid = line.substr(9, line.size() - 10);
      if (aid != kGsmaIsdr) return cme();
      for (int c = 1; c <= 3; ++c) {
        if (!channels_[c]) {
          channels_[c] = true;
          Line(config_.ccho_plain ? std::to_string(Sid(c)) : "+CCHO: " + std::to_string(Sid(c)));
          Urc();
          return ok();
        }
      }
      return cme();
    }
    if (line.rfind("AT+CCHC=", 0) == 0) {
      if (!cgla) return error();
      int c = ChannelFor(std::atoi(line.c_str() + 8));
      if (c < 0) return cme();
      channels_[c] = false;
      return ok();
    }
    const bool is_cgla = line.rfind("AT+CGLA=", 0) == 0;
    const bool is_csim = line.rfind("AT+CSIM=", 0) == 0;
    if (is_cgla || is_csim) {
      if (is_cgla && !cgla) return error();
      ++apdus_;
      int channel = -1;
      std::string rest = line.substr(8);
      if (is_cgla) {
        channel = ChannelFor(std::atoi(rest.c_str()));
        if (channel < 0) return cme();
        rest = rest.substr(rest.find(',') + 1);
      }
      std::string hex = rest.substr(rest.find('"') + 1);
      hex.pop_back();
      Bytes apdu = FromHex(hex).value();
      if (apdus_ == config_.hangup_apdu) {
        ::close(master_);
        master_ = -1;
        return;
      }
      if (apdus_ == config_.error_apdu) return error();
      if (apdus_ == config_.late_apdu) {
        std::this_thread::sleep_for(std::chrono::milliseconds(config_.late_ms));
      }
      std::string answer = Card(apdu, channel);
      Line(std::string(is_cgla ? "+CGLA: " : "+CSIM: ") + std::to_string(answer.size()) + ",\"" + answer + "\"");
      Urc();
      return ok();
    }
    error();
  }

  void Run() {
    std::string buffer;
    junk_left_ = config_.junk_at;
    while (!stop_ && master_ >= 0) {
      pollfd p{master_, POLLIN, 0};
      if (::poll(&p, 1, 10) <= 0) continue;
      char chunk[4096];
      ssize_t n = ::read(master_, chunk, sizeof chunk);
      if (n <= 0) continue;
      buffer.append(chunk, static_cast<size_t>(n));
      size_t end;
      while (master_ >= 0 && (end = buffer.find('\r')) != std::string::npos) {
        std::string line = buffer.substr(0, end);
        buffer.erase(0, end + 1);
        if (!line.empty() && line[0] == '\n') line.erase(0, 1);
        if (!line.empty()) Handle(line);
      }
    }
  }

  FakeModemConfig config_;
  int master_ = -1;
  int slave_ = -1;
  std::string path_;
  bool echo_ = true;
  int urc_ = 0;
  int apdus_ = 0;
  int junk_left_ = 0;
  bool stale_sent_ = false;
  std::map<int, bool> channels_;
  std::mutex mutex_;
  std::vector<std::string> received_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

}  // namespace esim::testing

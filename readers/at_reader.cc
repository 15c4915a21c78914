#include "readers/at_reader.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstring>
#include <map>
#include <set>
#include <thread>

#include "readers/at_port.h"

namespace esim {
namespace {

constexpr uint8_t kInsManageChannel = 0x70;
constexpr uint8_t kInsSelect = 0xA4;
constexpr size_t kMinCommandSize = 5 + 1 + 16;  // a SELECT by the longest AID
constexpr int kMaxChannels = 20;
// After the first OK at Open: how long the port stays quiet before the probes start (a modem
// answers AT in a few ms once it is free; the cost of every Open, in docs/performance.md).
constexpr int kSyncQuietMs = 25;

// ---- Signal-time cleanup: the CCHO sessions open in this process, as fd/sid pairs a signal
// handler can read (plain ints, written before they are published). ----
constexpr int kSlots = 32;
struct Slot {
  std::atomic<int> fd{-1};
  std::atomic<int> sid{-1};
};
Slot g_slots[kSlots];
struct sigaction g_previous[3];
constexpr int kSignals[3] = {SIGINT, SIGTERM, SIGHUP};
std::atomic<bool> g_installed{false};

void WriteCchc(int fd, int sid) {
  char line[32] = "AT+CCHC=";
  size_t n = std::strlen(line);
  char digits[12];
  int d = 0;
  unsigned v = static_cast<unsigned>(sid);
  do {
    digits[d++] = static_cast<char>('0' + v % 10);
    v /= 10;
  } while (v != 0 && d < 11);
  while (d > 0) line[n++] = digits[--d];
  line[n++] = '\r';
  (void)!::write(fd, line, n);
}

void OnSignal(int sig) {
  for (Slot& slot : g_slots) {
    const int fd = slot.fd.load();
    const int sid = slot.sid.load();
    if (fd >= 0 && sid >= 0) WriteCchc(fd, sid);
  }
  for (int i = 0; i < 3; ++i) {
    if (kSignals[i] == sig) ::sigaction(sig, &g_previous[i], nullptr);
  }
  ::raise(sig);
}

void InstallSignalCleanup() {
  if (g_installed.exchange(true)) return;
  for (int i = 0; i < 3; ++i) {
    struct sigaction current {};
    ::sigaction(kSignals[i], nullptr, &current);
    g_previous[i] = current;
    if (current.sa_handler == SIG_IGN) continue;  // e.g. SIGHUP under nohup: leave it ignored
    struct sigaction ours {};
    ours.sa_handler = OnSignal;
    sigemptyset(&ours.sa_mask);
    ours.sa_flags = SA_RESETHAND;
    ::sigaction(kSignals[i], &ours, nullptr);
  }
}

void Publish(int fd, int sid) {
  for (Slot& slot : g_slots) {
    int expected = -1;
    if (slot.sid.load() == -1 && slot.fd.compare_exchange_strong(expected, fd)) {
      slot.sid.store(sid);
      return;
    }
  }
}

void Unpublish(int fd, int sid) {
  for (Slot& slot : g_slots) {
    if (slot.fd.load() == fd && slot.sid.load() == sid) {
      slot.sid.store(-1);
      slot.fd.store(-1);
    }
  }
}

// The channel number coded in a CLA byte (ISO 7816-4: first and further interindustry).
int ChannelOf(uint8_t cla) {
  if (cla & 0x40) return 4 + (cla & 0x0F);
  return cla & 0x03;
}

// The length of "AT+CGLA=<sid>,<2n>,"<hex>"" (or AT+CSIM=<2n>,"<hex>") for an n-byte APDU.
size_t LineLength(const std::string& prefix, size_t n) {
  return prefix.size() + std::to_string(2 * n).size() + 2 + 2 * n + 1;
}

// The largest APDU whose line is at most `line` characters long.
size_t ApduForLine(const std::string& prefix, size_t line) {
  size_t n = line / 2;
  while (n > 0 && LineLength(prefix, n) > line) --n;
  return n;
}

// Parses "+CGLA: <len>,"<hex>"" (quotes optional) into bytes.
Result<Bytes> ParseHexAnswer(const std::string& info, const std::string& what) {
  const size_t colon = info.find(':');
  const size_t comma = info.find(',', colon == std::string::npos ? 0 : colon);
  if (colon == std::string::npos || comma == std::string::npos) {
    return Status(ErrorCode::kReaderError, "the modem's " + what + " answer is malformed");
  }
  std::string len_text = info.substr(colon + 1, comma - colon - 1);
  len_text.erase(0, len_text.find_first_not_of(' '));
  std::string hex = info.substr(comma + 1);
  hex.erase(0, hex.find_first_not_of(' '));
  while (!hex.empty() && (hex.back() == ' ')) hex.pop_back();
  if (hex.size() >= 2 && hex.front() == '"' && hex.back() == '"') hex = hex.substr(1, hex.size() - 2);
  size_t length = 0;
  try {
    length = std::stoul(len_text);
  } catch (...) {
    return Status(ErrorCode::kReaderError, "the modem's " + what + " answer has no length");
  }
  if (length != hex.size()) {
    return Status(ErrorCode::kReaderError, "the modem's " + what + " answer announces " +
                                               std::to_string(length) + " hex characters but carries " +
                                               std::to_string(hex.size()));
  }
  Result<Bytes> bytes = FromHex(hex);
  if (!bytes.ok() || bytes.value().size() < 2) {
    return Status(ErrorCode::kReaderError, "the modem's " + what + " answer is not an R-APDU");
  }
  return bytes;
}

Status BasicChannelRefused() {
  return Status(ErrorCode::kReaderError,
                "over a modem esimctl works on a logical channel (the modem's telephony stack "
                "owns the basic channel); this command was addressed to the basic channel");
}

// A command on a logical channel this port does not have open. One lost with the port (the
// modem reset, or the port was reopened) is the card's reset as the session sees it.
Status ChannelNotOpen(int channel, bool lost) {
  if (lost) {
    return Status(ErrorCode::kCardRemoved,
                  "logical channel " + std::to_string(channel) +
                      " was lost: the modem reset or its port was reopened since it was opened");
  }
  return Status(ErrorCode::kReaderError, "logical channel " + std::to_string(channel) + " is not open");
}

}  // namespace

struct AtReader::Impl {
  std::string device;
  AtReaderOptions options;
  std::unique_ptr<AtPort> port;
  bool cgla = true;
  std::set<int> open_channels;   // channel numbers handed out (CGLA mode)
  std::set<int> lost_channels;   // handed out before the port closed, not handed out since
  std::map<int, int> sessions;   // channel -> modem session id (CGLA mode)
  size_t max_command = static_cast<size_t>(-1);
  size_t longest_accepted_line = 0;
  bool stale_retry_done = false;

  ~Impl() { CloseAll(); }

  void CloseAll() {
    if (!port) return;
    for (const auto& [channel, sid] : sessions) {
      Unpublish(port->fd(), sid);
      (void)port->Command("AT+CCHC=" + std::to_string(sid), "", options.probe_timeout_ms);
    }
    sessions.clear();
    LoseChannels();
    port.reset();
  }

  // The port went away: every channel handed out is gone with it.
  void LoseChannels() {
    lost_channels.insert(open_channels.begin(), open_channels.end());
    open_channels.clear();
  }

  Status Setup() {
    ESIM_ASSIGN_OR_RETURN(port, AtPort::Open(device, options.baud));
    // A modem may have junk pending or be busy finishing something: a few tries. ATE0 (echo off)
    // is the liveness probe itself, one exchange less on every Open; a modem that refuses it
    // gets a plain AT last (echoes are skipped anyway).
    Status last;
    bool alive = false;
    for (int attempt = 0; attempt < 3 && !alive; ++attempt) {
      Result<AtAnswer> answer = port->Command(attempt < 2 ? "ATE0" : "AT", "", options.probe_timeout_ms);
      if (answer.ok() && answer.value().ok()) alive = true;
      else if (!answer.ok()) last = answer.status();
      if (!answer.ok() && answer.status().code() == ErrorCode::kCardRemoved) break;
    }
    if (!alive) {
      return Status(ErrorCode::kReaderError,
                    device + " does not answer AT like a modem" + (last.ok() ? "" : ": " + last.message()));
    }
    // That OK may be the late answer to a command of a program killed while it waited (one at
    // most: a program waits for each answer): then ours follows within a modem's AT time. Read
    // up to a short quiet gap so the probes below each get their own answer, not the previous.
    port->Drain(kSyncQuietMs, static_cast<int>(options.probe_timeout_ms));
    auto supported = [&](const std::string& test) -> Result<bool> {
      ESIM_ASSIGN_OR_RETURN(AtAnswer a, port->Command(test, "", options.probe_timeout_ms));
      return a.ok();
    };
    cgla = false;
    if (options.allow_cgla) {
      // TS 27.007 defines CCHO, CGLA and CCHC together: CCHC is not probed (a modem that has the
      // first two has it, and its answer is never relied on: CloseSession ignores it).
      ESIM_ASSIGN_OR_RETURN(bool ccho, supported("AT+CCHO=?"));
      ESIM_ASSIGN_OR_RETURN(bool cgla_ok, ccho ? supported("AT+CGLA=?") : Result<bool>(false));
      cgla = ccho && cgla_ok;
    }
    if (!cgla) {
      ESIM_ASSIGN_OR_RETURN(bool csim, supported("AT+CSIM=?"));
      if (!csim) {
        return Status(ErrorCode::kReaderError,
                      "the modem on " + device + " offers neither AT+CGLA nor AT+CSIM");
      }
    }
    InstallSignalCleanup();
    return Status::Ok();
  }

  // Sends one APDU line and learns the line limit from a plain ERROR.
  Result<Bytes> SendApdu(const std::string& prefix, const std::string& info, ByteView command) {
    const std::string hex = ToHex(command);
    const std::string line = prefix + std::to_string(hex.size()) + ",\"" + hex + "\"";
    ESIM_ASSIGN_OR_RETURN(AtAnswer answer, port->Command(line, info, options.command_timeout_ms));
    const std::string what = prefix.substr(0, prefix.find('='));
    if (answer.ok()) {
      longest_accepted_line = std::max(longest_accepted_line, line.size());
      if (answer.info.empty()) {
        return Status(ErrorCode::kReaderError, "the modem answered OK to " + what + " without data");
      }
      return ParseHexAnswer(answer.info.back(), what);
    }
    if (answer.final == AtAnswer::Final::kError && line.size() > longest_accepted_line &&
        command.size() > kMinCommandSize) {
      // Read as the modem's line limit: nothing reached the card.
      size_t fits = std::max(ApduForLine(prefix, longest_accepted_line), command.size() / 2);
      fits = std::max(fits, kMinCommandSize);
      fits = std::min(fits, command.size() - 1);
      max_command = std::min(max_command, fits);
      return Status(ErrorCode::kReaderError,
                    "the modem refused a " + std::to_string(line.size()) +
                        "-character command line (its line limit); commands are now limited to " +
                        std::to_string(max_command) + " bytes");
    }
    return Status(ErrorCode::kReaderError, "the modem answered " + answer.final_line + " to " + what +
                                               " (the card may or may not have executed the command)");
  }

  Result<Bytes> OpenSession(int channel, ByteView aid) {
    const std::string line = "AT+CCHO=\"" + ToHex(aid) + "\"";
    ESIM_ASSIGN_OR_RETURN(AtAnswer answer, port->Command(line, "+CCHO", options.probe_timeout_ms * 4, true));
    if (!answer.ok() && !stale_retry_done) {
      // Perhaps no free channel: a crashed LPA left sessions open. Close 1..4 (not ours) once.
      stale_retry_done = true;
      std::set<int> ours;
      for (const auto& entry : sessions) ours.insert(entry.second);
      for (int sid = 1; sid <= 4; ++sid) {
        if (ours.count(sid) == 0) {
          ESIM_RETURN_IF_ERROR(port->Command("AT+CCHC=" + std::to_string(sid), "", options.probe_timeout_ms).status());
        }
      }
      ESIM_ASSIGN_OR_RETURN(answer, port->Command(line, "+CCHO", options.probe_timeout_ms * 4, true));
    }
    if (!answer.ok()) return Bytes{0x6A, 0x82};  // the locator tries the next AID
    if (answer.info.empty()) {
      return Status(ErrorCode::kReaderError, "the modem answered OK to AT+CCHO without a session id");
    }
    std::string text = answer.info.back();
    if (text.rfind("+CCHO", 0) == 0) text = text.substr(text.find(':') + 1);
    int sid = -1;
    try {
      sid = std::stoi(text);
    } catch (...) {
    }
    if (sid < 0) return Status(ErrorCode::kReaderError, "the modem's AT+CCHO answer is malformed");
    longest_accepted_line = std::max(longest_accepted_line, line.size());
    sessions[channel] = sid;
    Publish(port->fd(), sid);
    return Bytes{0x90, 0x00};
  }

  Status CloseSession(int channel) {
    auto it = sessions.find(channel);
    if (it == sessions.end()) return Status::Ok();
    const int sid = it->second;
    sessions.erase(it);
    Unpublish(port->fd(), sid);
    ESIM_ASSIGN_OR_RETURN(AtAnswer answer, port->Command("AT+CCHC=" + std::to_string(sid), "", options.probe_timeout_ms));
    (void)answer;  // a session the modem already forgot is closed all the same
    return Status::Ok();
  }

  Result<Bytes> TransmitCgla(ByteView command) {
    const uint8_t ins = command[1], p1 = command[2], p2 = command[3];
    const int channel = ChannelOf(command[0]);
    if (ins == kInsManageChannel && p1 == 0x00) {
      int number = p2;
      if (number == 0) {
        for (number = 1; number < kMaxChannels && open_channels.count(number); ++number) {
        }
        if (number >= kMaxChannels) return Bytes{0x6A, 0x81};
      } else if (open_channels.count(number)) {
        return Bytes{0x6A, 0x81};
      }
      open_channels.insert(number);
      lost_channels.erase(number);
      if (p2 == 0) return Bytes{static_cast<uint8_t>(number), 0x90, 0x00};
      return Bytes{0x90, 0x00};
    }
    if (ins == kInsManageChannel && p1 == 0x80) {
      const int number = p2 != 0 ? p2 : channel;
      ESIM_RETURN_IF_ERROR(CloseSession(number));
      open_channels.erase(number);
      return Bytes{0x90, 0x00};
    }
    if (channel == 0) return BasicChannelRefused();
    if (open_channels.count(channel) == 0) return ChannelNotOpen(channel, lost_channels.count(channel) != 0);
    if (ins == kInsSelect && p1 == 0x04 && command.size() >= 5) {
      const size_t lc = command[4];
      if (lc == 0 || command.size() < 5 + lc) {
        return Status(ErrorCode::kReaderError, "SELECT by AID without an AID cannot go to AT+CCHO");
      }
      ESIM_RETURN_IF_ERROR(CloseSession(channel));
      return OpenSession(channel, command.subspan(5, lc));
    }
    auto it = sessions.find(channel);
    if (it == sessions.end()) {
      return Status(ErrorCode::kReaderError,
                    "over a modem a logical channel reaches the card only after SELECT by AID (AT+CCHO)");
    }
    return SendApdu("AT+CGLA=" + std::to_string(it->second) + ",", "+CGLA", command);
  }

  Result<Bytes> TransmitCsim(ByteView command) {
    if (ChannelOf(command[0]) == 0 && command[1] != kInsManageChannel) return BasicChannelRefused();
    return SendApdu("AT+CSIM=", "+CSIM", command);
  }
};

AtReader::AtReader(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

AtReader::~AtReader() = default;

Result<std::unique_ptr<AtReader>> AtReader::Open(const std::string& device, AtReaderOptions options) {
  auto impl = std::make_unique<Impl>();
  impl->device = device;
  impl->options = options;
  ESIM_RETURN_IF_ERROR(impl->Setup());
  return std::make_unique<AtReader>(std::move(impl));
}

Result<Bytes> AtReader::Transmit(ByteView command) {
  if (!impl_->port) {
    return Status(ErrorCode::kCardRemoved, "the modem's port " + impl_->device + " is closed");
  }
  if (command.size() < 4) {
    return Status(ErrorCode::kReaderError, "a C-APDU needs at least 4 bytes");
  }
  Result<Bytes> answer = impl_->cgla ? impl_->TransmitCgla(command) : impl_->TransmitCsim(command);
  if (!answer.ok() && answer.status().code() == ErrorCode::kCardRemoved) {
    // The port is gone: its sessions went with it.
    for (const auto& [channel, sid] : impl_->sessions) Unpublish(impl_->port->fd(), sid);
    impl_->sessions.clear();
    impl_->LoseChannels();
  }
  return answer;
}

Bytes AtReader::Atr() const { return {}; }

std::string AtReader::Name() const { return "at:" + impl_->device; }

Status AtReader::Reconnect(bool /*reset*/) {
  impl_->CloseAll();
  impl_->stale_retry_done = false;
  // A modem that reset re-creates its device: wait for it to come back (up to ~5 s).
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  Status last;
  for (;;) {
    last = impl_->Setup();
    if (last.ok()) return last;
    impl_->port.reset();
    if (last.code() == ErrorCode::kReaderBusy || std::chrono::steady_clock::now() >= deadline) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return last;
}

size_t AtReader::MaxCommandSize() const { return impl_->max_command; }

std::string AtReader::Mode() const { return impl_->cgla ? "cgla" : "csim"; }

}  // namespace esim

// pcsc_wait: waits, bounded, until pcscd reaches a state; the rig's start-up barrier.
//
//   pcsc_wait [--timeout-ms N] [--reader SUBSTR] --service|--reader-present|--present|--empty|--free
//   pcsc_wait --list
//
//   --service         pcscd answers (a context can be established)
//   --reader-present  at least one reader (matching --reader) exists
//   --present         a card is present in the reader (the first one matching --reader)
//   --empty           no card in that reader (after a card left, before starting the next)
//   --free            a card is present and no program holds it exclusively (pcscd notices a
//                     killed holder's closed socket a little after the kill)
//   --list            prints every reader with its state, like a one-shot pcsc_scan
//
// Uses plain pcsc-lite (no esimctl code) so the rig keeps working when esimctl does not build.
// Honours PCSCLITE_CSOCK_NAME. Exit: 0 reached, 1 timed out or failed (says why), 2 usage.

#include <PCSC/winscard.h>
#include <PCSC/pcsclite.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

struct Args {
  std::string mode;
  std::string reader;  // substring; empty = any
  long timeout_ms = 10000;
};

long MsLeft(Clock::time_point deadline) {
  const auto left =
      std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
  return left > 0 ? static_cast<long>(left) : 0;
}

void Pause() { std::this_thread::sleep_for(std::chrono::milliseconds(20)); }

std::vector<std::string> Readers(SCARDCONTEXT ctx, LONG* rv) {
  DWORD size = 0;
  *rv = SCardListReaders(ctx, nullptr, nullptr, &size);
  if (*rv != SCARD_S_SUCCESS) return {};
  std::string buffer(size, '\0');
  *rv = SCardListReaders(ctx, nullptr, buffer.data(), &size);
  if (*rv != SCARD_S_SUCCESS) return {};
  std::vector<std::string> names;
  for (size_t pos = 0; pos < buffer.size() && buffer[pos] != '\0';) {
    const size_t end = buffer.find('\0', pos);
    names.push_back(buffer.substr(pos, end - pos));
    pos = end + 1;
  }
  return names;
}

std::string Matching(const std::vector<std::string>& readers, const std::string& substr) {
  for (const std::string& r : readers) {
    if (substr.empty() || r.find(substr) != std::string::npos) return r;
  }
  return "";
}

std::string StateText(DWORD s) {
  std::string out;
  const std::pair<DWORD, const char*> names[] = {
      {SCARD_STATE_UNKNOWN, "UNKNOWN"},     {SCARD_STATE_UNAVAILABLE, "UNAVAILABLE"},
      {SCARD_STATE_EMPTY, "EMPTY"},         {SCARD_STATE_PRESENT, "PRESENT"},
      {SCARD_STATE_EXCLUSIVE, "EXCLUSIVE"}, {SCARD_STATE_INUSE, "INUSE"},
      {SCARD_STATE_MUTE, "MUTE"},           {SCARD_STATE_UNPOWERED, "UNPOWERED"}};
  for (const auto& [bit, name] : names) {
    if (s & bit) out += out.empty() ? name : std::string(" ") + name;
  }
  return out;
}

int List(SCARDCONTEXT ctx) {
  LONG rv = 0;
  std::vector<std::string> readers = Readers(ctx, &rv);
  if (rv != SCARD_S_SUCCESS) {
    std::printf("no readers (%s)\n", pcsc_stringify_error(rv));
    return rv == SCARD_E_NO_READERS_AVAILABLE ? 0 : 1;
  }
  for (size_t i = 0; i < readers.size(); ++i) {
    SCARD_READERSTATE rs{};
    rs.szReader = readers[i].c_str();
    rs.dwCurrentState = SCARD_STATE_UNAWARE;
    SCardGetStatusChange(ctx, 0, &rs, 1);
    std::string atr;
    for (DWORD j = 0; j < rs.cbAtr && j < sizeof rs.rgbAtr; ++j) {
      char hex[3];
      std::snprintf(hex, sizeof hex, "%02X", rs.rgbAtr[j]);
      atr += hex;
    }
    std::printf("%zu: %s: %s%s%s\n", i, readers[i].c_str(), StateText(rs.dwEventState).c_str(),
                atr.empty() ? "" : " ATR ", atr.c_str());
  }
  return 0;
}

int Usage() {
  std::fprintf(stderr,
               "usage: pcsc_wait [--timeout-ms N] [--reader SUBSTR] "
               "--service|--reader-present|--present|--empty|--free\n"
               "       pcsc_wait --list\n");
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  Args args;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--timeout-ms" && i + 1 < argc) {
      args.timeout_ms = std::stol(argv[++i]);
    } else if (a == "--reader" && i + 1 < argc) {
      args.reader = argv[++i];
    } else if (a == "--service" || a == "--reader-present" || a == "--present" || a == "--empty" ||
               a == "--free" || a == "--list") {
      args.mode = a;
    } else {
      return Usage();
    }
  }
  if (args.mode.empty()) return Usage();
  const auto deadline = Clock::now() + std::chrono::milliseconds(args.timeout_ms);

  // pcscd may still be starting: keep trying to establish a context until the deadline.
  SCARDCONTEXT ctx = 0;
  LONG rv = 0;
  for (;;) {
    rv = SCardEstablishContext(SCARD_SCOPE_SYSTEM, nullptr, nullptr, &ctx);
    if (rv == SCARD_S_SUCCESS) break;
    if (MsLeft(deadline) == 0) {
      std::fprintf(stderr, "pcsc_wait: pcscd does not answer: %s\n", pcsc_stringify_error(rv));
      return 1;
    }
    Pause();
  }
  int result = 1;
  if (args.mode == "--service") {
    result = 0;
  } else if (args.mode == "--list") {
    result = List(ctx);
  } else {
    // A reader is needed for every other mode; readers come up shortly after pcscd.
    std::string reader;
    for (;;) {
      std::vector<std::string> readers = Readers(ctx, &rv);
      reader = Matching(readers, args.reader);
      if (!reader.empty() || MsLeft(deadline) == 0) break;
      Pause();
    }
    if (reader.empty()) {
      std::fprintf(stderr, "pcsc_wait: no reader%s%s appeared (%s)\n",
                   args.reader.empty() ? "" : " matching ", args.reader.c_str(),
                   pcsc_stringify_error(rv));
    } else if (args.mode == "--reader-present") {
      result = 0;
    } else {
      auto reached = [&](DWORD state) {
        if (args.mode == "--empty") return (state & SCARD_STATE_EMPTY) != 0;
        if (args.mode == "--free") return (state & SCARD_STATE_PRESENT) && !(state & SCARD_STATE_EXCLUSIVE);
        return (state & SCARD_STATE_PRESENT) != 0;
      };
      SCARD_READERSTATE rs{};
      rs.szReader = reader.c_str();
      rs.dwCurrentState = SCARD_STATE_UNAWARE;
      for (;;) {
        rv = SCardGetStatusChange(ctx, static_cast<DWORD>(MsLeft(deadline)), &rs, 1);
        if (rv == SCARD_S_SUCCESS && reached(rs.dwEventState)) {
          result = 0;
          break;
        }
        if ((rv != SCARD_S_SUCCESS && rv != SCARD_E_TIMEOUT) || MsLeft(deadline) == 0) {
          std::fprintf(stderr, "pcsc_wait: %s: waited for %s, state is %s (%s)\n", reader.c_str(),
                       args.mode.c_str() + 2, StateText(rs.dwEventState).c_str(),
                       pcsc_stringify_error(rv));
          break;
        }
        rs.dwCurrentState = rs.dwEventState & ~static_cast<DWORD>(SCARD_STATE_CHANGED);
      }
    }
  }
  SCardReleaseContext(ctx);
  return result;
}

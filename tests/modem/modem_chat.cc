// modem-chat: a tiny AT client for esimctl-modemsim's smoke test (no expect, no python).
//
//   modem-chat PORT [--timeout-ms N] [--exclusive] COMMAND...
//
// Opens PORT raw, and for each COMMAND writes COMMAND + "\r" and prints every non-empty line
// that comes back (the echo included), one per output line, up to and including the final
// result (OK, ERROR, +CME ERROR: n). Exit 0 when every command got its final result, 3 when one
// got none within the timeout (default 3000 ms; "TIMEOUT" printed), 4 when the port closed
// ("EOF" printed), 2 on usage, 1 when the port cannot be opened. --exclusive: TIOCEXCL on the
// port, as esimctl's AT reader does.
//
// Threading: single-threaded program.
#include <fcntl.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

namespace {

bool IsFinal(const std::string& line) {
  return line == "OK" || line == "ERROR" || line.rfind("+CME ERROR:", 0) == 0;
}

// Reads lines until a final result; 0 done, 3 timeout, 4 EOF.
int AwaitFinal(int fd, int timeout_ms, std::string& pending) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  for (;;) {
    size_t end;
    while ((end = pending.find_first_of("\r\n")) != std::string::npos) {
      std::string line = pending.substr(0, end);
      pending.erase(0, end + 1);
      if (line.empty()) continue;
      std::printf("%s\n", line.c_str());
      if (IsFinal(line)) return 0;
    }
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      std::printf("TIMEOUT\n");
      return 3;
    }
    pollfd p{fd, POLLIN, 0};
    int r = poll(&p, 1, static_cast<int>(left.count()));
    if (r <= 0) continue;
    char buffer[4096];
    ssize_t n = read(fd, buffer, sizeof buffer);
    if (n <= 0) {
      std::printf("EOF\n");
      return 4;
    }
    pending.append(buffer, static_cast<size_t>(n));
  }
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty()) {
    std::fprintf(stderr, "usage: modem-chat PORT [--timeout-ms N] COMMAND...\n");
    return 2;
  }
  const std::string port = args[0];
  int timeout_ms = 3000;
  bool exclusive = false;
  std::vector<std::string> commands;
  for (size_t i = 1; i < args.size(); ++i) {
    if (args[i] == "--timeout-ms" && i + 1 < args.size()) {
      timeout_ms = std::stoi(args[++i]);
    } else if (args[i] == "--exclusive") {
      exclusive = true;
    } else {
      commands.push_back(args[i]);
    }
  }
  int fd = open(port.c_str(), O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (fd < 0) {
    std::fprintf(stderr, "modem-chat: %s: %s\n", port.c_str(), std::strerror(errno));
    return 1;
  }
  if (exclusive) ioctl(fd, TIOCEXCL);
  termios tio{};
  if (tcgetattr(fd, &tio) == 0) {
    cfmakeraw(&tio);
    tcsetattr(fd, TCSANOW, &tio);
  }
  std::string pending;
  for (const std::string& command : commands) {
    const std::string line = command + "\r";
    if (write(fd, line.data(), line.size()) != static_cast<ssize_t>(line.size())) {
      std::printf("EOF\n");
      return 4;
    }
    if (int rc = AwaitFinal(fd, timeout_ms, pending); rc != 0) return rc;
  }
  close(fd);
  return 0;
}

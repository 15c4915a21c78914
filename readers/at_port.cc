#include "readers/at_port.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>

namespace esim {
namespace {

using Clock = std::chrono::steady_clock;

speed_t SpeedFor(uint32_t baud) {
  switch (baud) {
    case 9600: return B9600;
    case 19200: return B19200;
    case 38400: return B38400;
    case 57600: return B57600;
    case 230400: return B230400;
    case 460800: return B460800;
    case 921600: return B921600;
    case 1000000: return B1000000;
    case 3000000: return B3000000;
    case 4000000: return B4000000;
    default: return B115200;
  }
}

int MsLeft(Clock::time_point deadline) {
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
  return left < 0 ? 0 : static_cast<int>(left);
}

bool IsDigits(const std::string& s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

Status HangUp(const std::string& path) {
  return Status(ErrorCode::kCardRemoved,
                "the modem's port " + path + " closed (the modem reset or was unplugged)");
}

}  // namespace

Result<std::unique_ptr<AtPort>> AtPort::Open(const std::string& path, uint32_t baud) {
  int fd = ::open(path.c_str(), O_RDWR | O_NOCTTY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) {
    const int err = errno;
    if (err == ENOENT || err == ENODEV || err == ENXIO) {
      return Status(ErrorCode::kReaderNotFound, "no serial port " + path);
    }
    if (err == EBUSY) {
      return Status(ErrorCode::kReaderBusy,
                    path + " is in exclusive use by another program (ModemManager, a PPP daemon?)");
    }
    return Status(ErrorCode::kReaderError, "cannot open " + path + ": " + std::strerror(err));
  }
  auto port = std::unique_ptr<AtPort>(new AtPort(fd, path));
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    if (errno == EWOULDBLOCK) {
      return Status(ErrorCode::kReaderBusy, path + " is locked by another program");
    }
    return Status(ErrorCode::kReaderError, "cannot lock " + path + ": " + std::strerror(errno));
  }
  termios tio{};
  if (::tcgetattr(fd, &tio) != 0) {
    return Status(ErrorCode::kReaderError, path + " is not a serial port: " + std::strerror(errno));
  }
  ::cfmakeraw(&tio);
  tio.c_cflag |= CLOCAL | CREAD;
  tio.c_cflag &= ~CRTSCTS;
  tio.c_iflag &= ~(IXON | IXOFF | IXANY);
  tio.c_cc[VMIN] = 1;
  tio.c_cc[VTIME] = 0;
  ::cfsetispeed(&tio, SpeedFor(baud));
  ::cfsetospeed(&tio, SpeedFor(baud));
  if (::tcsetattr(fd, TCSANOW, &tio) != 0) {
    return Status(ErrorCode::kReaderError, "cannot set raw mode on " + path + ": " + std::strerror(errno));
  }
  // Exclusive mode: a second open(2) fails with EBUSY (for anyone but root, which the flock
  // above covers).
  (void)::ioctl(fd, TIOCEXCL);
  ::tcflush(fd, TCIOFLUSH);
  return port;
}

AtPort::~AtPort() {
  if (fd_ >= 0) {
    (void)::ioctl(fd_, TIOCNXCL);
    ::close(fd_);
  }
}

Status AtPort::WriteAll(const std::string& data, int timeout_ms) {
  const auto deadline = Clock::now() + std::chrono::milliseconds(timeout_ms);
  size_t done = 0;
  while (done < data.size()) {
    ssize_t n = ::write(fd_, data.data() + done, data.size() - done);
    if (n > 0) {
      done += static_cast<size_t>(n);
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      pollfd p{fd_, POLLOUT, 0};
      int r = ::poll(&p, 1, MsLeft(deadline));
      if (r == 0) return Status(ErrorCode::kReaderError, "the modem on " + path_ + " does not take input");
      if (r > 0 && (p.revents & (POLLHUP | POLLERR))) return HangUp(path_);
      continue;
    }
    if (n < 0 && (errno == EIO || errno == ENXIO || errno == ENODEV)) return HangUp(path_);
    return Status(ErrorCode::kReaderError, "write to " + path_ + ": " + std::strerror(errno));
  }
  return Status::Ok();
}

void AtPort::Drain(int quiet_ms, int max_ms) {
  const auto hard = Clock::now() + std::chrono::milliseconds(max_ms);
  char buffer[4096];
  while (MsLeft(hard) > 0) {
    pollfd p{fd_, POLLIN, 0};
    int r = ::poll(&p, 1, std::min(quiet_ms, MsLeft(hard)));
    if (r <= 0) break;
    if (p.revents & (POLLHUP | POLLERR | POLLNVAL)) break;
    ssize_t n = ::read(fd_, buffer, sizeof buffer);
    if (n <= 0 && !(n < 0 && (errno == EINTR || errno == EAGAIN))) break;
  }
  pending_.clear();
}

Result<AtAnswer> AtPort::Command(const std::string& line, const std::string& info_prefix,
                                 uint32_t timeout_ms, bool bare_digits) {
  if (needs_drain_) {
    Drain(150, 2000);
    needs_drain_ = false;
  }
  // Bytes left from before belong to no command of ours (URCs): dropped.
  pending_.clear();
  ESIM_RETURN_IF_ERROR(WriteAll(line + "\r", static_cast<int>(timeout_ms)));
  const auto deadline = Clock::now() + std::chrono::milliseconds(timeout_ms);
  AtAnswer answer;
  char buffer[4096];
  for (;;) {
    // Split whatever is complete.
    for (;;) {
      size_t end = pending_.find_first_of("\r\n");
      if (end == std::string::npos) break;
      std::string text = pending_.substr(0, end);
      pending_.erase(0, end + 1);
      if (text.empty() || text == line) continue;  // blank, or the echo
      if (text == "OK") {
        answer.final = AtAnswer::Final::kOk;
      } else if (text == "ERROR") {
        answer.final = AtAnswer::Final::kError;
      } else if (text.rfind("+CME ERROR", 0) == 0) {
        answer.final = AtAnswer::Final::kCmeError;
      } else if (text.rfind("+CMS ERROR", 0) == 0) {
        answer.final = AtAnswer::Final::kCmsError;
      } else {
        if ((!info_prefix.empty() && text.rfind(info_prefix, 0) == 0) || (bare_digits && IsDigits(text))) {
          answer.info.push_back(std::move(text));
        }
        continue;  // otherwise unsolicited: skipped
      }
      answer.final_line = std::move(text);
      pending_.clear();
      return answer;
    }
    if (pending_.size() > kAtMaxLineLength) {
      needs_drain_ = true;
      return Status(ErrorCode::kReaderError, "the modem on " + path_ + " sent a line over 1 MiB");
    }
    const int left = MsLeft(deadline);
    if (left == 0) {
      needs_drain_ = true;
      return Status(ErrorCode::kReaderError,
                    "the modem on " + path_ + " did not answer " + line.substr(0, line.find('=')) +
                        " within " + std::to_string(timeout_ms) + " ms");
    }
    pollfd p{fd_, POLLIN, 0};
    int r = ::poll(&p, 1, left);
    if (r < 0) {
      if (errno == EINTR) continue;
      return Status(ErrorCode::kReaderError, "poll on " + path_ + ": " + std::strerror(errno));
    }
    if (r == 0) continue;
    if (p.revents & POLLIN) {
      ssize_t n = ::read(fd_, buffer, sizeof buffer);
      if (n > 0) {
        pending_.append(buffer, static_cast<size_t>(n));
        continue;
      }
      if (n == 0) return HangUp(path_);
      if (errno == EINTR || errno == EAGAIN) continue;
      if (errno == EIO || errno == ENXIO || errno == ENODEV) return HangUp(path_);
      return Status(ErrorCode::kReaderError, "read from " + path_ + ": " + std::strerror(errno));
    }
    if (p.revents & (POLLHUP | POLLERR | POLLNVAL)) return HangUp(path_);
  }
}

}  // namespace esim

#include "tests/modem/sim_port.h"

#include <poll.h>
#include <unistd.h>

#include <cerrno>
#include <ctime>

namespace esim::modemsim {
namespace {

constexpr int kStuckWriteMs = 5000;  // nobody has read the port for this long: drop its queue

timespec Timespec(int64_t ms) {
  return timespec{static_cast<time_t>(ms / 1000), static_cast<long>(ms % 1000) * 1000000L};
}

}  // namespace

SimPort::SimPort(Noise& noise, const Signals& signals, const sigset_t& wait_mask)
    : noise_(noise), signals_(signals), wait_mask_(wait_mask) {}

bool SimPort::Write(const std::string& bytes) {
  auto pieces = noise_.Pieces(bytes);
  for (size_t i = 0; i < pieces.size(); ++i) {
    if (i > 0) {
      const uint32_t us = noise_.PiecePauseUs();
      timespec pause{0, static_cast<long>(us) * 1000L};
      ppoll(nullptr, 0, &pause, &wait_mask_);
      if (signals_.stop) return false;
    }
    if (!WriteAll(pieces[i])) return false;
  }
  return !signals_.stop;
}

bool SimPort::WriteAll(const std::string& bytes) {
  size_t done = 0;
  while (done < bytes.size()) {
    if (signals_.stop) return false;
    if (!link_) return true;  // the modem is down: its output is lost
    ssize_t n = write(link_->master_fd(), bytes.data() + done, bytes.size() - done);
    if (n > 0) {
      done += static_cast<size_t>(n);
      tx_bytes_ += static_cast<uint64_t>(n);
      continue;
    }
    if (n < 0 && errno != EAGAIN && errno != EINTR) return true;  // port gone: output lost
    pollfd p{link_->master_fd(), POLLOUT, 0};
    timespec timeout = Timespec(kStuckWriteMs);
    int r = ppoll(&p, 1, &timeout, &wait_mask_);
    if (r == 0) link_->DiscardUnread();
  }
  return true;
}

bool SimPort::Sleep(uint32_t ms) {
  timespec left = Timespec(ms);
  timespec start{};
  clock_gettime(CLOCK_MONOTONIC, &start);
  const int64_t end_ns = static_cast<int64_t>(start.tv_sec) * 1000000000LL + start.tv_nsec + int64_t{ms} * 1000000LL;
  for (;;) {
    ppoll(nullptr, 0, &left, &wait_mask_);
    if (signals_.stop) return false;
    timespec now{};
    clock_gettime(CLOCK_MONOTONIC, &now);
    const int64_t rest = end_ns - (static_cast<int64_t>(now.tv_sec) * 1000000000LL + now.tv_nsec);
    if (rest <= 0) return true;
    left = timespec{static_cast<time_t>(rest / 1000000000LL), static_cast<long>(rest % 1000000000LL)};
  }
}

int SimPort::WaitReadable(int timeout_ms) {
  if (!link_) return 0;
  pollfd p[2] = {{link_->master_fd(), POLLIN, 0}, {link_->notify_fd(), POLLIN, 0}};
  timespec timeout = Timespec(timeout_ms < 0 ? 0 : timeout_ms);
  int r = ppoll(p, link_->notify_fd() >= 0 ? 2 : 1, timeout_ms < 0 ? nullptr : &timeout, &wait_mask_);
  if (r < 0) return -1;
  if (r > 0 && (p[1].revents & POLLIN)) {
    link_->ClientClosed();
    if (!(p[0].revents & POLLIN)) return -1;  // nothing to read: wait again
  }
  if (r == 0) return 0;
  return 1;
}

}  // namespace esim::modemsim

#include "vcard/vpcd_link.h"

#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <thread>

namespace esim::vcard {
namespace {

Status Errno(const std::string& what) {
  return Status(ErrorCode::kIo, what + ": " + std::strerror(errno));
}

void SetInt(int fd, int level, int option, int value) {
  // Best effort: without these the link still works, only slower.
  setsockopt(fd, level, option, &value, sizeof value);
}

// One attempt over every address of host:port; returns the socket or -1 (errno set).
int TryConnect(const std::string& host, uint16_t port) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  const std::string service = std::to_string(port);
  if (getaddrinfo(host.c_str(), service.c_str(), &hints, &found) != 0) {
    errno = EHOSTUNREACH;
    return -1;
  }
  int fd = -1;
  for (addrinfo* ai = found; ai != nullptr; ai = ai->ai_next) {
    fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
    if (fd < 0) continue;
    if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0) break;
    const int saved = errno;
    close(fd);
    fd = -1;
    errno = saved;
  }
  freeaddrinfo(found);
  return fd;
}

// Connects, retrying until the deadline; the socket (with the speed options set) or kIo.
Result<int> ConnectWithRetry(const VpcdLink::Options& options, int stop_read) {
  using Clock = std::chrono::steady_clock;
  const auto deadline = Clock::now() + std::chrono::milliseconds(options.connect_timeout_ms);
  int fd = -1;
  for (;;) {
    fd = TryConnect(options.host, options.port);
    if (fd >= 0) break;
    if (options.cancel != nullptr && *options.cancel != 0) {
      return Status(ErrorCode::kIo, "interrupted while connecting to vpcd");
    }
    if (Clock::now() >= deadline) {
      return Errno("cannot connect to vpcd at " + options.host + ":" +
                   std::to_string(options.port) + " (is pcscd running with the vpcd driver?)");
    }
    // Only while pcscd is starting (or after a dropped answer): the hot path never sleeps.
    if (stop_read >= 0) {
      pollfd stop{stop_read, POLLIN, 0};
      if (poll(&stop, 1, 20) > 0 && (stop.revents & POLLIN)) {
        return Status(ErrorCode::kIo, "interrupted while connecting to vpcd");
      }
    } else {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  }
  // The driver's frames arrive in two segments; answer in one, without Nagle delays.
  SetInt(fd, IPPROTO_TCP, TCP_NODELAY, 1);
  SetInt(fd, IPPROTO_TCP, TCP_QUICKACK, 1);
  return fd;
}

}  // namespace

Result<std::unique_ptr<VpcdLink>> VpcdLink::Connect(const Options& options) {
  ESIM_ASSIGN_OR_RETURN(int fd, ConnectWithRetry(options, -1));
  int stop[2];
  if (pipe2(stop, O_CLOEXEC | O_NONBLOCK) != 0) {
    Status st = Errno("pipe");
    close(fd);
    return st;
  }
  if (options.verbose) {
    std::fprintf(stderr, "vcard: connected to vpcd at %s:%u\n", options.host.c_str(),
                 static_cast<unsigned>(options.port));
  }
  return std::make_unique<VpcdLink>(Key(), fd, stop[0], stop[1], options);
}

Result<bool> VpcdLink::DropAndReconnect() {
  // No R-APDU: the terminal sees the card go away. The close is abortive (SO_LINGER 0: a TCP
  // RST), which is what a driver can tell from an answer (ECONNRESET). Measured with
  // vsmartcard-vpcd 3.3 + pcsc-lite 1.9.9: vpcd's recvFromVICC compares the failed recv's -1
  // with a size_t, so it does NOT report IFD_COMMUNICATION_ERROR: the client's SCardTransmit
  // returns at once with SCARD_S_SUCCESS and a 0-byte R-APDU (the same happens after a FIN or
  // an empty frame). Never a hang. vpcd forgets the connection, so its next presence poll
  // (~400 ms) reports the card removed; we come back after drop_reconnect_ms.
  linger abort{};
  abort.l_onoff = 1;
  abort.l_linger = 0;
  setsockopt(fd_, SOL_SOCKET, SO_LINGER, &abort, sizeof abort);
  close(fd_);
  fd_ = -1;
  ++drops_;
  if (options_.verbose) {
    std::fprintf(stderr, "vcard: answer dropped, card away for %u ms\n",
                 static_cast<unsigned>(options_.drop_reconnect_ms));
  }
  if (options_.drop_reconnect_ms == 0) return false;
  pollfd stop{stop_read_, POLLIN, 0};
  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::milliseconds(options_.drop_reconnect_ms);
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now()).count();
    if (left <= 0) break;
    const int r = poll(&stop, 1, static_cast<int>(left));
    if (r > 0 && (stop.revents & POLLIN)) return false;
    if (r < 0 && errno != EINTR) return Errno("poll");
  }
  auto fd = ConnectWithRetry(options_, stop_read_);
  if (!fd.ok()) {
    if (options_.cancel != nullptr && *options_.cancel != 0) return false;
    // Stop() during the retries.
    pollfd again{stop_read_, POLLIN, 0};
    if (poll(&again, 1, 0) > 0) return false;
    return fd.status();
  }
  fd_ = *fd;
  if (options_.verbose) std::fprintf(stderr, "vcard: back in the reader\n");
  return true;
}

VpcdLink::~VpcdLink() {
  if (fd_ >= 0) close(fd_);
  close(stop_read_);
  close(stop_write_);
}

void VpcdLink::Stop() {
  const char byte = 1;
  // Only async-signal-safe calls here. A full pipe already means "stop".
  [[maybe_unused]] ssize_t n = write(stop_write_, &byte, 1);
}

Result<bool> VpcdLink::ReadFully(uint8_t* data, size_t n) {
  size_t got = 0;
  while (got < n) {
    pollfd fds[2] = {{fd_, POLLIN, 0}, {stop_read_, POLLIN, 0}};
    if (poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      return Errno("poll");
    }
    if (fds[1].revents & POLLIN) return false;
    if (!(fds[0].revents & (POLLIN | POLLHUP | POLLERR))) continue;
    const ssize_t r = recv(fd_, data + got, n - got, 0);
    if (r == 0) return false;  // vpcd (pcscd) closed the connection
    if (r < 0) {
      if (errno == EINTR || errno == EAGAIN) continue;
      if (errno == ECONNRESET) return false;
      return Errno("recv from vpcd");
    }
    // Linux drops back to delayed ACKs after a while: re-arm after every recv (the 44 ms trap).
    SetInt(fd_, IPPROTO_TCP, TCP_QUICKACK, 1);
    got += static_cast<size_t>(r);
  }
  return true;
}

Status VpcdLink::Send(ByteView payload) {
  // Length and payload in one buffer, one send: a split write would wait for an ACK.
  Bytes frame;
  frame.reserve(payload.size() + 2);
  frame.push_back(static_cast<uint8_t>(payload.size() >> 8));
  frame.push_back(static_cast<uint8_t>(payload.size() & 0xFF));
  frame.insert(frame.end(), payload.begin(), payload.end());
  size_t sent = 0;
  while (sent < frame.size()) {
    const ssize_t w = send(fd_, frame.data() + sent, frame.size() - sent, MSG_NOSIGNAL);
    if (w < 0) {
      if (errno == EINTR) continue;
      return Errno("send to vpcd");
    }
    sent += static_cast<size_t>(w);
  }
  return Status::Ok();
}

Status VpcdLink::Run(VpcdCard& card) {
  Bytes payload;
  for (;;) {
    uint8_t header[2];
    ESIM_ASSIGN_OR_RETURN(bool more, ReadFully(header, sizeof header));
    if (!more) break;
    const size_t n = static_cast<size_t>(header[0]) << 8 | header[1];
    payload.resize(n);
    if (n > 0) {
      ESIM_ASSIGN_OR_RETURN(bool full, ReadFully(payload.data(), n));
      if (!full) break;
    }
    if (n == 0) continue;  // nothing asked
    if (n == 1) {
      switch (payload[0]) {
        case 0x00:
          if (options_.verbose) std::fprintf(stderr, "vcard: power off\n");
          card.PowerOff();
          break;
        case 0x01:
          if (options_.verbose) std::fprintf(stderr, "vcard: power on\n");
          card.Reset();
          break;
        case 0x02:
          if (options_.verbose) std::fprintf(stderr, "vcard: reset\n");
          card.Reset();
          break;
        case 0x04:
          ESIM_RETURN_IF_ERROR(Send(card.Atr()));
          break;
        default:
          if (options_.verbose) {
            std::fprintf(stderr, "vcard: ignoring unknown control byte %02X\n", payload[0]);
          }
          break;
      }
      continue;
    }
    Bytes response = card.Process(payload);
    if (response.empty()) {
      if (options_.verbose) {
        std::fprintf(stderr, "vcard: > %s\nvcard: < (no answer)\n", ToHex(payload).c_str());
      }
      ESIM_ASSIGN_OR_RETURN(bool back, DropAndReconnect());
      if (!back) break;
      // The card went through a reset, whether or not pcscd powers it on again.
      card.Reset();
      continue;
    }
    if (response.size() > 0xFFFF) {
      // The frame length cannot say more than 65535; a real card could not answer this either.
      if (options_.verbose) {
        std::fprintf(stderr, "vcard: answer of %zu bytes does not fit a vpcd frame\n",
                     response.size());
      }
      response = {0x6F, 0x00};
    }
    if (options_.verbose) {
      std::fprintf(stderr, "vcard: > %s\nvcard: < %s\n", ToHex(payload).c_str(),
                   ToHex(response).c_str());
    }
    ESIM_RETURN_IF_ERROR(Send(response));
    ++apdus_;
    if (options_.remove_card_after != 0 && apdus_ == options_.remove_card_after) {
      if (options_.verbose) {
        std::fprintf(stderr, "vcard: answered %llu APDUs, card removed (--remove-card-after)\n",
                     static_cast<unsigned long long>(apdus_));
      }
      ESIM_ASSIGN_OR_RETURN(bool back, DropAndReconnect());
      if (!back) break;
      card.Reset();
      continue;
    }
    if (options_.exit_after != 0 && apdus_ >= options_.exit_after) {
      if (options_.verbose) {
        std::fprintf(stderr, "vcard: answered %llu APDUs, leaving (--exit-after)\n",
                     static_cast<unsigned long long>(apdus_));
      }
      break;
    }
  }
  // Closing is how the card leaves the reader; do it now rather than in the destructor so
  // that a caller who keeps the object still models a removed card.
  if (fd_ >= 0) close(fd_);
  fd_ = -1;
  return Status::Ok();
}

}  // namespace esim::vcard

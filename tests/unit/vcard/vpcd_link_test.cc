// VpcdLink against a fake vpcd driver (a local TCP listener that frames like the real one).
#include "vcard/vpcd_link.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <thread>
#include <vector>

namespace esim::vcard {
namespace {

class FakeCard : public VpcdCard {
 public:
  Bytes Atr() override { return {0x3B, 0x00}; }
  void Reset() override { ++resets; }
  void PowerOff() override { ++power_offs; }
  Bytes Process(ByteView command) override {
    Bytes r(command.begin(), command.end());
    r.push_back(0x90);
    r.push_back(0x00);
    return r;
  }
  int resets = 0;
  int power_offs = 0;
};

// The driver side: listens, accepts one card, sends frames the way vpcd does (length and
// payload in two writes, Nagle left on).
class FakeVpcd {
 public:
  FakeVpcd() {
    listen_fd_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    listen(listen_fd_, 1);
    socklen_t len = sizeof addr;
    getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port = ntohs(addr.sin_port);
  }
  ~FakeVpcd() {
    if (fd_ >= 0) close(fd_);
    close(listen_fd_);
  }
  void Accept() { fd_ = accept(listen_fd_, nullptr, nullptr); }
  void SendFrame(const Bytes& payload) {
    const uint8_t header[2] = {static_cast<uint8_t>(payload.size() >> 8),
                               static_cast<uint8_t>(payload.size())};
    ASSERT_EQ(send(fd_, header, 2, MSG_NOSIGNAL), 2);
    ASSERT_EQ(send(fd_, payload.data(), payload.size(), MSG_NOSIGNAL), static_cast<ssize_t>(payload.size()));
  }
  // Returns the payload, or nullopt when the card closed the connection.
  std::optional<Bytes> ReadFrame() {
    uint8_t header[2];
    if (!ReadAll(header, 2)) return std::nullopt;
    Bytes payload(static_cast<size_t>(header[0]) << 8 | header[1]);
    if (!ReadAll(payload.data(), payload.size())) return std::nullopt;
    return payload;
  }
  uint16_t port = 0;

 private:
  bool ReadAll(uint8_t* p, size_t n) {
    while (n > 0) {
      const ssize_t r = recv(fd_, p, n, 0);
      if (r <= 0) return false;
      p += r;
      n -= static_cast<size_t>(r);
    }
    return true;
  }
  int listen_fd_ = -1;
  int fd_ = -1;
};

std::unique_ptr<VpcdLink> ConnectTo(uint16_t port, uint64_t exit_after = 0) {
  VpcdLink::Options o;
  o.port = port;
  o.connect_timeout_ms = 2000;
  o.exit_after = exit_after;
  auto link = VpcdLink::Connect(o);
  EXPECT_TRUE(link.ok()) << link.status().message();
  return link.ok() ? std::move(link).value() : nullptr;
}

TEST(VpcdLinkTest, SpeaksTheProtocol) {
  FakeVpcd vpcd;
  FakeCard card;
  std::unique_ptr<VpcdLink> link;
  std::thread card_thread([&] {
    link = ConnectTo(vpcd.port);
    if (link) {
      EXPECT_TRUE(link->Run(card).ok());
    }
  });
  vpcd.Accept();
  vpcd.SendFrame({0x01});  // power on: no answer
  vpcd.SendFrame({0x04});  // get ATR
  EXPECT_EQ(vpcd.ReadFrame(), (Bytes{0x3B, 0x00}));
  vpcd.SendFrame({0x00, 0xA4, 0x04, 0x00});
  EXPECT_EQ(vpcd.ReadFrame(), (Bytes{0x00, 0xA4, 0x04, 0x00, 0x90, 0x00}));
  vpcd.SendFrame({0x02});  // reset
  vpcd.SendFrame({0x00});  // power off
  vpcd.SendFrame({0x04});  // a later answer proves the control bytes were consumed silently
  EXPECT_EQ(vpcd.ReadFrame(), (Bytes{0x3B, 0x00}));
  link->Stop();
  card_thread.join();
  EXPECT_EQ(card.resets, 2);
  EXPECT_EQ(card.power_offs, 1);
  EXPECT_EQ(link->apdus(), 1u);
}

TEST(VpcdLinkTest, LargeApduInOneFrame) {
  FakeVpcd vpcd;
  FakeCard card;
  std::thread card_thread([&] {
    auto link = ConnectTo(vpcd.port, 1);
    if (link) {
      EXPECT_TRUE(link->Run(card).ok());
    }
  });
  vpcd.Accept();
  Bytes big(60000, 0x5A);
  vpcd.SendFrame(big);
  auto answer = vpcd.ReadFrame();
  ASSERT_TRUE(answer.has_value());
  EXPECT_EQ(answer->size(), big.size() + 2);
  card_thread.join();
}

TEST(VpcdLinkTest, ExitAfterClosesTheConnection) {
  FakeVpcd vpcd;
  FakeCard card;
  std::thread card_thread([&] {
    auto link = ConnectTo(vpcd.port, 2);
    if (link) {
      EXPECT_TRUE(link->Run(card).ok());
    }
  });
  vpcd.Accept();
  for (int i = 0; i < 2; ++i) {
    vpcd.SendFrame({0x00, 0xB0, 0x00, 0x00});
    EXPECT_TRUE(vpcd.ReadFrame().has_value());
  }
  // The card closes right after its second answer; sending a third command would race
  // with that close, so only read: the connection must end.
  EXPECT_FALSE(vpcd.ReadFrame().has_value());  // the card is gone
  card_thread.join();
}

TEST(VpcdLinkTest, ReturnsWhenVpcdCloses) {
  FakeCard card;
  std::thread card_thread;
  {
    FakeVpcd vpcd;
    card_thread = std::thread([&card, port = vpcd.port] {
      auto link = ConnectTo(port);
      if (link) {
        EXPECT_TRUE(link->Run(card).ok());
      }
    });
    vpcd.Accept();
  }  // pcscd went away
  card_thread.join();
}

TEST(VpcdLinkTest, ConnectGivesUpAtTheDeadline) {
  uint16_t port;
  {
    FakeVpcd unused;  // find a port, then free it: nobody listens there any more
    port = unused.port;
  }
  VpcdLink::Options o;
  o.port = port;
  o.connect_timeout_ms = 100;
  auto link = VpcdLink::Connect(o);
  ASSERT_FALSE(link.ok());
  EXPECT_EQ(link.status().code(), ErrorCode::kIo);
  EXPECT_NE(link.status().message().find(std::to_string(port)), std::string::npos);
}

// The 44 ms trap: with the driver's split writes and Nagle on its side, a card that let its
// delayed ACK run would take ~40 ms per APDU. The link must keep it far below.
TEST(VpcdLinkTest, RoundTripAvoidsDelayedAck) {
  FakeVpcd vpcd;
  FakeCard card;
  std::unique_ptr<VpcdLink> link;
  std::thread card_thread([&] {
    link = ConnectTo(vpcd.port);
    if (link) {
      EXPECT_TRUE(link->Run(card).ok());
    }
  });
  vpcd.Accept();
  std::vector<double> ms;
  const Bytes apdu = {0x80, 0xE2, 0x91, 0x00, 0x03, 0xBF, 0x2D, 0x00};
  for (int i = 0; i < 60; ++i) {
    const auto start = std::chrono::steady_clock::now();
    vpcd.SendFrame(apdu);
    ASSERT_TRUE(vpcd.ReadFrame().has_value());
    ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() -
                                                           start).count());
  }
  std::sort(ms.begin(), ms.end());
  EXPECT_LT(ms[ms.size() / 2], 10.0) << "median round trip " << ms[ms.size() / 2] << " ms";
  link->Stop();
  card_thread.join();
}

}  // namespace
}  // namespace esim::vcard

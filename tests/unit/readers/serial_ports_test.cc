// ListSerialPorts over pseudo-terminals named by ESIMCTL_MODEM_PORTS.
#include "readers/serial_ports.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <string>

namespace esim {
namespace {

namespace fs = std::filesystem;

struct Pty {
  int master = -1;
  std::string slave;
  Pty() {
    master = ::posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
    ::grantpt(master);
    ::unlockpt(master);
    slave = ::ptsname(master);
  }
  ~Pty() { ::close(master); }
};

class SerialPortsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("esimctl-ports-" + std::to_string(::getpid()));
    fs::create_directories(dir_);
    ::setenv("ESIMCTL_MODEM_PORTS", (dir_.string() + "/tty*").c_str(), 1);
  }
  void TearDown() override {
    ::unsetenv("ESIMCTL_MODEM_PORTS");
    fs::remove_all(dir_);
  }
  std::string Link(const std::string& name, const std::string& target) {
    fs::path link = dir_ / name;
    fs::create_symlink(target, link);
    return link.string();
  }
  // A child that holds `path` open until killed; it keeps the pty's master fd (inherited)
  // only with keep_master.
  pid_t Hold(const std::string& path, int master_fd, bool keep_master) {
    int ready[2];
    EXPECT_EQ(::pipe(ready), 0);
    pid_t pid = ::fork();
    if (pid == 0) {
      int fd = ::open(path.c_str(), O_RDWR | O_NOCTTY);
      if (!keep_master) ::close(master_fd);
      if (fd < 0) ::_exit(1);
      (void)!::write(ready[1], "x", 1);
      for (;;) ::pause();
    }
    char c;
    (void)!::read(ready[0], &c, 1);
    ::close(ready[0]);
    ::close(ready[1]);
    return pid;
  }
  void Stop(pid_t pid) {
    ::kill(pid, SIGKILL);
    ::waitpid(pid, nullptr, 0);
  }
  fs::path dir_;
};

TEST_F(SerialPortsTest, ListsSortedAndDeduplicatesByDevice) {
  Pty a, b;
  const std::string a1 = Link("ttyA", a.slave);
  Link("ttyB", a.slave);  // the same device again
  const std::string b1 = Link("ttyC", b.slave);
  Link("ttyD", "/nonexistent-device");
  std::vector<SerialPortInfo> ports = ListSerialPorts();
  ASSERT_EQ(ports.size(), 2u);
  EXPECT_EQ(ports[0].path, a1);
  EXPECT_EQ(ports[1].path, b1);
  EXPECT_FALSE(ports[0].held);  // our own process does not count
  EXPECT_TRUE(ports[0].holder.empty());
}

TEST_F(SerialPortsTest, AnotherProcessHoldingThePortIsReported) {
  Pty pty;
  Link("ttyA", pty.slave);
  pid_t child = Hold(pty.slave, pty.master, false);
  std::vector<SerialPortInfo> ports = ListSerialPorts();
  Stop(child);
  ASSERT_EQ(ports.size(), 1u);
  EXPECT_TRUE(ports[0].held);
  EXPECT_EQ(ports[0].holder.rfind(std::to_string(child) + " (", 0), 0u) << ports[0].holder;
}

TEST_F(SerialPortsTest, TheEmulatorOwningThePtyMasterIsNotAHolder) {
  Pty pty;
  Link("ttyA", pty.slave);
  pid_t child = Hold(pty.slave, pty.master, true);  // inherits the master fd: the emulator
  std::vector<SerialPortInfo> ports = ListSerialPorts();
  Stop(child);
  ASSERT_EQ(ports.size(), 1u);
  EXPECT_FALSE(ports[0].held) << ports[0].holder;
}

TEST_F(SerialPortsTest, AFlockMakesThePortHeld) {
  Pty pty;
  Link("ttyA", pty.slave);
  int fd = ::open(pty.slave.c_str(), O_RDWR | O_NOCTTY | O_CLOEXEC);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(::flock(fd, LOCK_EX | LOCK_NB), 0);
  std::vector<SerialPortInfo> ports = ListSerialPorts();
  ::close(fd);
  ASSERT_EQ(ports.size(), 1u);
  EXPECT_TRUE(ports[0].held);
}

}  // namespace
}  // namespace esim

#include "tests/modem/pty_link.h"

#include <fcntl.h>
#include <sys/inotify.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <utility>

namespace esim::modemsim {
namespace {

Status Errno(const std::string& what) {
  return Status(ErrorCode::kIo, what + ": " + std::strerror(errno));
}

}  // namespace

Result<std::unique_ptr<PtyLink>> PtyLink::Create(const std::string& link_path) {
  int master = posix_openpt(O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
  if (master < 0) return Errno("posix_openpt");
  std::array<char, 128> name{};
  if (grantpt(master) != 0 || unlockpt(master) != 0 || ptsname_r(master, name.data(), name.size()) != 0) {
    Status status = Errno("pty setup");
    close(master);
    return status;
  }
  int slave = open(name.data(), O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (slave < 0) {
    Status status = Errno(std::string("open ") + name.data());
    close(master);
    return status;
  }
  termios tio{};
  if (tcgetattr(slave, &tio) == 0) {
    cfmakeraw(&tio);
    cfsetispeed(&tio, B115200);
    cfsetospeed(&tio, B115200);
    tcsetattr(slave, TCSANOW, &tio);
  }
  // A fresh link beside the final one, then rename over it: atomic for clients.
  const std::string temp = link_path + ".new";
  unlink(temp.c_str());
  if (symlink(name.data(), temp.c_str()) != 0 || rename(temp.c_str(), link_path.c_str()) != 0) {
    Status status = Errno("link " + link_path);
    unlink(temp.c_str());
    close(slave);
    close(master);
    return status;
  }
  return std::make_unique<PtyLink>(master, slave, name.data(), link_path);
}

PtyLink::PtyLink(int master_fd, int slave_fd, std::string slave_name, std::string link_path)
    : master_fd_(master_fd), slave_fd_(slave_fd), slave_name_(std::move(slave_name)),
      link_path_(std::move(link_path)) {
  notify_fd_ = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  if (notify_fd_ >= 0 && inotify_add_watch(notify_fd_, slave_name_.c_str(), IN_CLOSE_WRITE | IN_CLOSE_NOWRITE) < 0) {
    close(notify_fd_);
    notify_fd_ = -1;
  }
}

void PtyLink::ClientClosed() {
  char events[4096];
  while (notify_fd_ >= 0 && read(notify_fd_, events, sizeof events) > 0) {
  }
  if (slave_fd_ >= 0) ioctl(slave_fd_, TIOCNXCL);
}

PtyLink::~PtyLink() { Close(); }

void PtyLink::Close() {
  if (master_fd_ < 0) return;
  std::array<char, 256> target{};
  ssize_t n = readlink(link_path_.c_str(), target.data(), target.size() - 1);
  if (n > 0 && std::string(target.data(), static_cast<size_t>(n)) == slave_name_) {
    unlink(link_path_.c_str());
  }
  close(master_fd_);
  close(slave_fd_);
  if (notify_fd_ >= 0) close(notify_fd_);
  notify_fd_ = -1;
  master_fd_ = -1;
  slave_fd_ = -1;
}

int PtyLink::PendingForClient() const {
  int pending = 0;
  if (slave_fd_ < 0 || ioctl(slave_fd_, FIONREAD, &pending) != 0) return 0;
  return pending;
}

void PtyLink::DiscardUnread() {
  if (slave_fd_ >= 0) tcflush(slave_fd_, TCIFLUSH);
}

}  // namespace esim::modemsim

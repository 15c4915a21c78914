// PtyLink: the simulated modem's serial port, a pseudo-terminal pair published under a fixed
// path. The modem reads and writes the master; PATH is a symlink to the slave (/dev/pts/N),
// which clients open as they would /dev/ttyUSB2. The link keeps a slave fd of its own, so a
// client closing the port never leaves the master without a slave (EIO on read). The slave is
// raw (no echo, no CR/LF translation by the line discipline: the modem echoes itself).
//
// Threading: not thread-safe; the modem's one thread owns it.
#pragma once

#include <memory>
#include <string>

#include "common/status.h"

namespace esim::modemsim {

class PtyLink {
 public:
  // Opens a new pty pair (master non-blocking) and points `link_path` at its slave, replacing
  // whatever link was there (atomically: a client never sees a half-made link).
  static Result<std::unique_ptr<PtyLink>> Create(const std::string& link_path);
  ~PtyLink();  // Close()
  PtyLink(const PtyLink&) = delete;
  PtyLink& operator=(const PtyLink&) = delete;

  // Closes both ends (a client still holding the slave sees EOF/EIO) and removes the link if it
  // still points at this slave. Idempotent.
  void Close();

  int master_fd() const { return master_fd_; }
  const std::string& slave_name() const { return slave_name_; }
  // Bytes written by the modem that no client has read yet (the slave's input queue).
  int PendingForClient() const;
  // An inotify fd that becomes readable when a client closes the slave; call ClientClosed().
  int notify_fd() const { return notify_fd_; }
  // A client closed the port: its TIOCEXCL is lifted (the tty stays open through our own slave
  // fd, so the kernel would keep it exclusive and refuse the next non-root client with EBUSY).
  void ClientClosed();
  // Throws away what no client has read (a port nobody reads loses the modem's output).
  void DiscardUnread();

  // Use Create(); takes ownership of both fds.
  PtyLink(int master_fd, int slave_fd, std::string slave_name, std::string link_path);

 private:

  int master_fd_;
  int slave_fd_;
  int notify_fd_ = -1;
  std::string slave_name_;
  std::string link_path_;
};

}  // namespace esim::modemsim

#include "readers/serial_ports.h"

#include <dirent.h>
#include <fcntl.h>
#include <glob.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <climits>
#include <cstdlib>
#include <fstream>
#include <map>

namespace esim {
namespace {

std::string RealPath(const std::string& path) {
  char buffer[PATH_MAX];
  if (::realpath(path.c_str(), buffer) == nullptr) return {};
  return buffer;
}

std::vector<std::string> Glob(const std::string& pattern) {
  std::vector<std::string> out;
  glob_t g{};
  if (::glob(pattern.c_str(), 0, nullptr, &g) == 0) {
    for (size_t i = 0; i < g.gl_pathc; ++i) out.emplace_back(g.gl_pathv[i]);
  }
  ::globfree(&g);
  return out;
}

// True when process `pid` holds the master side of pseudo-terminal /dev/pts/<index>: it is the
// program emulating the device (a simulated modem keeps its own slave open), not a competitor.
bool OwnsPtyMaster(const std::string& pid, const std::string& index) {
  const std::string fd_dir = "/proc/" + pid + "/fd";
  DIR* fds = ::opendir(fd_dir.c_str());
  if (fds == nullptr) return false;
  bool owns = false;
  while (dirent* fd = ::readdir(fds)) {
    char target[PATH_MAX];
    ssize_t n = ::readlink((fd_dir + "/" + fd->d_name).c_str(), target, sizeof target - 1);
    if (n <= 0) continue;
    target[n] = '\0';
    if (std::string(target) != "/dev/ptmx" && std::string(target) != "/dev/pts/ptmx") continue;
    std::ifstream info("/proc/" + pid + "/fdinfo/" + fd->d_name);
    std::string line;
    while (std::getline(info, line)) {
      if (line.rfind("tty-index:", 0) == 0) {
        std::string value = line.substr(10);
        value.erase(0, value.find_first_not_of(" \t"));
        if (value == index) owns = true;
      }
    }
    if (owns) break;
  }
  ::closedir(fds);
  return owns;
}

// "PID (command)" of one other process with `real` open, or "".
std::string FindHolder(const std::string& real) {
  const std::string pts_prefix = "/dev/pts/";
  const std::string pty_index =
      real.rfind(pts_prefix, 0) == 0 ? real.substr(pts_prefix.size()) : std::string();
  DIR* proc = ::opendir("/proc");
  if (proc == nullptr) return {};
  const std::string self = std::to_string(::getpid());
  std::string holder;
  while (dirent* entry = ::readdir(proc)) {
    const std::string pid = entry->d_name;
    if (pid.empty() || pid.find_first_not_of("0123456789") != std::string::npos || pid == self) continue;
    const std::string fd_dir = "/proc/" + pid + "/fd";
    DIR* fds = ::opendir(fd_dir.c_str());
    if (fds == nullptr) continue;
    while (dirent* fd = ::readdir(fds)) {
      char target[PATH_MAX];
      const std::string link = fd_dir + "/" + fd->d_name;
      ssize_t n = ::readlink(link.c_str(), target, sizeof target - 1);
      if (n <= 0) continue;
      target[n] = '\0';
      if (real == target) {
        if (!pty_index.empty() && OwnsPtyMaster(pid, pty_index)) break;
        std::string comm;
        std::ifstream in("/proc/" + pid + "/comm");
        std::getline(in, comm);
        holder = pid + " (" + comm + ")";
        break;
      }
    }
    ::closedir(fds);
    if (!holder.empty()) break;
  }
  ::closedir(proc);
  return holder;
}

// True when someone holds the port's flock. Opens without writing (O_NONBLOCK: no wait for
// carrier); a port we cannot open at all is not reported as held.
bool Locked(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) return errno == EBUSY;  // TIOCEXCL held by someone
  bool locked = false;
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    locked = errno == EWOULDBLOCK;
  } else {
    ::flock(fd, LOCK_UN);
  }
  ::close(fd);
  return locked;
}

}  // namespace

std::vector<SerialPortInfo> ListSerialPorts() {
  std::vector<std::string> candidates;
  const char* env = std::getenv("ESIMCTL_MODEM_PORTS");
  if (env != nullptr && *env != '\0') {
    candidates = Glob(env);
  } else {
    for (const char* pattern : {"/dev/ttyUSB*", "/dev/ttyACM*"}) {
      for (std::string& p : Glob(pattern)) candidates.push_back(std::move(p));
    }
  }
  std::sort(candidates.begin(), candidates.end());
  std::map<std::string, bool> seen;  // realpath -> taken
  std::vector<SerialPortInfo> out;
  for (const std::string& path : candidates) {
    const std::string real = RealPath(path);
    if (real.empty()) continue;
    struct stat st {};
    if (::stat(real.c_str(), &st) != 0 || !S_ISCHR(st.st_mode)) continue;
    if (seen.count(real)) continue;
    seen[real] = true;
    SerialPortInfo info;
    info.path = path;
    info.holder = FindHolder(real);
    info.held = !info.holder.empty() || Locked(path);
    out.push_back(std::move(info));
  }
  return out;
}

}  // namespace esim

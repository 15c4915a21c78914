// socket_activate: runs a program with a listening Unix socket passed the systemd way.
//
//   socket_activate SOCKET_PATH -- PROGRAM [ARGS...]
//       Binds and listens on SOCKET_PATH, puts it on fd 3, sets LISTEN_FDS=1 and
//       LISTEN_PID=<own pid>, then execs PROGRAM (same pid, so LISTEN_PID names PROGRAM).
//       This is how the rig runs a private pcscd: pcscd's own socket path is fixed at
//       /run/pcscd/pcscd.comm, but a socket-activated pcscd serves whatever it is given.
//       pcscd never deletes the file: the caller removes it.
//   socket_activate --free-port-pair
//       Prints a TCP port P such that P and P+1 can both be bound right now (vpcd listens on
//       two consecutive ports, one per slot). Picked at random below the ephemeral range so
//       parallel rigs rarely collide; the rig still checks that its reader appeared.
//
// Exit: 127 when the socket or the exec fails, 2 on usage errors.

#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <string>
#include <vector>

namespace {

bool CanBind(uint16_t port) {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_ANY);  // vpcd binds every interface
  addr.sin_port = htons(port);
  const bool ok = bind(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) == 0;
  close(fd);
  return ok;
}

int FreePortPair() {
  std::srand(static_cast<unsigned>(getpid()) ^ static_cast<unsigned>(std::time(nullptr)));
  for (int attempt = 0; attempt < 200; ++attempt) {
    // 20000..31998: below Linux's default ephemeral range (32768-60999).
    const auto port = static_cast<uint16_t>(20000 + (std::rand() % 6000) * 2);
    if (CanBind(port) && CanBind(static_cast<uint16_t>(port + 1))) {
      std::printf("%u\n", static_cast<unsigned>(port));
      return 0;
    }
  }
  std::fprintf(stderr, "socket_activate: no free TCP port pair found\n");
  return 1;
}

int Usage() {
  std::fprintf(stderr,
               "usage: socket_activate SOCKET_PATH -- PROGRAM [ARGS...]\n"
               "       socket_activate --free-port-pair\n");
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc == 2 && std::strcmp(argv[1], "--free-port-pair") == 0) return FreePortPair();
  if (argc < 4 || std::strcmp(argv[2], "--") != 0) return Usage();
  const char* path = argv[1];

  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (std::strlen(path) >= sizeof addr.sun_path) {
    std::fprintf(stderr, "socket_activate: socket path longer than %zu bytes: %s\n",
                 sizeof addr.sun_path - 1, path);
    return 127;
  }
  std::strncpy(addr.sun_path, path, sizeof addr.sun_path - 1);
  const int fd = socket(AF_UNIX, SOCK_STREAM, 0);
  if (fd < 0) {
    std::perror("socket_activate: socket");
    return 127;
  }
  unlink(path);  // a stale file from an earlier run in the same private dir
  if (bind(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0 ||
      listen(fd, SOMAXCONN) != 0) {
    std::fprintf(stderr, "socket_activate: %s: %s\n", path, std::strerror(errno));
    return 127;
  }
  // sd_listen_fds() protocol: the first passed fd is 3.
  if (fd != 3) {
    if (dup2(fd, 3) < 0) {
      std::perror("socket_activate: dup2");
      return 127;
    }
    close(fd);
  }
  setenv("LISTEN_FDS", "1", 1);
  setenv("LISTEN_PID", std::to_string(getpid()).c_str(), 1);
  unsetenv("LISTEN_FDNAMES");

  std::vector<char*> args(argv + 3, argv + argc);
  args.push_back(nullptr);
  execv(args[0], args.data());
  std::fprintf(stderr, "socket_activate: exec %s: %s\n", args[0], std::strerror(errno));
  return 127;
}

// bench-exec: runs one command and appends one line to a results file:
//   WALL_MS USER_MS SYS_MS MAX_RSS_KB EXIT_CODE
// measured for that process alone (fork, execvp, wait4): wall time from fork to reaped,
// its own user and system CPU time and its peak resident set. The command's stdout and
// stderr pass through. Used by tests/bench/run-bench.sh.
//
//   bench-exec RESULTS_FILE -- COMMAND [ARGS...]
// Exit: the command's exit code (128+N if killed by signal N); 125 on a usage or exec error.
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>

namespace {

double Ms(const timeval& tv) { return static_cast<double>(tv.tv_sec) * 1e3 + static_cast<double>(tv.tv_usec) / 1e3; }

double NowMs() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) / 1e6;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 4 || std::strcmp(argv[2], "--") != 0) {
    std::fprintf(stderr, "usage: bench-exec RESULTS_FILE -- COMMAND [ARGS...]\n");
    return 125;
  }
  const double start = NowMs();
  const pid_t pid = fork();
  if (pid < 0) {
    std::perror("bench-exec: fork");
    return 125;
  }
  if (pid == 0) {
    execvp(argv[3], argv + 3);
    std::fprintf(stderr, "bench-exec: cannot run %s: %s\n", argv[3], std::strerror(errno));
    _exit(125);
  }
  int status = 0;
  rusage usage{};
  while (wait4(pid, &status, 0, &usage) < 0) {
    if (errno != EINTR) {
      std::perror("bench-exec: wait4");
      return 125;
    }
  }
  const double wall = NowMs() - start;
  const int rc = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  std::FILE* out = std::fopen(argv[1], "a");
  if (out == nullptr) {
    std::perror("bench-exec: results file");
    return 125;
  }
  std::fprintf(out, "%.3f %.3f %.3f %ld %d\n", wall, Ms(usage.ru_utime), Ms(usage.ru_stime), usage.ru_maxrss, rc);
  std::fclose(out);
  return rc;
}

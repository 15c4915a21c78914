// pty-confirm: drives esimctl's confirmation prompts on a real pseudo-terminal.
//
// Each case runs esimctl on a fresh copy of the virtual card (vcard/default-state.json,
// in-process "virtual:" reader) with its own journal, under forkpty(): stdin, stdout and stderr
// are the pty's slave, so isatty() is true and the line discipline (echo, ICRNL, VEOF) is the
// real one. The driver waits (poll() on the master, bounded: never hangs) for the prompt,
// checks the summary printed before it, types the answer + "\r" (or Ctrl-D), and checks the
// exit status and, with `esimctl --json ... list` (no terminal needed), the card afterwards.
//
// Usage: pty-confirm [ESIMCTL [DEFAULT_STATE_JSON]]
//   defaults: $ESIMCTL_BUILD_DIR/esimctl and $ESIMCTL_SOURCE_DIR/vcard/default-state.json
// Prints "ok: ..." / "FAIL: ..." lines; exits 0 only if every check passed.
#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

constexpr int kPromptTimeoutMs = 10000;
constexpr int kExitTimeoutMs = 15000;
const std::string kDeletable = "8999020020000002021";  // Contoso Travel 5GB, disabled
const std::string kEnabled = "8999010010000001018";    // Northwind Unlimited, enabled
const std::string kTestProfile = "8999030030000003034";  // Fabrikam, test class
const std::string kDeletePrompt = "last four digits";

int g_checks = 0;
int g_failures = 0;
bool g_hung = false;  // a child had to be killed: the remaining cases are not run (and that fails)

void Check(const std::string& what, bool ok, const std::string& detail = "") {
  ++g_checks;
  if (ok) {
    std::cout << "ok: " << what << "\n";
  } else {
    ++g_failures;
    std::cout << "FAIL: " << what << (detail.empty() ? "" : ": " + detail) << "\n";
  }
  std::cout.flush();
}

bool Contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

// Shows captured output indented, for a failed check's diagnosis.
std::string Indented(const std::string& text) {
  std::string out = "\n    | ";
  for (char c : text) {
    if (c == '\r') continue;
    out += c;
    if (c == '\n') out += "    | ";
  }
  return out;
}

int RemainingMs(Clock::time_point deadline) {
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
  return left < 0 ? 0 : static_cast<int>(left);
}

std::vector<char*> Argv(std::vector<std::string>& args) {
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  return argv;
}

// One child process on a pseudo-terminal.
class PtyChild {
 public:
  PtyChild() = default;
  PtyChild(const PtyChild&) = delete;
  PtyChild& operator=(const PtyChild&) = delete;
  ~PtyChild() {
    if (pid_ > 0) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
    if (master_ >= 0) close(master_);
  }

  bool Start(std::vector<std::string> args, std::string* error) {
    std::vector<char*> argv = Argv(args);  // built before fork: no allocation in the child
    int master = -1;
    pid_t pid = forkpty(&master, nullptr, nullptr, nullptr);
    if (pid < 0) {
      *error = std::string("forkpty: ") + std::strerror(errno);
      return false;
    }
    if (pid == 0) {
      execv(argv[0], argv.data());
      const char msg[] = "pty-confirm: exec failed\n";
      ssize_t ignored = write(STDERR_FILENO, msg, sizeof msg - 1);
      (void)ignored;
      _exit(127);
    }
    pid_ = pid;
    master_ = master;
    return true;
  }

  // Reads output until it contains `needle` (true), or until EOF or the timeout (false).
  bool WaitFor(const std::string& needle, int timeout_ms) {
    const auto deadline = Clock::now() + std::chrono::milliseconds(timeout_ms);
    while (!Contains(output_, needle)) {
      if (eof_ || RemainingMs(deadline) == 0) return false;
      ReadSome(RemainingMs(deadline));
    }
    return true;
  }

  bool Send(const std::string& text) {
    size_t done = 0;
    while (done < text.size()) {
      ssize_t n = write(master_, text.data() + done, text.size() - done);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return false;
      done += static_cast<size_t>(n);
    }
    return true;
  }

  // Reads until the child closes the terminal, then reaps it. The exit status, or -1 when it
  // did not end in time (it is killed) or ended by a signal.
  int WaitExit(int timeout_ms) {
    const auto deadline = Clock::now() + std::chrono::milliseconds(timeout_ms);
    while (!eof_ && RemainingMs(deadline) > 0) ReadSome(RemainingMs(deadline));
    int status = 0;
    while (true) {
      pid_t r = waitpid(pid_, &status, WNOHANG);
      if (r == pid_) break;
      if (r < 0 && errno != EINTR) return -1;
      if (RemainingMs(deadline) == 0) {
        timed_out_ = true;
        kill(pid_, SIGKILL);
        waitpid(pid_, &status, 0);
        pid_ = -1;
        return -1;
      }
      if (!eof_) {
        ReadSome(std::min(RemainingMs(deadline), 50));
      } else {
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
      }
    }
    pid_ = -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }

  const std::string& output() const { return output_; }
  bool timed_out() const { return timed_out_; }
  bool eof() const { return eof_; }

 private:
  void ReadSome(int timeout_ms) {
    pollfd p{master_, POLLIN, 0};
    int r = poll(&p, 1, timeout_ms);
    if (r < 0) {
      if (errno != EINTR) eof_ = true;
      return;
    }
    if (r == 0) return;
    char buffer[4096];
    ssize_t n = read(master_, buffer, sizeof buffer);
    if (n > 0) {
      output_.append(buffer, static_cast<size_t>(n));
    } else if (n == 0 || (errno != EINTR && errno != EAGAIN)) {
      eof_ = true;  // EIO: the slave side is closed, the child is gone
    }
  }

  pid_t pid_ = -1;
  int master_ = -1;
  bool eof_ = false;
  bool timed_out_ = false;
  std::string output_;
};

// Runs `args` without a terminal (stdin /dev/null), stdout captured, stderr to `err_path`.
// The exit status, or -1 on timeout / signal.
int RunCaptured(std::vector<std::string> args, const std::string& err_path, std::string* out) {
  std::vector<char*> argv = Argv(args);
  int pipe_fds[2];
  if (pipe(pipe_fds) != 0) return -1;
  pid_t pid = fork();
  if (pid < 0) return -1;
  if (pid == 0) {
    int null_fd = open("/dev/null", O_RDONLY);
    int err_fd = open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (null_fd < 0 || err_fd < 0) _exit(126);
    dup2(null_fd, STDIN_FILENO);
    dup2(pipe_fds[1], STDOUT_FILENO);
    dup2(err_fd, STDERR_FILENO);
    close(pipe_fds[0]);
    close(pipe_fds[1]);
    execv(argv[0], argv.data());
    _exit(127);
  }
  close(pipe_fds[1]);
  const auto deadline = Clock::now() + std::chrono::milliseconds(kExitTimeoutMs);
  bool eof = false;
  while (!eof && RemainingMs(deadline) > 0) {
    pollfd p{pipe_fds[0], POLLIN, 0};
    int r = poll(&p, 1, RemainingMs(deadline));
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) break;
    char buffer[4096];
    ssize_t n = read(pipe_fds[0], buffer, sizeof buffer);
    if (n > 0) {
      out->append(buffer, static_cast<size_t>(n));
    } else if (n == 0 || errno != EINTR) {
      eof = true;
    }
  }
  close(pipe_fds[0]);
  int status = 0;
  if (!eof) {
    g_hung = true;
    kill(pid, SIGKILL);
    waitpid(pid, &status, 0);
    return -1;
  }
  while (waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) return -1;
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

struct Env {
  std::string esimctl;
  std::string default_state;
  fs::path root;  // this run's temp dir
};

// A fresh card and journal for one case.
struct Case {
  std::string name;
  fs::path dir;
  std::string state;
  std::string journal;

  Case(const Env& env, const std::string& case_name) : name(case_name), dir(env.root / case_name) {
    fs::create_directories(dir);
    state = (dir / "state.json").string();
    journal = (dir / "journal.db").string();
    fs::copy_file(env.default_state, state);
  }

  std::vector<std::string> Command(const Env& env, const std::vector<std::string>& rest) const {
    std::vector<std::string> args{env.esimctl, "--reader", "virtual:" + state, "--journal", journal};
    args.insert(args.end(), rest.begin(), rest.end());
    return args;
  }

  // `esimctl --json profile list` on this case's card (no terminal); empty on failure.
  std::string ProfileList(const Env& env) const {
    std::string out;
    int rc = RunCaptured(Command(env, {"--json", "profile", "list"}), (dir / "list.err").string(), &out);
    Check(name + ": profile list afterwards exits 0", rc == 0, "exit " + std::to_string(rc) + Indented(out));
    return rc == 0 ? out : std::string();
  }
};

// Runs `args` on a pty up to the prompt; returns the child (running) and whether it prompted.
struct Prompted {
  bool prompted = false;
  std::string before_prompt;  // everything printed before the prompt text
};

Prompted RunToPrompt(PtyChild& child, const Case& c, const std::vector<std::string>& args,
                     const std::string& prompt_text) {
  Prompted result;
  std::string error;
  // (A child that never prompts is killed by PtyChild's destructor.)
  if (!child.Start(args, &error)) {
    Check(c.name + ": start on a pty", false, error);
    return result;
  }
  result.prompted = child.WaitFor(prompt_text, kPromptTimeoutMs);
  Check(c.name + ": prompt \"" + prompt_text + "\" shown within " + std::to_string(kPromptTimeoutMs / 1000) + " s",
        result.prompted, Indented(child.output()));
  if (!result.prompted && !child.eof()) g_hung = true;  // still running, never prompted
  if (result.prompted) result.before_prompt = child.output().substr(0, child.output().find(prompt_text));
  return result;
}

void CheckDeleteSummary(const Case& c, const std::string& summary) {
  // "disable": the reversible alternative, named with the command to type (not just the State line).
  for (const std::string& needle : {kDeletable, std::string("Contoso Travel 5GB"), std::string("PERMANENT"),
                                    "reversible 'esimctl profile disable " + kDeletable + "'",
                                    std::string("notified at rsp.contoso.example")}) {
    Check(c.name + ": summary shows \"" + needle + "\"", Contains(summary, needle), Indented(summary));
  }
}

// Waits for the exit and checks its status; false if the child hung (then it was killed).
bool CheckExit(const Case& c, PtyChild& child, const std::vector<int>& allowed, const std::string& what) {
  int rc = child.WaitExit(kExitTimeoutMs);
  if (child.timed_out()) g_hung = true;
  bool ok = false;
  for (int a : allowed) ok = ok || rc == a;
  std::string expected;
  for (int a : allowed) expected += (expected.empty() ? "" : " or ") + std::to_string(a);
  Check(c.name + ": " + what + " exits " + expected, ok,
        (child.timed_out() ? std::string("did not exit in time (killed)") : "exit " + std::to_string(rc)) +
            Indented(child.output()));
  return !child.timed_out();
}

// ---- cases -------------------------------------------------------------------------------------

void DeleteWithRightDigits(const Env& env) {
  Case c(env, "delete-right-digits");
  PtyChild child;
  auto p = RunToPrompt(child, c, c.Command(env, {"profile", "delete", "--no-notify", kDeletable}), kDeletePrompt);
  if (!p.prompted) return;
  CheckDeleteSummary(c, p.before_prompt);
  Check(c.name + ": type 2021", child.Send("2021\r"));
  if (!CheckExit(c, child, {0}, "right digits (--no-notify)")) return;
  Check(c.name + ": receipt says deleted", Contains(child.output(), "deleted"), Indented(child.output()));
  std::string list = c.ProfileList(env);
  Check(c.name + ": profile gone from the card", !list.empty() && !Contains(list, kDeletable), Indented(list));
  Check(c.name + ": other profiles still there", Contains(list, kEnabled) && Contains(list, kTestProfile),
        Indented(list));
}

void DeleteWithRightDigitsDelivering(const Env& env) {
  // Without --no-notify: delivery to the fictional SM-DP+ is routed to 127.0.0.1:1, where the
  // connection is refused, so the deletion is done and its notification kept: exit 40.
  Case c(env, "delete-right-digits-notify");
  PtyChild child;
  auto p = RunToPrompt(child, c,
                       c.Command(env, {"--connect-to", "rsp.contoso.example:443:127.0.0.1:1", "--notify-attempts",
                                       "1", "profile", "delete", kDeletable}),
                       kDeletePrompt);
  if (!p.prompted) return;
  Check(c.name + ": type 2021 with spaces", child.Send(" 2021 \r"));
  if (!CheckExit(c, child, {40}, "right digits (delivery wanted, refused)")) return;
  Check(c.name + ": receipt says kept for later", Contains(child.output(), "NOT accepted yet"),
        Indented(child.output()));
  std::string list = c.ProfileList(env);
  Check(c.name + ": profile gone from the card", !list.empty() && !Contains(list, kDeletable), Indented(list));
}

void DeleteWithWrongDigits(const Env& env) {
  Case c(env, "delete-wrong-digits");
  PtyChild child;
  auto p = RunToPrompt(child, c, c.Command(env, {"profile", "delete", "--no-notify", kDeletable}), kDeletePrompt);
  if (!p.prompted) return;
  CheckDeleteSummary(c, p.before_prompt);
  Check(c.name + ": type 2012", child.Send("2012\r"));
  if (!CheckExit(c, child, {6}, "wrong digits")) return;
  Check(c.name + ": says nothing was sent", Contains(child.output(), "nothing was sent"), Indented(child.output()));
  std::string list = c.ProfileList(env);
  Check(c.name + ": profile still on the card", Contains(list, kDeletable), Indented(list));
}

void DeleteWithY(const Env& env) {
  Case c(env, "delete-y");
  PtyChild child;
  auto p = RunToPrompt(child, c, c.Command(env, {"profile", "delete", "--no-notify", kDeletable}), kDeletePrompt);
  if (!p.prompted) return;
  Check(c.name + ": type y", child.Send("y\r"));
  if (!CheckExit(c, child, {6}, "a habit-typed y")) return;
  std::string list = c.ProfileList(env);
  Check(c.name + ": profile still on the card", Contains(list, kDeletable), Indented(list));
}

void DeleteWithCtrlD(const Env& env) {
  Case c(env, "delete-ctrl-d");
  PtyChild child;
  auto p = RunToPrompt(child, c, c.Command(env, {"profile", "delete", "--no-notify", kDeletable}), kDeletePrompt);
  if (!p.prompted) return;
  Check(c.name + ": type Ctrl-D", child.Send("\x04"));
  if (!CheckExit(c, child, {6}, "Ctrl-D (end of input)")) return;
  Check(c.name + ": says no answer", Contains(child.output(), "no answer"), Indented(child.output()));
  std::string list = c.ProfileList(env);
  Check(c.name + ": profile still on the card", Contains(list, kDeletable), Indented(list));
}

void DeleteHostileName(const Env& env) {
  // A card names its profiles. Here the name carries a clear-screen and a window-title escape
  // sequence; the summary must show it defused (U+FFFD for ESC and BEL), not obey it.
  Case c(env, "delete-hostile-name");
  std::stringstream text;
  text << std::ifstream(c.state).rdbuf();
  std::string state = text.str();
  const std::string plain = "\"Contoso Travel 5GB\"";
  const size_t at = state.find(plain);
  Check(c.name + ": the card's state names \"Contoso Travel 5GB\"", at != std::string::npos);
  if (at == std::string::npos) return;
  state.replace(at, plain.size(), "\"Contoso\\u001b[2J\\u001b]0;pwned\\u0007 Travel\"");
  std::ofstream(c.state, std::ios::trunc) << state;
  PtyChild child;
  auto p = RunToPrompt(child, c, c.Command(env, {"profile", "delete", "--no-notify", kDeletable}), kDeletePrompt);
  if (!p.prompted) return;
  const std::string defused = "Contoso\xEF\xBF\xBD[2J\xEF\xBF\xBD]0;pwned\xEF\xBF\xBD Travel";
  Check(c.name + ": summary shows the name defused", Contains(p.before_prompt, defused), Indented(p.before_prompt));
  Check(c.name + ": no ESC or BEL reached the terminal",
        p.before_prompt.find_first_of("\x1B\x07") == std::string::npos, Indented(p.before_prompt));
  Check(c.name + ": type 2012", child.Send("2012\r"));
  if (!CheckExit(c, child, {6}, "wrong digits")) return;
  std::string list = c.ProfileList(env);
  Check(c.name + ": profile still on the card", Contains(list, kDeletable), Indented(list));
}

void DeleteWithYes(const Env& env) {
  Case c(env, "delete-yes");
  PtyChild child;
  std::string error;
  if (!child.Start(c.Command(env, {"profile", "delete", "--yes", "--no-notify", kDeletable}), &error)) {
    Check(c.name + ": start on a pty", false, error);
    return;
  }
  if (!CheckExit(c, child, {0}, "--yes on a terminal")) return;
  Check(c.name + ": no prompt shown", !Contains(child.output(), kDeletePrompt), Indented(child.output()));
  Check(c.name + ": no summary shown", !Contains(child.output(), "PERMANENT"), Indented(child.output()));
  std::string list = c.ProfileList(env);
  Check(c.name + ": profile gone from the card", !list.empty() && !Contains(list, kDeletable), Indented(list));
}

void DeleteWithoutTerminal(const Env& env) {
  // The contrast: the same command with stdin not a terminal and no --yes is refused (5).
  Case c(env, "delete-no-tty");
  std::string out;
  int rc = RunCaptured(c.Command(env, {"profile", "delete", "--no-notify", kDeletable}),
                       (c.dir / "delete.err").string(), &out);
  Check(c.name + ": exits 5 without a terminal", rc == 5, "exit " + std::to_string(rc));
  std::string list = c.ProfileList(env);
  Check(c.name + ": profile still on the card", Contains(list, kDeletable), Indented(list));
}

void ChipResetOperational(const Env& env) {
  Case c(env, "chip-reset-operational");
  PtyChild child;
  auto p = RunToPrompt(child, c, c.Command(env, {"chip", "reset", "--operational"}), "Type 'reset'");
  if (!p.prompted) return;
  for (const std::string& needle : {std::string("RESET"), kEnabled, kDeletable, std::string("PERMANENT")}) {
    Check(c.name + ": summary shows \"" + needle + "\"", Contains(p.before_prompt, needle), Indented(p.before_prompt));
  }
  Check(c.name + ": summary does not list the test profile", !Contains(p.before_prompt, kTestProfile),
        Indented(p.before_prompt));
  Check(c.name + ": type reset", child.Send("reset\r"));
  if (!CheckExit(c, child, {0}, "typing reset")) return;
  std::string list = c.ProfileList(env);
  Check(c.name + ": no operational profile left",
        !list.empty() && !Contains(list, kEnabled) && !Contains(list, kDeletable), Indented(list));
  Check(c.name + ": test profile kept", Contains(list, kTestProfile), Indented(list));
}

void ChipResetWrongWord(const Env& env) {
  Case c(env, "chip-reset-wrong-word");
  PtyChild child;
  auto p = RunToPrompt(child, c, c.Command(env, {"chip", "reset", "--operational"}), "Type 'reset'");
  if (!p.prompted) return;
  Check(c.name + ": type yes", child.Send("yes\r"));
  if (!CheckExit(c, child, {6}, "typing yes")) return;
  std::string list = c.ProfileList(env);
  Check(c.name + ": profiles kept", Contains(list, kEnabled) && Contains(list, kDeletable), Indented(list));
}

void NotificationRemove(const Env& env) {
  Case c(env, "notification-remove");
  PtyChild child;
  auto p = RunToPrompt(child, c, c.Command(env, {"notification", "remove", "8"}), "Type 'remove'");
  if (!p.prompted) return;
  Check(c.name + ": summary says not accepted", Contains(p.before_prompt, "NOT been accepted"),
        Indented(p.before_prompt));
  Check(c.name + ": type remove", child.Send("remove\r"));
  if (!CheckExit(c, child, {0}, "typing remove")) return;
  std::string out;
  int rc = RunCaptured(c.Command(env, {"--json", "notification", "list"}), (c.dir / "nlist.err").string(), &out);
  Check(c.name + ": notification list exits 0", rc == 0, "exit " + std::to_string(rc));
  Check(c.name + ": seq 8 gone, 7 and 9 kept",
        !Contains(out, "\"seqNumber\":8") && !Contains(out, "\"seqNumber\": 8") &&
            (Contains(out, "\"seqNumber\":9") || Contains(out, "\"seqNumber\": 9")),
        Indented(out));
}

}  // namespace

// --dialog mode, for scripts that set up what a case needs themselves (a card behind pcscd, a
// test SM-DP+): `pty-confirm --dialog [--expect TEXT --send TEXT]... -- CMD ARGS...` runs CMD on
// a pseudo-terminal, waits for each TEXT in order and types its answer ("\n" in it is sent as
// "\r", as the Enter key does), then waits for the end. Prints the whole terminal transcript
// (carriage returns removed) on stdout and exits with CMD's exit status; 124 when it did not end
// in time, 125 when an expected text never came (the transcript says where).
int Dialog(int argc, char** argv) {
  std::vector<std::pair<std::string, std::string>> steps;
  std::vector<std::string> command;
  for (int i = 2; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--" ) {
      command.assign(argv + i + 1, argv + argc);
      break;
    }
    if (arg == "--expect" && i + 1 < argc) {
      steps.emplace_back(argv[++i], "");
    } else if (arg == "--send" && i + 1 < argc && !steps.empty()) {
      std::string text = argv[++i];
      std::replace(text.begin(), text.end(), '\n', '\r');
      steps.back().second = text;
    } else {
      std::cerr << "usage: pty-confirm --dialog [--expect TEXT --send TEXT]... -- CMD ARGS...\n";
      return 2;
    }
  }
  if (command.empty()) return 2;
  PtyChild child;
  std::string error;
  if (!child.Start(command, &error)) {
    std::cerr << error << "\n";
    return 2;
  }
  auto transcript = [&child] {
    std::string out;
    for (char c : child.output()) {
      if (c != '\r') out += c;
    }
    std::cout << out << std::flush;
  };
  for (const auto& [expect, send] : steps) {
    if (!child.WaitFor(expect, kPromptTimeoutMs * 3)) {
      transcript();
      std::cout << "\n[pty-confirm: never saw \"" << expect << "\"]\n";
      return 125;
    }
    if (!child.Send(send)) return 2;
  }
  const int status = child.WaitExit(kExitTimeoutMs * 4);
  transcript();
  return status < 0 ? 124 : status;
}

int main(int argc, char** argv) {
  if (argc > 1 && std::string(argv[1]) == "--dialog") return Dialog(argc, argv);
  Env env;
  const char* build = std::getenv("ESIMCTL_BUILD_DIR");
  const char* source = std::getenv("ESIMCTL_SOURCE_DIR");
  if (argc > 1) {
    env.esimctl = argv[1];
  } else if (build) {
    env.esimctl = std::string(build) + "/esimctl";
  }
  if (argc > 2) {
    env.default_state = argv[2];
  } else if (source) {
    env.default_state = std::string(source) + "/vcard/default-state.json";
  }
  if (env.esimctl.empty() || env.default_state.empty()) {
    std::cerr << "usage: pty-confirm ESIMCTL DEFAULT_STATE (or set ESIMCTL_BUILD_DIR and ESIMCTL_SOURCE_DIR)\n";
    return 2;
  }
  if (access(env.esimctl.c_str(), X_OK) != 0 || !fs::exists(env.default_state)) {
    std::cout << "FAIL: need " << env.esimctl << " (built) and " << env.default_state << "\n";
    return 1;
  }
  const char* tmp = std::getenv("TMPDIR");
  std::string tmpl = std::string(tmp && *tmp ? tmp : "/tmp") + "/pty-confirm.XXXXXX";
  if (mkdtemp(tmpl.data()) == nullptr) {
    std::cout << "FAIL: mkdtemp " << tmpl << ": " << std::strerror(errno) << "\n";
    return 1;
  }
  env.root = tmpl;

  const std::vector<std::pair<const char*, std::function<void(const Env&)>>> cases = {
      {"delete, right digits", DeleteWithRightDigits},
      {"delete, right digits, delivery wanted", DeleteWithRightDigitsDelivering},
      {"delete, wrong digits", DeleteWithWrongDigits},
      {"delete, y", DeleteWithY},
      {"delete, Ctrl-D", DeleteWithCtrlD},
      {"delete, hostile profile name", DeleteHostileName},
      {"delete, --yes", DeleteWithYes},
      {"delete, no terminal", DeleteWithoutTerminal},
      {"chip reset --operational", ChipResetOperational},
      {"chip reset, wrong word", ChipResetWrongWord},
      {"notification remove", NotificationRemove},
  };
  for (const auto& [title, run] : cases) {
    if (g_hung) {
      Check(std::string(title) + ": run", false, "not run: an earlier case hung and was killed");
      continue;
    }
    const auto start = Clock::now();
    std::cout << "== " << title << "\n";
    run(env);
    std::cout << "   (" << std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start).count()
              << " ms)\n";
  }
  std::cout << g_checks << " checks, " << g_failures << " failed\n";
  if (g_failures == 0) {
    std::error_code ec;
    fs::remove_all(env.root, ec);
  } else {
    std::cout << "kept " << env.root.string() << " for inspection\n";
  }
  return g_failures == 0 ? 0 : 1;
}

#include "testing/qemu/process.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <optional>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"

namespace viper::qemu {
namespace {

// Owns a file descriptor.
class Fd {
 public:
  explicit Fd(int fd = -1) : fd_(fd) {}
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() { Reset(); }
  int get() const { return fd_; }
  void Reset(int fd = -1) {
    if (fd_ >= 0) close(fd_);
    fd_ = fd;
  }

 private:
  int fd_;
};

absl::Status MakePipe(Fd& read_end, Fd& write_end) {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) {
    return absl::InternalError(absl::StrCat("pipe2: ", strerror(errno)));
  }
  read_end.Reset(fds[0]);
  write_end.Reset(fds[1]);
  return absl::OkStatus();
}

[[noreturn]] void ExecChild(const std::vector<std::string>& argv, int input_fd, int output_fd,
                            int error_fd) {
  setpgid(0, 0);  // own process group, so a kill reaches QEMU's helpers too
  const int in_fd = input_fd >= 0 ? input_fd : open("/dev/null", O_RDONLY);
  if (in_fd >= 0) dup2(in_fd, STDIN_FILENO);
  dup2(output_fd, STDOUT_FILENO);
  dup2(output_fd, STDERR_FILENO);
  std::vector<char*> args;
  for (const std::string& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
  args.push_back(nullptr);
  execvp(args[0], args.data());
  const int err = errno;  // tell the parent why exec failed
  (void)!write(error_fd, &err, sizeof(err));
  _exit(127);
}

// Splits the byte stream into lines and hands them to the callback.
class LineSplitter {
 public:
  explicit LineSplitter(const std::function<bool(absl::string_view)>& on_line)
      : on_line_(on_line) {}

  // Returns true once a final line has been seen.
  bool Add(absl::string_view bytes) {
    for (char c : bytes) {
      if (c == '\n') {
        Flush();
      } else if (c != '\r') {
        pending_.push_back(c);
      }
    }
    return saw_final_;
  }
  bool Finish() {
    if (!pending_.empty()) Flush();
    return saw_final_;
  }

 private:
  void Flush() {
    if (on_line_(pending_)) saw_final_ = true;
    pending_.clear();
  }
  const std::function<bool(absl::string_view)>& on_line_;
  std::string pending_;
  bool saw_final_ = false;
};

int MillisUntil(absl::Time deadline) {
  const absl::Duration left = deadline - absl::Now();
  if (left <= absl::ZeroDuration()) return 0;
  return static_cast<int>(absl::ToInt64Milliseconds(left)) + 1;
}

}  // namespace

absl::StatusOr<ProcessResult> RunProcess(const std::vector<std::string>& argv,
                                         const RunLimits& limits,
                                         const std::function<bool(absl::string_view)>& on_line,
                                         const Conversation* conversation) {
  if (argv.empty()) return absl::InvalidArgumentError("empty command line");
  Fd out_read, out_write, err_read, err_write, in_read, in_write;
  if (auto s = MakePipe(out_read, out_write); !s.ok()) return s;
  if (auto s = MakePipe(err_read, err_write); !s.ok()) return s;
  if (conversation) {
    if (auto s = MakePipe(in_read, in_write); !s.ok()) return s;
    signal(SIGPIPE, SIG_IGN);  // a child that exits early must not kill us
  }

  const pid_t pid = fork();
  if (pid < 0) return absl::InternalError(absl::StrCat("fork: ", strerror(errno)));
  if (pid == 0) ExecChild(argv, in_read.get(), out_write.get(), err_write.get());
  setpgid(pid, pid);  // also here, so the group exists before we could kill it
  out_write.Reset();
  err_write.Reset();
  in_read.Reset();

  int exec_errno = 0;
  if (read(err_read.get(), &exec_errno, sizeof(exec_errno)) == sizeof(exec_errno)) {
    waitpid(pid, nullptr, 0);
    return absl::NotFoundError(absl::StrCat("cannot run '", argv[0], "': ", strerror(exec_errno)));
  }

  ProcessResult result;
  LineSplitter splitter(on_line);
  absl::Time deadline = absl::Now() + limits.timeout;
  bool in_grace = false;
  bool output_open = true;
  absl::Time wake = absl::InfiniteFuture();  // when the conversation wants to act
  // Input not yet taken by the child. Written without blocking: a child
  // that stops reading its stdin while its output fills our pipe would
  // otherwise deadlock with us.
  std::string unwritten;
  if (conversation) fcntl(in_write.get(), F_SETFL, O_NONBLOCK);
  auto write_some = [&] {
    while (!unwritten.empty()) {
      const ssize_t n = write(in_write.get(), unwritten.data(), unwritten.size());
      if (n < 0 && errno == EINTR) continue;
      if (n < 0 && errno == EAGAIN) return;
      if (n <= 0) {  // the child closed its stdin: it is ending
        unwritten.clear();
        return;
      }
      unwritten.erase(0, static_cast<size_t>(n));
    }
  };
  auto converse = [&] {
    if (!conversation) return;
    wake = conversation->advance(absl::Now(), &unwritten);
    write_some();
  };
  converse();
  while (output_open) {
    pollfd pfds[2] = {{out_read.get(), POLLIN, 0}, {in_write.get(), POLLOUT, 0}};
    const nfds_t count = unwritten.empty() ? 1 : 2;
    const int ready = poll(pfds, count, MillisUntil(std::min(deadline, wake)));
    if (ready < 0 && errno == EINTR) continue;
    if (ready == 0) {
      if (absl::Now() >= deadline) break;  // deadline
      converse();                          // the conversation's time to act
      continue;
    }
    if (count == 2 && pfds[1].revents != 0) write_some();
    if (pfds[0].revents == 0) continue;
    char buffer[4096];
    const ssize_t n = read(out_read.get(), buffer, sizeof(buffer));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      output_open = false;
      continue;
    }
    const absl::string_view bytes(buffer, static_cast<size_t>(n));
    if (conversation) conversation->on_output(bytes);
    if (splitter.Add(bytes) && !in_grace) {
      in_grace = true;
      deadline = std::min(deadline, absl::Now() + limits.grace);
    }
    converse();
  }
  if (splitter.Finish() && !in_grace) in_grace = true;

  // The output closed (the child is exiting) or the deadline passed. Give an
  // exiting child until the deadline to be reaped, then kill the group.
  int status = 0;
  pid_t reaped = 0;
  while ((reaped = waitpid(pid, &status, WNOHANG)) == 0 && MillisUntil(deadline) > 0) {
    usleep(10 * 1000);
  }
  if (reaped == 0) {
    kill(-pid, SIGKILL);
    waitpid(pid, &status, 0);
    if (in_grace) {
      result.killed_after_result = true;
    } else {
      result.timed_out = true;
    }
    return result;
  }
  result.exited = true;
  if (WIFEXITED(status)) result.exit_status = WEXITSTATUS(status);
  if (WIFSIGNALED(status)) result.term_signal = WTERMSIG(status);
  return result;
}

}  // namespace viper::qemu

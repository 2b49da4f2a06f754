/* POSIX processes on ViperDOS: fork, the exec family, waitpid/wait,
 * getppid and kill. Children are tracked in libc's child table
 * (children.h: pid -> process handle), which posix_spawn fills too.
 *
 * Exit status as picolibc's <sys/wait.h> reads it: a process that ended
 * with exit code c reports WIFEXITED with WEXITSTATUS = c & 0xff; one the
 * kernel ended for a signal has exit code -signal (VIPER_EXIT_KILLED is
 * -SIGKILL, VIPER_EXIT_FAULT -SIGSEGV, a default action "terminate" -sig)
 * and reports WIFSIGNALED with WTERMSIG = the signal. So a program that
 * calls exit() with -1..-63 looks killed by that signal: POSIX exit
 * statuses are 0..255 anyway. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>
#include <viperdos/viper.h>

#include "userland/libc/children.h"
#include "userland/libc/fs_client.h"
#include "userland/libc/net_client.h"
#include "userland/libc/path.h"
#include "userland/libc/program_image.h"
#include "userland/libc/script.h"
#include "userland/libc/startup.h"
#include "userland/libc/syscall.h"

extern char** environ;

#define MAX_WAITED 256 /* children one waitpid(-1) watches: the child table's size */

static int errno_of(int64_t error) {
  switch (error) {
    case VIPER_ERR_NO_MEMORY:
    case VIPER_ERR_NO_SPACE:
      return ENOMEM;
    case VIPER_ERR_NOT_FOUND:
      return ENOENT;
    case VIPER_ERR_ACCESS_DENIED:
      return EACCES;
    case VIPER_ERR_CORRUPT:
    case VIPER_ERR_NOT_SUPPORTED:
      return ENOEXEC;
    case VIPER_ERR_OUT_OF_RANGE:
      return E2BIG;
    case VIPER_ERR_FAULT:
      return EFAULT;
    case VIPER_ERR_INTERRUPTED:
      return EINTR;
    case VIPER_ERR_BAD_STATE:
      return EAGAIN;
    case VIPER_ERR_BAD_HANDLE:
      return EBADF;
    default:
      return EINVAL;
  }
}

static int fail(int64_t error) {
  errno = errno_of(error);
  return -1;
}

static int64_t id_of(viper_handle_t handle) {
  struct viper_object_info info;
  const int64_t got = viper_object_info(handle, &info);
  return got < 0 ? got : (int64_t)info.id;
}

pid_t fork(void) {
  /* Lines not yet written would be written twice, once by each. */
  fflush(stdout);
  fflush(stderr);
  /* The disk's connections, cloned for the child (fs_client.h). */
  struct fs_fork* clones = __fs_fork_prepare();
  struct net_fork* net_clones = __net_fork_prepare();
  const int64_t child = viper_process_fork();
  if (child == 0) {
    __fs_fork_child(clones);
    __net_fork_child(net_clones);
  } else {
    __fs_fork_parent(clones);
    __net_fork_parent(net_clones);
  }
  if (child < 0) return fail(child);
  if (child == 0) {
    /* The parent's children are not this process's: their handles came
     * along with the handle table, and go. */
    int64_t pids[MAX_WAITED];
    viper_handle_t handles[MAX_WAITED];
    const int n = __viper_children(pids, handles, MAX_WAITED);
    for (int i = 0; i < n && i < MAX_WAITED; i++) {
      const viper_handle_t h = __viper_child_take(pids[i]);
      if (h) viper_handle_close(h);
    }
    return 0;
  }
  const viper_handle_t handle = (viper_handle_t)child;
  const int64_t pid = id_of(handle);
  if (pid < 0 || __viper_child_add(pid, handle) != 0) {
    viper_process_kill(handle);
    viper_handle_close(handle);
    errno = EAGAIN;
    return -1;
  }
  return (pid_t)pid;
}

static uint64_t count(char* const list[]) {
  uint64_t n = 0;
  if (list) {
    while (list[n]) n++;
  }
  return n;
}

int execve(const char* path, char* const argv[], char* const envp[]) {
  if (!path || !argv) {
    errno = EFAULT;
    return -1;
  }
  /* Against the working directory, as posix_spawn and open resolve. */
  char name[VIPER_PATH_MAX];
  struct script script = {.argv = 0};
  struct program_image image = {0, 0};
  int resolved = __viper_find_program(path, &argv, &script, &image, name);
  if (resolved < 0) {
    __viper_script_free(&script);
    __viper_program_image_free(&image);
    errno = -resolved;
    return -1;
  }
  const int64_t bootstrap = __viper_startup_channel_for_exec();
  if (bootstrap < 0) {
    __viper_script_free(&script);
    __viper_program_image_free(&image);
    return fail(bootstrap);
  }
  struct viper_spawn_args args = {.path = name,
                                  .argv = (const char* const*)argv,
                                  .argc = count(argv),
                                  .envp = (const char* const*)envp,
                                  .envc = count(envp),
                                  .bootstrap = (viper_handle_t)bootstrap,
                                  .image = image.vmo,
                                  .image_bytes = image.bytes};
  int64_t result = viper_process_exec(&args);
  /* Refused as no ELF: perhaps a script on the archive (script.h). */
  if (result == VIPER_ERR_CORRUPT && !script.argv && __viper_script(&script, path, argv) > 0) {
    resolved = __viper_resolve_program(script.argv[0], name);
    if (resolved == 0) {
      args.argv = (const char* const*)script.argv;
      args.argc = script.argc;
      result = viper_process_exec(&args);
    } else if (resolved == -ENOENT) {
      result = VIPER_ERR_NOT_FOUND;
    }
  }
  /* Only on failure: this program goes on, the channel is not needed. */
  if (bootstrap > 0) viper_handle_close((viper_handle_t)bootstrap);
  __viper_script_free(&script);
  __viper_program_image_free(&image);
  return fail(result);
}

int execv(const char* path, char* const argv[]) { return execve(path, argv, environ); }

int execvp(const char* file, char* const argv[]) {
  if (!file || !*file) {
    errno = ENOENT;
    return -1;
  }
  if (strchr(file, '/')) return execv(file, argv);
  const char* search = getenv("PATH");
  if (!search || !*search) search = "/bin";
  int error = ENOENT;
  for (const char* dir = search;;) {
    const char* end = strchr(dir, ':');
    const size_t length = end ? (size_t)(end - dir) : strlen(dir);
    char candidate[VIPER_SPAWN_PATH_MAX];
    const size_t file_length = strlen(file);
    if (length + 1 + file_length < sizeof(candidate)) {
      memcpy(candidate, dir, length);
      size_t at = length;
      if (at > 0) candidate[at++] = '/';
      memcpy(candidate + at, file, file_length + 1);
      execv(candidate, argv);
      if (errno != ENOENT) error = errno; /* found but not runnable: say so */
    }
    if (!end) break;
    dir = end + 1;
  }
  errno = error;
  return -1;
}

/* A terminated child's status word (see the top of the file). */
static int status_of(int64_t code) {
  if (code < 0 && code >= -63) return (int)(-code); /* WIFSIGNALED, WTERMSIG */
  return (int)((code & 0xff) << 8);                 /* WIFEXITED, WEXITSTATUS */
}

/* Child `pid` has terminated: its status, the handle closed, the child
 * forgotten. 0, or -1 if another thread collected it first. */
static int collect(int64_t pid, viper_handle_t handle, int* status) {
  struct viper_process_info info;
  if (viper_process_info(handle, &info) < 0) return -1;
  if (__viper_child_take(pid) != handle) return -1;
  viper_handle_close(handle);
  if (status) *status = status_of(info.exit_code);
  return 0;
}

pid_t waitpid(pid_t pid, int* status, int options) {
  if (options & ~WNOHANG) {
    errno = EINVAL;
    return -1;
  }
  const uint64_t deadline = (options & WNOHANG) ? 0 : VIPER_DEADLINE_NEVER;
  /* No process groups: 0 is "any child" as -1 is; below -1 names none. */
  if (pid == 0) pid = -1;
  if (pid < -1) {
    errno = ECHILD;
    return -1;
  }
  for (;;) {
    int64_t pids[MAX_WAITED];
    viper_handle_t handles[MAX_WAITED];
    int n = __viper_children(pids, handles, MAX_WAITED);
    if (n > MAX_WAITED) n = MAX_WAITED;
    int64_t set = 0;
    int members = 0;
    viper_handle_t only = 0;
    for (int i = 0; i < n; i++) {
      if (pid > 0 && pids[i] != pid) continue;
      only = handles[i];
      members++;
    }
    if (members == 0) {
      errno = ECHILD;
      return -1;
    }
    int64_t ready_pid = -1;
    viper_handle_t ready = 0;
    if (pid > 0) {
      const int64_t seen = viper_object_wait(only, VIPER_SIGNAL_TERMINATED, deadline);
      if (seen == VIPER_ERR_TIMED_OUT) return 0;
      if (seen < 0 && seen != VIPER_ERR_BAD_HANDLE) return fail(seen);
      if (seen > 0) {
        ready_pid = pid;
        ready = only;
      }
    } else {
      /* All children in one pollset: one wait, whichever ends first. */
      set = viper_pollset_create();
      if (set < 0) return fail(set);
      for (int i = 0; i < n; i++) {
        viper_pollset_add((viper_handle_t)set, handles[i], VIPER_SIGNAL_TERMINATED, (uint64_t)i);
      }
      struct viper_poll_event event;
      const int64_t got = viper_pollset_wait((viper_handle_t)set, &event, 1, deadline);
      viper_handle_close((viper_handle_t)set);
      if (got == VIPER_ERR_TIMED_OUT || got == 0) {
        if (deadline == 0) return 0;
        continue;
      }
      if (got < 0) return fail(got);
      ready_pid = pids[event.key];
      ready = handles[event.key];
    }
    /* Collected by another thread meanwhile (or its handle closed): look again. */
    if (ready != 0 && collect(ready_pid, ready, status) == 0) return (pid_t)ready_pid;
  }
}

pid_t wait(int* status) { return waitpid(-1, status, 0); }

pid_t getppid(void) {
  const int64_t parent = viper_syscall0(VIPER_SYS_PROCESS_PARENT_ID);
  return parent < 0 ? fail(parent) : (pid_t)parent;
}

int kill(pid_t pid, int sig) {
  if (sig < 0 || sig > 63 || pid <= 0) {
    errno = EINVAL; /* no process groups, no "every process" */
    return -1;
  }
  if (pid == getpid()) {
    if (sig == 0) return 0;
    return raise(sig);
  }
  int64_t pids[MAX_WAITED];
  viper_handle_t handles[MAX_WAITED];
  const int n = __viper_children(pids, handles, MAX_WAITED);
  viper_handle_t target = 0;
  for (int i = 0; i < n && i < MAX_WAITED; i++) {
    if (pids[i] == pid) target = handles[i];
  }
  int64_t opened = 0;
  if (target == 0) {
    /* Not a child: a relative the kernel lets this process open. */
    opened = viper_process_open((uint64_t)pid);
    if (opened < 0) {
      errno = opened == VIPER_ERR_ACCESS_DENIED ? EPERM : ESRCH;
      return -1;
    }
    target = (viper_handle_t)opened;
  }
  int64_t result = 0;
  if (sig != 0) result = viper_syscall2(VIPER_SYS_SIGNAL_SEND, target, (uint64_t)sig);
  if (opened > 0) viper_handle_close((viper_handle_t)opened);
  if (result == VIPER_ERR_BAD_STATE) {
    errno = ESRCH; /* it is ending already */
    return -1;
  }
  return result < 0 ? fail(result) : 0;
}

/* fork, exec, waitpid, getppid, kill and the process list, as POSIX
 * programs use them (libc's process.c on VIPER_SYS_PROCESS_FORK/_EXEC/
 * _LIST/_OPEN). Runs as init: its parent is 0. Children that check
 * something report through their exit code (0: all well). */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <viperdos/viper.h>

#include "userland/testing/utest.h"

#define MS 1000000ull
#define HELPER "/bin/test_helper"

extern char** environ;

/* A child's exit code as waitpid reports it, or -1000 - errno. */
static int exit_code_of(pid_t pid) {
  int status = 0;
  const pid_t got = waitpid(pid, &status, 0);
  if (got != pid) return -1000 - errno;
  if (!WIFEXITED(status)) return -2000 - WTERMSIG(status);
  return WEXITSTATUS(status);
}

static void sleep_ms(uint64_t ms) { viper_thread_sleep(viper_deadline_after(ms * MS)); }

static int global_value = 1;

UTEST(fork, returns_twice_and_memory_is_copied_on_write_both_ways) {
  int on_stack = 10;
  int* on_heap = malloc(sizeof(int));
  UASSERT(on_heap);
  *on_heap = 100;
  const pid_t pid = fork();
  UASSERT(pid >= 0);
  if (pid == 0) {
    /* The parent writes right after fork: none of it may show here. */
    sleep_ms(50);
    int wrong = 0;
    if (global_value != 1 || on_stack != 10 || *on_heap != 100) wrong |= 1;
    global_value = 2;
    on_stack = 20;
    *on_heap = 200;
    if (global_value != 2 || on_stack != 20 || *on_heap != 200) wrong |= 2;
    _exit(wrong);
  }
  global_value = 3;
  on_stack = 30;
  *on_heap = 300;
  UEXPECT_EQ(exit_code_of(pid), 0);
  UEXPECT_EQ(global_value, 3);
  UEXPECT_EQ(on_stack, 30);
  UEXPECT_EQ(*on_heap, 300);
  free(on_heap);
  global_value = 1;
}

UTEST(fork, the_exit_code_reaches_waitpid) {
  const pid_t pid = fork();
  UASSERT(pid >= 0);
  if (pid == 0) _exit(42);
  int status = -1;
  UEXPECT_EQ(waitpid(pid, &status, 0), pid);
  UEXPECT(WIFEXITED(status));
  UEXPECT_EQ(WEXITSTATUS(status), 42);
  UEXPECT(!WIFSIGNALED(status));
}

static _Thread_local int tls_value = 7;

UTEST(fork, the_child_resumes_with_the_callers_registers_fp_and_tls) {
  tls_value = 1234;
  volatile double scale = 2.5;
  const double before = scale * 3.0;
  register uint64_t kept __asm__("x20") = 0x1122334455667788ull;
  __asm__ volatile("" : "+r"(kept));
  const pid_t pid = fork();
  UASSERT(pid >= 0);
  __asm__ volatile("" : "+r"(kept));
  if (pid == 0) {
    int wrong = 0;
    if (tls_value != 1234) wrong |= 1;
    if (scale * 3.0 != before || before != 7.5) wrong |= 2;
    if (kept != 0x1122334455667788ull) wrong |= 4;
    _exit(wrong);
  }
  UEXPECT_EQ(exit_code_of(pid), 0);
  UEXPECT_EQ(tls_value, 1234);
}

static uint32_t release_threads;

static void* park(void* arg) {
  (void)arg;
  while (__atomic_load_n(&release_threads, __ATOMIC_ACQUIRE) == 0) {
    viper_futex_wait(&release_threads, 0, VIPER_DEADLINE_NEVER);
  }
  return 0;
}

/* The caller's process as VIPER_SYS_PROCESS_INFO sees it. */
static int own_info(struct viper_process_info* info) {
  const int64_t self = viper_process_open((uint64_t)getpid());
  if (self < 0) return -1;
  const int64_t got = viper_process_info((viper_handle_t)self, info);
  viper_handle_close((viper_handle_t)self);
  return got < 0 ? -1 : 0;
}

UTEST(fork, from_four_threads_only_the_caller_runs_in_the_child) {
  release_threads = 0;
  pthread_t threads[3];
  for (int i = 0; i < 3; ++i) UASSERT(pthread_create(&threads[i], 0, park, 0) == 0);
  struct viper_process_info info;
  UASSERT(own_info(&info) == 0);
  UEXPECT_EQ(info.threads, 4);
  const pid_t pid = fork();
  UASSERT(pid >= 0);
  if (pid == 0) {
    struct viper_process_info mine;
    if (own_info(&mine) != 0) _exit(1);
    _exit(mine.threads == 1 ? 0 : 10 + (int)mine.threads);
  }
  UEXPECT_EQ(exit_code_of(pid), 0);
  __atomic_store_n(&release_threads, 1, __ATOMIC_RELEASE);
  viper_futex_wake(&release_threads, 100);
  for (int i = 0; i < 3; ++i) UEXPECT(pthread_join(threads[i], 0) == 0);
}

UTEST(exec, fork_and_execve_run_a_program_with_its_arguments) {
  const pid_t pid = fork();
  UASSERT(pid >= 0);
  if (pid == 0) {
    char* const argv[] = {"bin/test_helper", "args", "A", "B b", 0};
    char* const envp[] = {"KEY=value", 0};
    execve(HELPER, argv, envp);
    _exit(99); /* exec failed */
  }
  UEXPECT_EQ(exit_code_of(pid), 4); /* test_helper's argc */
}

UTEST(exec, the_program_keeps_the_pid_and_parent) {
  const pid_t pid = fork();
  UASSERT(pid >= 0);
  if (pid == 0) {
    char* const argv[] = {"bin/test_helper", "exit", "17", 0};
    execvp("test_helper", argv); /* PATH unset: /bin */
    _exit(99);
  }
  UEXPECT_EQ(exit_code_of(pid), 17);
}

/* The file-mode creation mask survives exec and reaches a spawned child
 * (POSIX); test_helper exits with the mask it started with. */
UTEST(exec, the_program_keeps_the_umask) {
  const mode_t before = umask(027);
  const pid_t pid = fork();
  UASSERT(pid >= 0);
  if (pid == 0) {
    char* const argv[] = {"bin/test_helper", "umask", 0};
    execv(HELPER, argv);
    _exit(99);
  }
  UEXPECT_EQ(exit_code_of(pid), 027);
  umask(0);
  char* const argv[] = {"bin/test_helper", "umask", 0};
  pid_t spawned;
  UASSERT_EQ(posix_spawn(&spawned, HELPER, 0, 0, argv, environ), 0);
  UEXPECT_EQ(exit_code_of(spawned), 0);
  umask(before);
}

UTEST(exec, a_corrupt_or_missing_program_fails_and_the_caller_goes_on) {
  char* const argv[] = {"bin/corrupt", 0};
  char* const envp[] = {0};
  errno = 0;
  UEXPECT_EQ(execve("/bin/corrupt", argv, envp), -1);
  UEXPECT_EQ(errno, ENOEXEC);
  errno = 0;
  UEXPECT_EQ(execve("/bin/no-such-program", argv, envp), -1);
  UEXPECT_EQ(errno, ENOENT);
  errno = 0;
  UEXPECT_EQ(execvp("no-such-program", argv), -1);
  UEXPECT_EQ(errno, ENOENT);
  /* Still this program, with its memory. */
  UEXPECT_EQ(global_value, 1);
  UEXPECT(getpid() > 0);
}

/* `#!` lines (libc's script.c): bin/helper-script is `#!/bin/test_helper
 * script`, so test_helper runs with "script", the script's path and the
 * rest of argv, and says 42 when they are exactly those. */
UTEST(exec, a_script_runs_through_its_interpreter_with_its_path_and_arguments) {
  const pid_t pid = fork();
  UASSERT(pid >= 0);
  if (pid == 0) {
    char* const argv[] = {"helper-script", "A", "B b", 0};
    execv("/bin/helper-script", argv);
    _exit(99);
  }
  UEXPECT_EQ(exit_code_of(pid), 42);
  char* const argv[] = {"helper-script", "A", "B b", 0};
  pid_t spawned = 0;
  UASSERT_EQ(posix_spawn(&spawned, "/bin/helper-script", 0, 0, argv, environ), 0);
  UEXPECT_EQ(exit_code_of(spawned), 42);
}

UTEST(exec, a_script_whose_interpreter_is_missing_or_a_script_is_refused) {
  char* const argv[] = {"script", 0};
  pid_t pid = 0;
  UEXPECT_EQ(posix_spawn(&pid, "/bin/missing-interpreter", 0, 0, argv, environ), ENOENT);
  UEXPECT_EQ(posix_spawn(&pid, "/bin/script-of-script", 0, 0, argv, environ), ENOEXEC);
  errno = 0;
  UEXPECT_EQ(execv("/bin/missing-interpreter", argv), -1);
  UEXPECT_EQ(errno, ENOENT);
  errno = 0;
  UEXPECT_EQ(execv("/bin/script-of-script", argv), -1);
  UEXPECT_EQ(errno, ENOEXEC);
  UEXPECT_EQ(global_value, 1); /* still this program */
}

UTEST(exec, a_failed_exec_in_a_threaded_child_leaves_its_threads_running) {
  const pid_t pid = fork();
  UASSERT(pid >= 0);
  if (pid == 0) {
    release_threads = 0;
    pthread_t thread;
    if (pthread_create(&thread, 0, park, 0) != 0) _exit(1);
    char* const argv[] = {"bin/corrupt", 0};
    if (execv("/bin/corrupt", argv) != -1 || errno != ENOEXEC) _exit(2);
    __atomic_store_n(&release_threads, 1, __ATOMIC_RELEASE);
    viper_futex_wake(&release_threads, 100);
    _exit(pthread_join(thread, 0) == 0 ? 0 : 3);
  }
  UEXPECT_EQ(exit_code_of(pid), 0);
}

UTEST(exec, a_threaded_process_execs_with_its_other_threads_ended) {
  const pid_t pid = fork();
  UASSERT(pid >= 0);
  if (pid == 0) {
    release_threads = 0;
    for (int i = 0; i < 3; ++i) {
      pthread_t thread;
      if (pthread_create(&thread, 0, park, 0) != 0) _exit(1);
    }
    char* const argv[] = {"bin/test_helper", "exit", "23", 0};
    execv(HELPER, argv);
    _exit(99);
  }
  UEXPECT_EQ(exit_code_of(pid), 23);
}

UTEST(waitpid, minus_one_collects_several_children_in_any_order) {
  enum { kChildren = 5 };
  pid_t pids[kChildren];
  for (int i = 0; i < kChildren; ++i) {
    pids[i] = fork();
    UASSERT(pids[i] >= 0);
    if (pids[i] == 0) {
      sleep_ms(20 * (kChildren - i)); /* the last forked ends first */
      _exit(10 + i);
    }
  }
  int seen = 0;
  for (int n = 0; n < kChildren; ++n) {
    int status = 0;
    const pid_t got = wait(&status);
    UASSERT(got > 0);
    UEXPECT(WIFEXITED(status));
    int found = -1;
    for (int i = 0; i < kChildren; ++i) {
      if (pids[i] == got) found = i;
    }
    UASSERT(found >= 0);
    UEXPECT_EQ(WEXITSTATUS(status), 10 + found);
    UEXPECT(!(seen & (1 << found)));
    seen |= 1 << found;
  }
  UEXPECT_EQ(seen, (1 << kChildren) - 1);
  errno = 0;
  UEXPECT_EQ(wait(0), -1);
  UEXPECT_EQ(errno, ECHILD);
}

UTEST(waitpid, wnohang_returns_zero_while_the_child_runs) {
  const pid_t pid = fork();
  UASSERT(pid >= 0);
  if (pid == 0) {
    sleep_ms(1000); /* long enough that a slow machine still finds it running */
    _exit(5);
  }
  int status = -1;
  UEXPECT_EQ(waitpid(pid, &status, WNOHANG), 0);
  UEXPECT_EQ(waitpid(-1, &status, WNOHANG), 0);
  UEXPECT_EQ(waitpid(pid, &status, 0), pid);
  UEXPECT(WIFEXITED(status) && WEXITSTATUS(status) == 5);
}

UTEST(waitpid, echild_without_such_a_child_and_einval_for_unknown_options) {
  errno = 0;
  UEXPECT_EQ(waitpid(-1, 0, 0), -1);
  UEXPECT_EQ(errno, ECHILD);
  errno = 0;
  UEXPECT_EQ(waitpid(123456789, 0, WNOHANG), -1);
  UEXPECT_EQ(errno, ECHILD);
  errno = 0;
  UEXPECT_EQ(waitpid(-5, 0, 0), -1);
  UEXPECT_EQ(errno, ECHILD);
  errno = 0;
  UEXPECT_EQ(waitpid(-1, 0, 0x40000), -1);
  UEXPECT_EQ(errno, EINVAL);
}

UTEST(process, getppid_names_the_forking_process) {
  const pid_t parent = getpid();
  UEXPECT_EQ(getppid(), 0); /* init: started by the kernel */
  const pid_t pid = fork();
  UASSERT(pid >= 0);
  if (pid == 0) _exit(getppid() == parent ? 0 : 1);
  UEXPECT_EQ(exit_code_of(pid), 0);
}

UTEST(kill, a_child_asleep_is_killed_and_reports_the_signal) {
  const int signals[] = {SIGKILL, SIGTERM};
  for (int i = 0; i < 2; ++i) {
    const pid_t pid = fork();
    UASSERT(pid >= 0);
    if (pid == 0) {
      sleep(100);
      _exit(1);
    }
    sleep_ms(30);
    UEXPECT_EQ(kill(pid, 0), 0); /* it exists */
    UEXPECT_EQ(kill(pid, signals[i]), 0);
    int status = 0;
    UEXPECT_EQ(waitpid(pid, &status, 0), pid);
    UEXPECT(WIFSIGNALED(status));
    UEXPECT_EQ(WTERMSIG(status), signals[i]);
  }
}

UTEST(kill, a_fault_reports_sigsegv) {
  const pid_t pid = fork();
  UASSERT(pid >= 0);
  if (pid == 0) {
    __asm__ volatile("mov x9, #0\n str wzr, [x9]" ::: "x9", "memory");
    _exit(1);
  }
  int status = 0;
  UEXPECT_EQ(waitpid(pid, &status, 0), pid);
  UEXPECT(WIFSIGNALED(status));
  UEXPECT_EQ(WTERMSIG(status), SIGSEGV);
}

UTEST(kill, bad_targets_are_refused) {
  errno = 0;
  UEXPECT_EQ(kill(123456789, SIGTERM), -1);
  UEXPECT_EQ(errno, ESRCH);
  errno = 0;
  UEXPECT_EQ(kill(getpid(), 64), -1);
  UEXPECT_EQ(errno, EINVAL);
  errno = 0;
  UEXPECT_EQ(kill(-1, SIGTERM), -1);
  UEXPECT_EQ(errno, EINVAL);
}

/* A child that waits until it is killed. */
static pid_t sleeper(void) {
  const pid_t pid = fork();
  if (pid == 0) {
    sleep(100);
    _exit(1);
  }
  return pid;
}

static void end(pid_t pid) {
  kill(pid, SIGKILL);
  waitpid(pid, 0, 0);
}

UTEST(process_list, contains_the_caller_and_its_children) {
  const pid_t a = sleeper();
  const pid_t b = sleeper();
  UASSERT(a > 0 && b > 0);
  struct viper_process_entry entries[64];
  const int64_t n = viper_process_list(entries, 64);
  UASSERT(n >= 3 && n <= 64);
  int found = 0;
  for (int64_t i = 0; i < n; ++i) {
    const struct viper_process_entry* e = &entries[i];
    if ((pid_t)e->id == getpid()) {
      found |= 1;
      UEXPECT_EQ(e->parent_id, 0);
      UEXPECT(e->threads >= 1);
      UEXPECT(e->memory_bytes > 0);
      UEXPECT(e->cpu_ns > 0);
      UEXPECT(strstr(e->name, "fork_test") != 0);
    }
    if ((pid_t)e->id == a || (pid_t)e->id == b) {
      found |= (pid_t)e->id == a ? 2 : 4;
      UEXPECT_EQ(e->parent_id, (uint64_t)getpid());
      UEXPECT_EQ(e->state, VIPER_PROCESS_RUNNING);
    }
  }
  UEXPECT_EQ(found, 7);
  UEXPECT_EQ(viper_process_list(0, 0), n); /* just the count */
  end(a);
  end(b);
}

UTEST(process_list, bad_arguments_are_refused) {
  UEXPECT_EQ(viper_process_list((struct viper_process_entry*)8, 4), VIPER_ERR_FAULT);
  UEXPECT_EQ(viper_process_list((struct viper_process_entry*)0xffff000000000000ull, 1),
             VIPER_ERR_FAULT);
  UEXPECT_EQ(viper_process_list(0, UINT64_MAX / 2), VIPER_ERR_OUT_OF_RANGE);
}

UTEST(process_open, opens_children_and_refuses_init_and_strangers) {
  const pid_t child = sleeper();
  UASSERT(child > 0);
  const int64_t opened = viper_process_open((uint64_t)child);
  UEXPECT(opened > 0);
  if (opened > 0) {
    struct viper_process_info info;
    UEXPECT_EQ(viper_process_info((viper_handle_t)opened, &info), 0);
    UEXPECT_EQ(info.id, (uint64_t)child);
    UEXPECT_EQ(info.parent_id, (uint64_t)getpid());
    viper_handle_close((viper_handle_t)opened);
  }
  UEXPECT_EQ(viper_process_open(0), VIPER_ERR_NOT_FOUND);
  UEXPECT_EQ(viper_process_open(UINT64_MAX), VIPER_ERR_NOT_FOUND);
  /* The child may not open its parent, init. */
  const pid_t init = getpid();
  const pid_t asker = fork();
  UASSERT(asker >= 0);
  if (asker == 0) {
    const int64_t result = viper_process_open((uint64_t)init);
    _exit(result == VIPER_ERR_ACCESS_DENIED ? 0 : 1);
  }
  UEXPECT_EQ(exit_code_of(asker), 0);
  end(child);
}

UTEST(process_open, siblings_reach_each_other_unless_their_parent_is_init) {
  /* init's children cannot open each other... */
  const pid_t first = sleeper();
  UASSERT(first > 0);
  const pid_t second = fork();
  UASSERT(second >= 0);
  if (second == 0) _exit(viper_process_open((uint64_t)first) == VIPER_ERR_ACCESS_DENIED ? 0 : 1);
  UEXPECT_EQ(exit_code_of(second), 0);
  end(first);
  /* ...but a shell's children can (kill PID for its background jobs). */
  const pid_t shell = fork();
  UASSERT(shell >= 0);
  if (shell == 0) {
    const pid_t job = sleeper();
    if (job <= 0) _exit(1);
    const pid_t killer = fork();
    if (killer == 0) _exit(kill(job, SIGKILL) == 0 ? 0 : 2);
    int status = 0;
    if (waitpid(killer, &status, 0) != killer || !WIFEXITED(status)) _exit(3);
    if (WEXITSTATUS(status) != 0) _exit(WEXITSTATUS(status));
    if (waitpid(job, &status, 0) != job || !WIFSIGNALED(status)) _exit(4);
    _exit(WTERMSIG(status) == SIGKILL ? 0 : 5);
  }
  UEXPECT_EQ(exit_code_of(shell), 0);
}

UTEST(exec, bad_arguments_are_refused_and_the_caller_goes_on) {
  UEXPECT_EQ(viper_process_exec((const struct viper_spawn_args*)8), VIPER_ERR_FAULT);
  const char* const argv[] = {"bin/test_helper"};
  struct viper_spawn_args args = {.path = (const char*)8, .argv = argv, .argc = 1};
  UEXPECT_EQ(viper_process_exec(&args), VIPER_ERR_FAULT);
  args.path = "bin/test_helper";
  args.argc = 1000;
  UEXPECT_EQ(viper_process_exec(&args), VIPER_ERR_OUT_OF_RANGE);
  args.argc = 1;
  args.bootstrap = 0x7fff1234;
  UEXPECT_EQ(viper_process_exec(&args), VIPER_ERR_BAD_HANDLE);
  args.bootstrap = 0;
  args.path = "bin";
  UEXPECT_EQ(viper_process_exec(&args), VIPER_ERR_NOT_FOUND);
}

/* 200 fork + exit + waitpid; how many did not exit with 0. */
static int two_hundred_forks(void) {
  int wrong = 0;
  for (int i = 0; i < 200; ++i) {
    const pid_t pid = fork();
    if (pid < 0) return 1000;
    if (pid == 0) _exit(0);
    if (exit_code_of(pid) != 0) ++wrong;
  }
  return wrong;
}

/* See process_test.c: the heap's caches may keep a few pages. */
#define HEAP_SLACK_BYTES (64 * 1024)

UTEST(fork, two_hundred_forks_leave_memory_and_processes_at_their_baseline) {
  UEXPECT_EQ(two_hundred_forks(), 0); /* warm-up: the caches grow to their high-water mark */
  struct viper_system_info before, after;
  utest_quiet_system(&before);
  UEXPECT_EQ(two_hundred_forks(), 0);
  utest_quiet_system(&after);
  UEXPECT_EQ(after.processes, before.processes);
  UEXPECT_EQ(after.threads, before.threads);
  UEXPECT(after.free_memory + HEAP_SLACK_BYTES >= before.free_memory);
  if (after.free_memory != before.free_memory) {
    utest_log("utest: free memory %lld bytes from the baseline",
              (long long)after.free_memory - (long long)before.free_memory);
  }
}

UTEST(log, the_kernel_log_holds_the_boot_messages_from_offset_zero) {
  static char log[64 * 1024 + 1];
  uint64_t size = 0;
  for (;;) {
    const int64_t n = viper_log_read(size, log + size, sizeof(log) - 1 - size);
    UASSERT(n >= 0);
    if (n == 0) break;
    size += (uint64_t)n;
  }
  log[size] = '\0';
  UEXPECT(size > 0);
  UEXPECT(strstr(log, "boot archive: ") != 0);
  char byte;
  UEXPECT_EQ(viper_log_read(size + 1000000, &byte, 1), 0);
  UEXPECT_EQ(viper_log_read(0, &byte, 0), 0);
}

UTEST(log, bad_buffers_are_refused) {
  UEXPECT_EQ(viper_log_read(0, (void*)8, 16), VIPER_ERR_FAULT);
  UEXPECT_EQ(viper_log_read(0, (void*)0xffff000040000000ull, 16), VIPER_ERR_FAULT);
  char small[8];
  UEXPECT_EQ(viper_log_read(0, small, UINT64_MAX), VIPER_ERR_FAULT);
}

/* Signals interrupt blocked calls: the call returns VIPER_ERR_INTERRUPTED
 * (EINTR in libc) and the handler has run by then. A helper thread, which
 * blocks the signal itself so only the main thread can take it, sends it
 * while the main thread waits. */
static volatile int usr1_seen;
static void on_usr1(int sig) { usr1_seen = sig; }

static uint32_t wait_returned;

/* Sends the signal every 20 ms until the wait has returned: one that comes
 * before the main thread blocks (a slow machine) only runs the handler
 * early, and the next one interrupts the wait. */
static void* send_usr1_soon(void* arg) {
  (void)arg;
  sigset_t only;
  sigemptyset(&only);
  sigaddset(&only, SIGUSR1);
  sigprocmask(SIG_BLOCK, &only, 0);
  while (!__atomic_load_n(&wait_returned, __ATOMIC_ACQUIRE)) {
    sleep_ms(20);
    kill(getpid(), SIGUSR1);
  }
  return 0;
}

/* Runs `wait` with a signal arriving meanwhile; what it returned. */
static int64_t interrupted(int64_t (*wait)(void)) {
  usr1_seen = 0;
  wait_returned = 0;
  signal(SIGUSR1, on_usr1);
  pthread_t sender;
  if (pthread_create(&sender, 0, send_usr1_soon, 0) != 0) return INT64_MIN;
  const int64_t result = wait();
  __atomic_store_n(&wait_returned, 1, __ATOMIC_RELEASE);
  pthread_join(sender, 0);
  signal(SIGUSR1, SIG_DFL);
  return result;
}

static uint32_t never_changes;
static int64_t futex_forever(void) {
  return viper_futex_wait(&never_changes, 0, VIPER_DEADLINE_NEVER);
}
static int64_t sleep_long(void) { return viper_thread_sleep(viper_deadline_after(5000 * MS)); }
static int64_t read_silent_channel(void) {
  viper_handle_t pair[2];
  if (viper_channel_create(pair) != 0) return INT64_MIN;
  char byte;
  struct viper_message m = {&byte, 0, 1, 0, 0, 0};
  const int64_t result = viper_channel_read(pair[0], &m, VIPER_DEADLINE_NEVER);
  viper_handle_close(pair[0]);
  viper_handle_close(pair[1]);
  return result;
}
static int64_t wait_on_event(void) {
  const int64_t event = viper_event_create();
  if (event < 0) return INT64_MIN;
  const int64_t result =
      viper_object_wait((viper_handle_t)event, VIPER_SIGNAL_USER0, VIPER_DEADLINE_NEVER);
  viper_handle_close((viper_handle_t)event);
  return result;
}
static int64_t wait_on_pollset(void) {
  const int64_t set = viper_pollset_create();
  const int64_t event = viper_event_create();
  if (set < 0 || event < 0) return INT64_MIN;
  viper_pollset_add((viper_handle_t)set, (viper_handle_t)event, VIPER_SIGNAL_USER0, 1);
  struct viper_poll_event got;
  const int64_t result = viper_pollset_wait((viper_handle_t)set, &got, 1, VIPER_DEADLINE_NEVER);
  viper_handle_close((viper_handle_t)event);
  viper_handle_close((viper_handle_t)set);
  return result;
}
static int64_t posix_sleep(void) {
  const struct timespec second = {.tv_sec = 5, .tv_nsec = 0};
  errno = 0;
  const int result = nanosleep(&second, 0);
  return result == -1 && errno == EINTR ? VIPER_ERR_INTERRUPTED : result;
}

UTEST(eintr, a_signal_interrupts_a_futex_wait) {
  UEXPECT_EQ(interrupted(futex_forever), VIPER_ERR_INTERRUPTED);
  UEXPECT_EQ(usr1_seen, SIGUSR1);
}

UTEST(eintr, a_signal_interrupts_a_sleep) {
  const uint64_t start = viper_clock_monotonic();
  UEXPECT_EQ(interrupted(sleep_long), VIPER_ERR_INTERRUPTED);
  UEXPECT_EQ(usr1_seen, SIGUSR1);
  UEXPECT(viper_clock_monotonic() - start < 4000 * MS);
  UEXPECT_EQ(interrupted(posix_sleep), VIPER_ERR_INTERRUPTED);
  UEXPECT_EQ(usr1_seen, SIGUSR1);
}

UTEST(eintr, a_signal_interrupts_a_channel_read) {
  UEXPECT_EQ(interrupted(read_silent_channel), VIPER_ERR_INTERRUPTED);
  UEXPECT_EQ(usr1_seen, SIGUSR1);
}

UTEST(eintr, a_signal_interrupts_object_and_pollset_waits) {
  UEXPECT_EQ(interrupted(wait_on_event), VIPER_ERR_INTERRUPTED);
  UEXPECT_EQ(usr1_seen, SIGUSR1);
  UEXPECT_EQ(interrupted(wait_on_pollset), VIPER_ERR_INTERRUPTED);
  UEXPECT_EQ(usr1_seen, SIGUSR1);
}

UTEST(eintr, a_blocked_signal_does_not_interrupt) {
  sigset_t only, old;
  sigemptyset(&only);
  sigaddset(&only, SIGUSR1);
  sigprocmask(SIG_BLOCK, &only, &old);
  usr1_seen = 0;
  signal(SIGUSR1, on_usr1);
  kill(getpid(), SIGUSR1); /* pending, blocked */
  UEXPECT_EQ(viper_thread_sleep(viper_deadline_after(20 * MS)), 0);
  UEXPECT_EQ(usr1_seen, 0);
  sigprocmask(SIG_SETMASK, &old, 0); /* delivered on the way back from this call */
  UEXPECT_EQ(usr1_seen, SIGUSR1);
  signal(SIGUSR1, SIG_DFL);
}

/* Shareable memory objects: one object mapped in several places and
 * processes shows the same bytes everywhere. */
#define RW (VIPER_PROT_READ | VIPER_PROT_WRITE)

UTEST(vmo, two_mappings_in_one_process_are_the_same_bytes) {
  const int64_t vmo = viper_vmo_create(3 * 4096 - 100);
  UASSERT(vmo > 0);
  UEXPECT_EQ(viper_vmo_size((viper_handle_t)vmo), 3 * 4096);
  struct viper_object_info info;
  UEXPECT_EQ(viper_object_info((viper_handle_t)vmo, &info), 0);
  UEXPECT_EQ(info.type, VIPER_OBJECT_VMO);
  const int64_t a = viper_vmo_map((viper_handle_t)vmo, 0, RW);
  const int64_t b = viper_vmo_map((viper_handle_t)vmo, 0, VIPER_PROT_READ);
  UASSERT(a > 0 && b > 0 && a != b);
  volatile uint8_t* pa = (volatile uint8_t*)(uintptr_t)a;
  volatile uint8_t* pb = (volatile uint8_t*)(uintptr_t)b;
  UEXPECT_EQ(pb[5000], 0); /* zeroed */
  pa[5000] = 0x5a;
  UEXPECT_EQ(pb[5000], 0x5a);
  UEXPECT_EQ(viper_vm_unmap((uint64_t)a, 3 * 4096), 0);
  viper_handle_close((viper_handle_t)vmo);
  UEXPECT_EQ(pb[5000], 0x5a); /* the mapping keeps the pages */
  UEXPECT_EQ(viper_vm_unmap((uint64_t)b, 3 * 4096), 0);
}

UTEST(vmo, a_forked_child_shares_the_mapping_and_the_handle) {
  const int64_t vmo = viper_vmo_create(4096);
  UASSERT(vmo > 0);
  const int64_t at = viper_vmo_map((viper_handle_t)vmo, 0, RW);
  UASSERT(at > 0);
  volatile uint32_t* shared = (volatile uint32_t*)(uintptr_t)at;
  shared[0] = 1;
  const pid_t pid = fork();
  UASSERT(pid >= 0);
  if (pid == 0) {
    /* The mapping stayed shared across fork (never copy-on-write)... */
    if (shared[0] != 1) _exit(1);
    shared[0] = 2;
    /* ...and the inherited handle maps the same pages again. */
    const int64_t again = viper_vmo_map((viper_handle_t)vmo, 0, RW);
    if (again <= 0) _exit(2);
    ((volatile uint32_t*)(uintptr_t)again)[1] = 3;
    _exit(0);
  }
  UEXPECT_EQ(exit_code_of(pid), 0);
  UEXPECT_EQ(shared[0], 2);
  UEXPECT_EQ(shared[1], 3);
  viper_vm_unmap((uint64_t)at, 4096);
  viper_handle_close((viper_handle_t)vmo);
}

UTEST(vmo, passed_over_a_channel_to_another_process) {
  viper_handle_t pair[2];
  UASSERT(viper_channel_create(pair) == 0);
  const pid_t pid = fork();
  UASSERT(pid >= 0);
  if (pid == 0) {
    viper_handle_t got = 0;
    char byte;
    struct viper_message m = {&byte, 0, 1, &got, 0, 1};
    if (viper_channel_read(pair[1], &m, VIPER_DEADLINE_NEVER) < 0 || m.handle_count != 1) _exit(1);
    const int64_t at = viper_vmo_map(got, 0, RW);
    if (at <= 0) _exit(2);
    ((volatile char*)(uintptr_t)at)[100] = 'k';
    _exit(0);
  }
  const int64_t vmo = viper_vmo_create(8192);
  UASSERT(vmo > 0);
  const int64_t at = viper_vmo_map((viper_handle_t)vmo, 0, VIPER_PROT_READ);
  UASSERT(at > 0);
  const int64_t dup = viper_handle_duplicate((viper_handle_t)vmo, VIPER_RIGHTS_ALL);
  UASSERT(dup > 0);
  viper_handle_t moved = (viper_handle_t)dup;
  UEXPECT_EQ(viper_channel_write(pair[0], "v", 1, &moved, 1), 0);
  UEXPECT_EQ(exit_code_of(pid), 0);
  UEXPECT_EQ(((volatile char*)(uintptr_t)at)[100], 'k');
  viper_vm_unmap((uint64_t)at, 8192);
  viper_handle_close((viper_handle_t)vmo);
  viper_handle_close(pair[0]);
  viper_handle_close(pair[1]);
}

UTEST(vmo, bad_arguments_are_refused) {
  UEXPECT_EQ(viper_vmo_create(0), VIPER_ERR_OUT_OF_RANGE);
  UEXPECT_EQ(viper_vmo_create(VIPER_VMO_BYTES_MAX + 1ull), VIPER_ERR_OUT_OF_RANGE);
  UEXPECT_EQ(viper_vmo_create(UINT64_MAX), VIPER_ERR_OUT_OF_RANGE);
  const int64_t vmo = viper_vmo_create(4096);
  UASSERT(vmo > 0);
  UEXPECT_EQ(viper_vmo_map((viper_handle_t)vmo, 0, VIPER_PROT_WRITE | VIPER_PROT_EXEC),
             VIPER_ERR_INVALID_ARGUMENT);
  UEXPECT_EQ(viper_vmo_map((viper_handle_t)vmo, 0, 0x80), VIPER_ERR_INVALID_ARGUMENT);
  UEXPECT_EQ(viper_vmo_map((viper_handle_t)vmo, 0x10000123, RW), VIPER_ERR_INVALID_ARGUMENT);
  UEXPECT_EQ(viper_vmo_map((viper_handle_t)vmo, 0xffff000000000000ull, RW),
             VIPER_ERR_INVALID_ARGUMENT);
  UEXPECT_EQ(viper_vmo_map(0x7fff1234, 0, RW), VIPER_ERR_BAD_HANDLE);
  const int64_t event = viper_event_create();
  UEXPECT_EQ(viper_vmo_map((viper_handle_t)event, 0, RW), VIPER_ERR_BAD_HANDLE);
  UEXPECT_EQ(viper_vmo_size((viper_handle_t)event), VIPER_ERR_BAD_HANDLE);
  const int64_t read_only = viper_handle_duplicate((viper_handle_t)vmo, VIPER_RIGHT_READ);
  UASSERT(read_only > 0);
  UEXPECT_EQ(viper_vmo_map((viper_handle_t)read_only, 0, RW), VIPER_ERR_ACCESS_DENIED);
  const int64_t at = viper_vmo_map((viper_handle_t)read_only, 0, VIPER_PROT_READ);
  UEXPECT(at > 0);
  UEXPECT_EQ(viper_vmo_map((viper_handle_t)vmo, (uint64_t)at, RW), VIPER_ERR_ALREADY_EXISTS);
  viper_vm_unmap((uint64_t)at, 4096);
  viper_handle_close((viper_handle_t)read_only);
  viper_handle_close((viper_handle_t)event);
  viper_handle_close((viper_handle_t)vmo);
}

static int hundred_shared_objects(void) {
  int wrong = 0;
  for (int i = 0; i < 100; ++i) {
    const int64_t vmo = viper_vmo_create(64 * 1024);
    if (vmo <= 0) return 1000;
    const int64_t at = viper_vmo_map((viper_handle_t)vmo, 0, RW);
    if (at <= 0) ++wrong;
    if (at > 0) ((volatile char*)(uintptr_t)at)[i] = 1;
    /* Closed while mapped, unmapped after: the other order. */
    viper_handle_close((viper_handle_t)vmo);
    if (at > 0 && viper_vm_unmap((uint64_t)at, 64 * 1024) != 0) ++wrong;
  }
  return wrong;
}

UTEST(vmo, a_hundred_objects_leave_memory_at_its_baseline) {
  UEXPECT_EQ(hundred_shared_objects(), 0);
  struct viper_system_info before, after;
  utest_quiet_system(&before);
  UEXPECT_EQ(hundred_shared_objects(), 0);
  utest_quiet_system(&after);
  UEXPECT(after.free_memory + HEAP_SLACK_BYTES >= before.free_memory);
}

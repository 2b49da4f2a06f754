/* Signals at EL0 (init=bin/signal_test): handlers run and return through
 * the kernel's trampoline with the interrupted state intact, a fault
 * (SIGSEGV from a null pointer, SIGILL from an undefined instruction)
 * reaches its handler, masks hold a signal back until unblocked, and a
 * signal without a handler ends the process with -signal. Prints ktest
 * lines; the exit code is the number of failures. */
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <viperdos/viper.h>

static int failures;
static int passes;

static void check(int ok, const char* name, const char* what) {
  if (ok) {
    printf("KTEST PASS signals.%s\n", name);
    ++passes;
  } else {
    printf("KTEST FAIL signals.%s: %s\n", name, what);
    ++failures;
  }
}

static volatile int usr1_seen;
static volatile double fp_in_handler;
static void on_usr1(int signal) {
  usr1_seen = signal;
  /* Clobbers FP registers the interrupted code may hold. */
  volatile double x = 1.0;
  for (int i = 0; i < 10; ++i) x = x * 3.5 + 0.25;
  fp_in_handler = x;
}

static jmp_buf recover;

/* After a longjmp out of a handler the signal is still blocked (only
 * sigreturn restores the mask). */
static void unblock(int signal) {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, signal);
  sigprocmask(SIG_UNBLOCK, &set, NULL);
}
static volatile int fault_seen;
static void on_fault(int signal) {
  fault_seen = signal;
  longjmp(recover, 1); /* the signal stays blocked: the test unblocks it */
}

static void test_handler_runs_and_returns(void) {
  signal(SIGUSR1, on_usr1);
  double kept = 2.5;
  __asm__ volatile("" : "+w"(kept)); /* keep it in a FP register across raise() */
  const int raised = raise(SIGUSR1);
  __asm__ volatile("" : "+w"(kept));
  check(raised == 0 && usr1_seen == SIGUSR1, "handler_runs_and_returns", "SIGUSR1 not seen");
  check(kept == 2.5, "fp_registers_survive_a_handler", "a FP register changed");
  check(fp_in_handler > 1.0, "handler_can_use_fp", "no FP result");
}

static void test_segv_reaches_a_handler(void) {
  signal(SIGSEGV, on_fault);
  fault_seen = 0;
  if (setjmp(recover) == 0) {
    volatile int* null = 0;
    *null = 42;
    check(0, "segv_reaches_a_handler", "the write to address 0 did not fault");
    return;
  }
  check(fault_seen == SIGSEGV, "segv_reaches_a_handler", "handler did not see SIGSEGV");
  unblock(SIGSEGV);
}

static void test_sigill_reaches_a_handler(void) {
  signal(SIGILL, on_fault);
  fault_seen = 0;
  if (setjmp(recover) == 0) {
    __asm__ volatile(".word 0x00000000"); /* permanently undefined */
    check(0, "sigill_reaches_a_handler", "undefined instruction ran");
    return;
  }
  check(fault_seen == SIGILL, "sigill_reaches_a_handler", "handler did not see SIGILL");
  unblock(SIGILL);
}

static void test_blocked_signal_waits(void) {
  usr1_seen = 0;
  sigset_t block;
  sigemptyset(&block);
  sigaddset(&block, SIGUSR1);
  sigprocmask(SIG_BLOCK, &block, NULL);
  raise(SIGUSR1);
  const int while_blocked = usr1_seen;
  sigprocmask(SIG_UNBLOCK, &block, NULL);
  /* Unblocking returns through the kernel: the pending signal is delivered. */
  check(while_blocked == 0 && usr1_seen == SIGUSR1, "blocked_signal_waits_until_unblocked",
        "delivered while blocked, or never");
}

/* A raw sigaction with unknown flags must fail. */
static int viper_syscall3_wrapper_flags_refused(void) {
  const struct viper_sigaction bad = {
      .handler = (uint64_t)(uintptr_t)on_usr1, .mask = 0, .flags = 1};
  register uint64_t x8 __asm__("x8") = VIPER_SYS_SIGNAL_ACTION;
  register uint64_t x0 __asm__("x0") = SIGUSR2;
  register uint64_t x1 __asm__("x1") = (uint64_t)(uintptr_t)&bad;
  register uint64_t x2 __asm__("x2") = 0;
  __asm__ volatile("svc #0" : "+r"(x0) : "r"(x8), "r"(x1), "r"(x2) : "memory");
  return (int64_t)x0 == VIPER_ERR_INVALID_ARGUMENT;
}

static void test_bad_arguments(void) {
  struct sigaction action;
  memset(&action, 0, sizeof(action));
  action.sa_handler = on_usr1;
  check(sigaction(0, &action, NULL) != 0 && sigaction(64, &action, NULL) != 0 &&
            sigaction(SIGKILL, &action, NULL) != 0,
        "bad_signal_numbers_are_refused", "accepted");
  check(viper_syscall3_wrapper_flags_refused(), "unknown_flags_are_refused", "accepted");
}

int main(int argc, char** argv) {
  (void)argc;
  (void)argv;
  test_handler_runs_and_returns();
  test_segv_reaches_a_handler();
  test_sigill_reaches_a_handler();
  test_blocked_signal_waits();
  test_bad_arguments();
  printf("KTEST-SUMMARY passed=%d failed=%d\n", passes, failures);
  return failures;
}

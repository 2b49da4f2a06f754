/* The system-call entry (kernel/arch/aarch64/vectors.S, el0_svc): a call
 * returns with every register but x0 as it was, although the short path
 * leaves x19-x28 in their registers instead of the frame, also when the
 * caller sleeps in the call, other threads run on its CPU, and a signal
 * handler runs on the way back; and work a call leaves pending (a signal
 * it raised or unblocked, a kill of its own process) is done before the
 * caller's next instruction, not at some later exception. */
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <sys/wait.h>
#include <unistd.h>
#include <viperdos/viper.h>

#include "userland/libc/syscall.h"
#include "userland/testing/utest.h"

#define STR2(x) #x
#define STR(x) STR2(x)

/* svc_loop(seed, calls, number, arg0): x1-x7, x9-x30 = seed + their
 * number, then `calls` calls of `number` with x0 = arg0, and a yield
 * (thread_sleep with a deadline passed) after every 16th; returns how
 * many of those 29 registers were not what they were set to afterwards. */
long svc_loop(uint64_t seed, long calls, uint64_t number, uint64_t arg0);
__asm__(
    "    .text\n"
    "    .balign 4\n"
    "    .global svc_loop\n"
    "svc_loop:\n"
    "    stp x29, x30, [sp, #-128]!\n"
    "    stp x19, x20, [sp, #16]\n"
    "    stp x21, x22, [sp, #32]\n"
    "    stp x23, x24, [sp, #48]\n"
    "    stp x25, x26, [sp, #64]\n"
    "    stp x27, x28, [sp, #80]\n"
    "    stp x0, x1, [sp, #96]\n"  /* the seed, the count */
    "    stp x2, x3, [sp, #112]\n" /* the call */
    "    add x1, x0, #1\n"
    "    add x2, x0, #2\n"
    "    add x3, x0, #3\n"
    "    add x4, x0, #4\n"
    "    add x5, x0, #5\n"
    "    add x6, x0, #6\n"
    "    add x7, x0, #7\n"
    "    add x9, x0, #9\n"
    "    add x10, x0, #10\n"
    "    add x11, x0, #11\n"
    "    add x12, x0, #12\n"
    "    add x13, x0, #13\n"
    "    add x14, x0, #14\n"
    "    add x15, x0, #15\n"
    "    add x16, x0, #16\n"
    "    add x17, x0, #17\n"
    "    add x18, x0, #18\n"
    "    add x19, x0, #19\n"
    "    add x20, x0, #20\n"
    "    add x21, x0, #21\n"
    "    add x22, x0, #22\n"
    "    add x23, x0, #23\n"
    "    add x24, x0, #24\n"
    "    add x25, x0, #25\n"
    "    add x26, x0, #26\n"
    "    add x27, x0, #27\n"
    "    add x28, x0, #28\n"
    "    add x29, x0, #29\n"
    "    add x30, x0, #30\n"
    "1:  ldp x8, x0, [sp, #112]\n"
    "    svc #0\n"
    "    ldr x0, [sp, #104]\n"
    "    tst x0, #15\n"
    "    b.ne 2f\n"
    "    mov x0, #0\n"
    "    mov x8, #" STR(VIPER_SYS_THREAD_SLEEP) "\n"
    "    svc #0\n"
    "    ldr x0, [sp, #104]\n"
    "2:  subs x0, x0, #1\n"
    "    str x0, [sp, #104]\n"
    "    b.ne 1b\n"
    "    ldr x8, [sp, #96]\n" /* the seed */
    "    mov x0, #0\n"
    "    .irp r, 1,2,3,4,5,6,7,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30\n"
    "    sub x\\r, x\\r, x8\n"
    "    cmp x\\r, #\\r\n"
    "    cinc x0, x0, ne\n"
    "    .endr\n"
    "    ldp x19, x20, [sp, #16]\n"
    "    ldp x21, x22, [sp, #32]\n"
    "    ldp x23, x24, [sp, #48]\n"
    "    ldp x25, x26, [sp, #64]\n"
    "    ldp x27, x28, [sp, #80]\n"
    "    ldp x29, x30, [sp], #128\n"
    "    ret\n");

static volatile long usr1_seen;

/* Runs on the way back from a call; clobbers the caller-saved registers,
 * which only the signal frame can give the interrupted code back. */
static void on_usr1(int signal) {
  (void)signal;
  __asm__ volatile(
      "mov x9, #1\n mov x10, #1\n mov x11, #1\n mov x12, #1\n mov x13, #1\n"
      "mov x14, #1\n mov x15, #1\n mov x16, #1\n mov x17, #1\n" ::
          : "x9", "x10", "x11", "x12", "x13", "x14", "x15", "x16", "x17");
  usr1_seen = usr1_seen + 1;
}

static long getppid_loop(uint64_t seed, long calls) {
  return svc_loop(seed, calls, VIPER_SYS_PROCESS_PARENT_ID, 0);
}

UTEST(entry, every_register_but_x0_survives_calls_and_yields) {
  UEXPECT_EQ(getppid_loop(0x1234500000000000ull, 4096), 0);
}

/* The long way (a call that needs the whole frame, refused before it
 * acts: exec of a bad pointer) and an unknown number keep them too. */
UTEST(entry, every_register_but_x0_survives_the_long_way_and_unknown_numbers) {
  UEXPECT_EQ(svc_loop(0x2345600000000000ull, 256, VIPER_SYS_PROCESS_EXEC, 8), 0);
  UEXPECT_EQ(svc_loop(0x3456700000000000ull, 256, VIPER_SYS_COUNT, 0), 0);
}

#define LOOPERS 3

static volatile int looping_done;
static volatile long looper_failures[LOOPERS];

static void* looper(void* arg) {
  const uintptr_t index = (uintptr_t)arg;
  looper_failures[index] = getppid_loop((uint64_t)(index + 1) << 40, 20000);
  return 0;
}

static void* signaller(void* arg) {
  (void)arg;
  /* This thread's mask: the process's signal goes to another thread. */
  const uint64_t usr1 = (uint64_t)1 << SIGUSR1;
  viper_syscall3(VIPER_SYS_SIGNAL_MASK, VIPER_SIG_BLOCK, (uint64_t)&usr1, 0);
  while (!looping_done) {
    viper_syscall2(VIPER_SYS_SIGNAL_SEND, 0, SIGUSR1);
    viper_syscall1(VIPER_SYS_THREAD_SLEEP, 0); /* a yield */
  }
  return 0;
}

/* More threads than CPUs, each with its own register values, so calls
 * sleep and other threads' registers pass through every CPU, while
 * signals keep arriving: a register the entry failed to save, or saved
 * into the wrong frame, shows as a mismatch. */
UTEST(entry, registers_survive_calls_while_threads_switch_and_signals_arrive) {
  signal(SIGUSR1, on_usr1);
  usr1_seen = 0;
  looping_done = 0;
  pthread_t loopers[LOOPERS];
  pthread_t sender;
  for (uintptr_t i = 0; i < LOOPERS; ++i) {
    UASSERT_EQ(pthread_create(&loopers[i], 0, looper, (void*)i), 0);
  }
  UASSERT_EQ(pthread_create(&sender, 0, signaller, 0), 0);
  const long mine = getppid_loop(0x7700000000000000ull, 20000);
  for (int i = 0; i < LOOPERS; ++i) UEXPECT_EQ(pthread_join(loopers[i], 0), 0);
  looping_done = 1;
  UEXPECT_EQ(pthread_join(sender, 0), 0);
  UEXPECT_EQ(mine, 0);
  for (int i = 0; i < LOOPERS; ++i) UEXPECT_EQ(looper_failures[i], 0);
  utest_log("INFO %ld signals handled during the loops", usr1_seen);
  UEXPECT(usr1_seen > 0);
  signal(SIGUSR1, SIG_DFL);
}

UTEST(entry, a_signal_a_call_raises_runs_before_the_call_returns) {
  signal(SIGUSR1, on_usr1);
  usr1_seen = 0;
  UASSERT_EQ(viper_syscall2(VIPER_SYS_SIGNAL_SEND, 0, SIGUSR1), 0);
  const long seen = usr1_seen; /* the next instruction after the svc */
  UEXPECT_EQ(seen, 1);
  signal(SIGUSR1, SIG_DFL);
}

UTEST(entry, a_signal_a_call_unblocks_runs_before_the_call_returns) {
  signal(SIGUSR1, on_usr1);
  usr1_seen = 0;
  const uint64_t usr1 = (uint64_t)1 << SIGUSR1;
  UASSERT_EQ(viper_syscall3(VIPER_SYS_SIGNAL_MASK, VIPER_SIG_BLOCK, (uint64_t)&usr1, 0), 0);
  UASSERT_EQ(viper_syscall2(VIPER_SYS_SIGNAL_SEND, 0, SIGUSR1), 0);
  UEXPECT_EQ(usr1_seen, 0); /* blocked: pending only */
  UASSERT_EQ(viper_syscall3(VIPER_SYS_SIGNAL_MASK, VIPER_SIG_UNBLOCK, (uint64_t)&usr1, 0), 0);
  const long seen = usr1_seen;
  UEXPECT_EQ(seen, 1);
  signal(SIGUSR1, SIG_DFL);
}

/* A child kills its own process; the store after the call must never
 * happen (the page is shared across fork, so the parent would see it). */
UTEST(entry, a_kill_a_call_raises_ends_the_thread_before_the_call_returns) {
  const int64_t vmo = viper_vmo_create(4096);
  UASSERT(vmo >= 0);
  const int64_t address = viper_vmo_map((viper_handle_t)vmo, 0, VIPER_PROT_READ | VIPER_PROT_WRITE);
  viper_handle_close((viper_handle_t)vmo);
  UASSERT(address > 0);
  volatile uint64_t* after = (volatile uint64_t*)(uintptr_t)address;
  *after = 0;
  for (int round = 0; round < 20; ++round) {
    const pid_t child = fork();
    UASSERT(child >= 0);
    if (child == 0) {
      viper_syscall2(VIPER_SYS_SIGNAL_SEND, 0, SIGKILL);
      *after = 1;
      _exit(0);
    }
    int status = 0;
    UASSERT_EQ(waitpid(child, &status, 0), child);
    UEXPECT(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
    UEXPECT_EQ(*after, 0);
  }
}

/* The same with process_kill on a handle to its own process. */
UTEST(entry, a_process_kill_of_its_own_process_ends_the_caller_before_it_returns) {
  const int64_t vmo = viper_vmo_create(4096);
  UASSERT(vmo >= 0);
  const int64_t address = viper_vmo_map((viper_handle_t)vmo, 0, VIPER_PROT_READ | VIPER_PROT_WRITE);
  viper_handle_close((viper_handle_t)vmo);
  UASSERT(address > 0);
  volatile uint64_t* after = (volatile uint64_t*)(uintptr_t)address;
  *after = 0;
  const pid_t child = fork();
  UASSERT(child >= 0);
  if (child == 0) {
    const int64_t self = viper_process_open((uint64_t)getpid());
    if (self < 0) _exit(2);
    viper_process_kill((viper_handle_t)self);
    *after = 1;
    _exit(0);
  }
  int status = 0;
  UASSERT_EQ(waitpid(child, &status, 0), child);
  UEXPECT(!WIFEXITED(status) || WEXITSTATUS(status) != 2); /* it could open itself */
  UEXPECT(!(WIFEXITED(status) && WEXITSTATUS(status) == 0));
  UEXPECT_EQ(*after, 0);
}

/* Bad input on the entry itself: a number past the table is
 * kUnknownCall on the short path, and a whole-frame call with a bad
 * argument fails on the long one with the caller unchanged. */
UTEST(entry, bad_numbers_and_arguments_are_refused) {
  UEXPECT_EQ(viper_syscall0(VIPER_SYS_COUNT), VIPER_ERR_UNKNOWN_CALL);
  UEXPECT_EQ(viper_syscall0(~0ull), VIPER_ERR_UNKNOWN_CALL);
  UEXPECT_EQ(viper_syscall1(VIPER_SYS_PROCESS_EXEC, 8), VIPER_ERR_FAULT);
}

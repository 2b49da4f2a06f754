/* Signals through the kernel (<viperdos/syscalls.h>, docs/userspace.md):
 * sigaction, sigprocmask, signal and raise (kill is in process.c). They
 * replace picolibc's signal()/raise(), which only emulate signals inside
 * the process and so could never see a fault. */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>
#include <viperdos/viper.h>

#include "userland/libc/syscall.h"

static int fail(int64_t result) {
  if (result >= 0) return 0;
  errno = result == VIPER_ERR_FAULT ? EFAULT : EINVAL;
  return -1;
}

static uint64_t mask_of(const sigset_t* set) {
  uint64_t mask = 0;
  memcpy(&mask, set, sizeof(*set) < sizeof(mask) ? sizeof(*set) : sizeof(mask));
  return mask;
}

int sigaction(int signal, const struct sigaction* action, struct sigaction* old) {
  struct viper_sigaction wanted;
  struct viper_sigaction previous;
  if (action) {
    wanted.handler = (uint64_t)(uintptr_t)action->sa_handler;
    wanted.mask = mask_of(&action->sa_mask);
    wanted.flags = 0;
  }
  const int64_t result = viper_syscall3(VIPER_SYS_SIGNAL_ACTION, (uint64_t)signal,
                                        action ? (uint64_t)(uintptr_t)&wanted : 0,
                                        old ? (uint64_t)(uintptr_t)&previous : 0);
  if (result < 0) return fail(result);
  if (old) {
    memset(old, 0, sizeof(*old));
    old->sa_handler = (_sig_func_ptr)(uintptr_t)previous.handler;
    memcpy(&old->sa_mask, &previous.mask,
           sizeof(old->sa_mask) < sizeof(previous.mask) ? sizeof(old->sa_mask)
                                                        : sizeof(previous.mask));
  }
  return 0;
}

_sig_func_ptr signal(int sig, _sig_func_ptr handler) {
  struct sigaction action;
  struct sigaction old;
  memset(&action, 0, sizeof(action));
  action.sa_handler = handler;
  if (sigaction(sig, &action, &old) != 0) return SIG_ERR;
  return old.sa_handler;
}

int sigprocmask(int how, const sigset_t* set, sigset_t* old) {
  const int viper_how = how == SIG_BLOCK     ? VIPER_SIG_BLOCK
                        : how == SIG_UNBLOCK ? VIPER_SIG_UNBLOCK
                        : how == SIG_SETMASK ? VIPER_SIG_SETMASK
                                             : -1;
  if (set && viper_how < 0) {
    errno = EINVAL;
    return -1;
  }
  uint64_t wanted = set ? mask_of(set) : 0;
  uint64_t previous = 0;
  const int64_t result =
      viper_syscall3(VIPER_SYS_SIGNAL_MASK, (uint64_t)viper_how,
                     set ? (uint64_t)(uintptr_t)&wanted : 0, (uint64_t)(uintptr_t)&previous);
  if (result < 0) return fail(result);
  if (old) {
    memset(old, 0, sizeof(*old));
    memcpy(old, &previous, sizeof(*old) < sizeof(previous) ? sizeof(*old) : sizeof(previous));
  }
  return 0;
}

/* The signal is delivered on the way back from the system call, so the
 * handler has run when raise() returns. */
int raise(int sig) { return fail(viper_syscall2(VIPER_SYS_SIGNAL_SEND, 0, (uint64_t)sig)); }

/* kill() is in process.c: it reaches children and other relatives too. */

/* The system-call fuzzer: four threads make random calls with random and
 * boundary arguments for `seconds` (argv[1], default 10), then the program
 * exits 0. It never ends itself on purpose: no process_exit or thread_exit,
 * threads only with bad arguments, spawns only of `test_helper exit 0`;
 * unmap and protect only inside its own arena; exec only of programs that
 * cannot run, power only with actions that do not exist. Whatever the kernel does
 * with the rest must be an error code or a success, never a panic or a
 * hang (every deadline is at most a millisecond away).
 * syscall_fuzz_test runs it and checks that it left nothing behind. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <viperdos/viper.h>

#include "userland/libc/syscall.h"

#define FUZZERS 4
#define POOL 32
#define ARENA_BYTES (256 * 1024)

static uint64_t arena;
static viper_handle_t pool[POOL]; /* handles the fuzzers made (some stale) */
static uint64_t deadline_end;
static uint64_t calls_made[FUZZERS];
static uint32_t enabled = ~0u; /* argv[2]: a mask of one_call's cases, to narrow a finding */

static uint64_t next(uint64_t* s) {
  uint64_t x = *s;
  x ^= x << 13;
  x ^= x >> 7;
  x ^= x << 17;
  return *s = x;
}

static uint64_t boundary(uint64_t* s) {
  static const uint64_t values[] = {0,
                                    1,
                                    2,
                                    3,
                                    4095,
                                    4096,
                                    4097,
                                    0xffffffff,
                                    0x100000000ull,
                                    1ull << 47,
                                    1ull << 48,
                                    0x7fffffffffffull,
                                    0xffff000000000000ull,
                                    1ull << 63,
                                    ~0ull,
                                    ~0ull - 1,
                                    65536,
                                    65537,
                                    64,
                                    65};
  return values[next(s) % (sizeof(values) / sizeof(values[0]))];
}

static uint64_t any_value(uint64_t* s) {
  switch (next(s) % 4) {
    case 0:
      return boundary(s);
    case 1:
      return next(s);
    case 2:
      return next(s) % 256;
    default:
      return __atomic_load_n(&pool[next(s) % POOL], __ATOMIC_RELAXED);
  }
}

/* A pointer argument: inside the arena (mapped or not, any protection),
 * unmapped, kernel, misaligned or null. */
static uint64_t pointer(uint64_t* s) {
  switch (next(s) % 5) {
    case 0:
    case 1:
      return arena + (next(s) % ARENA_BYTES & ~7ull);
    case 2:
      return arena + next(s) % ARENA_BYTES;
    default:
      return boundary(s);
  }
}

static uint64_t handle(uint64_t* s) {
  return next(s) % 8 ? __atomic_load_n(&pool[next(s) % POOL], __ATOMIC_RELAXED) : any_value(s);
}

static uint64_t deadline(uint64_t* s) {
  return next(s) % 2 ? 0 : viper_deadline_after(next(s) % 1000000);
}

static void keep(int64_t result) {
  if (result > 0)
    __atomic_store_n(&pool[(uint64_t)result % POOL], (uint64_t)result, __ATOMIC_RELAXED);
}

static void one_call(uint64_t* s) {
  uint64_t a[6];
  for (int i = 0; i < 6; ++i) a[i] = any_value(s);
  const uint64_t kind = next(s) % 29;
  if (!(enabled & (1u << kind))) return;
  switch (kind) {
    case 0: { /* unknown and boundary numbers, but none that ends or starts a thread */
      const uint64_t n = next(s) % 2 ? boundary(s) : next(s) % 200 + VIPER_SYS_COUNT;
      if (n != VIPER_SYS_THREAD_CREATE && n != VIPER_SYS_THREAD_EXIT &&
          n != VIPER_SYS_DEBUG_WRITE) {
        viper_syscall(n, a[0], a[1], a[2], a[3], a[4], a[5]);
      }
      break;
    }
    case 1: { /* Nothing printed: empty, or too large, or from nowhere. */
      static const uint64_t too_large[] = {VIPER_DEBUG_WRITE_MAX + 1, 1ull << 32, 1ull << 63,
                                           ~0ull};
      viper_syscall2(VIPER_SYS_DEBUG_WRITE, pointer(s), next(s) % 2 ? 0 : too_large[next(s) % 4]);
      viper_syscall2(VIPER_SYS_DEBUG_WRITE, boundary(s) | 0xffff000000000000ull, next(s) % 64);
      break;
    }
    case 2:
      viper_syscall1(VIPER_SYS_HANDLE_CLOSE, handle(s));
      break;
    case 3:
      keep(viper_syscall2(VIPER_SYS_HANDLE_DUPLICATE, handle(s), any_value(s)));
      break;
    case 4:
      keep(viper_syscall2(VIPER_SYS_HANDLE_REPLACE, handle(s), any_value(s)));
      break;
    case 5:
      viper_syscall3(VIPER_SYS_OBJECT_WAIT, handle(s), any_value(s), deadline(s));
      break;
    case 6:
      viper_syscall3(VIPER_SYS_OBJECT_SIGNAL, handle(s), any_value(s), any_value(s));
      break;
    case 7:
      viper_syscall2(VIPER_SYS_OBJECT_INFO, handle(s), pointer(s));
      break;
    case 8: {
      viper_handle_t pair[2] = {0, 0};
      viper_syscall1(VIPER_SYS_CHANNEL_CREATE,
                     next(s) % 2 ? (uint64_t)(uintptr_t)pair : pointer(s));
      keep((int64_t)pair[0]);
      keep((int64_t)pair[1]);
      break;
    }
    case 9: {
      viper_handle_t moved[2] = {handle(s), handle(s)};
      struct viper_message m = {(void*)pointer(s), next(s) % 300, 0, moved, next(s) % 3, 0};
      viper_syscall2(VIPER_SYS_CHANNEL_WRITE, handle(s),
                     next(s) % 4 ? (uint64_t)(uintptr_t)&m : pointer(s));
      break;
    }
    case 10: {
      viper_handle_t got[4];
      struct viper_message m = {(void*)pointer(s), 0, next(s) % 70000, got, 0, next(s) % 5};
      viper_syscall3(VIPER_SYS_CHANNEL_READ, handle(s),
                     next(s) % 4 ? (uint64_t)(uintptr_t)&m : pointer(s), deadline(s));
      for (int i = 0; i < 4 && i < (int)m.handle_count; ++i) keep((int64_t)got[i]);
      break;
    }
    case 11: {
      struct viper_message out = {(void*)pointer(s), next(s) % 100, 0, 0, 0, 0};
      struct viper_message in = {(void*)pointer(s), 0, next(s) % 100, 0, 0, 0};
      viper_syscall(VIPER_SYS_CHANNEL_CALL, handle(s), (uint64_t)(uintptr_t)&out,
                    next(s) % 4 ? (uint64_t)(uintptr_t)&in : pointer(s), deadline(s), 0, 0);
      break;
    }
    case 12:
      keep(viper_syscall0(VIPER_SYS_EVENT_CREATE + next(s) % 2));
      break;
    case 13:
      viper_syscall3(VIPER_SYS_TIMER_SET, handle(s), next(s) % 2 ? deadline(s) : any_value(s),
                     next(s) % 2 ? 0 : next(s) % 2000000 + 100000);
      break;
    case 14:
      viper_syscall1(VIPER_SYS_TIMER_CANCEL, handle(s));
      break;
    case 15:
      keep(viper_syscall0(VIPER_SYS_POLLSET_CREATE));
      break;
    case 16:
      viper_syscall(VIPER_SYS_POLLSET_ADD, handle(s), handle(s), any_value(s), any_value(s), 0, 0);
      break;
    case 17:
      viper_syscall2(VIPER_SYS_POLLSET_REMOVE, handle(s), handle(s));
      break;
    case 18:
      viper_syscall(VIPER_SYS_POLLSET_WAIT, handle(s), pointer(s), next(s) % 70, deadline(s), 0, 0);
      break;
    case 19: {
      static const char* const argv[] = {"bin/test_helper", "exit", "0"};
      struct viper_spawn_args args = {"bin/test_helper", argv, 3, 0, 0, 0, 0, 0};
      if (next(s) % 4 == 0) {
        keep(viper_syscall1(VIPER_SYS_PROCESS_SPAWN, (uint64_t)(uintptr_t)&args));
      } else {
        args.path = next(s) % 2 ? (const char*)pointer(s) : "bin/corrupt";
        args.argc = next(s) % 2 ? boundary(s) : 3;
        args.bootstrap = handle(s);
        keep(viper_syscall1(VIPER_SYS_PROCESS_SPAWN,
                            next(s) % 3 ? (uint64_t)(uintptr_t)&args : pointer(s)));
      }
      break;
    }
    case 20:
      viper_syscall1(VIPER_SYS_PROCESS_KILL, handle(s));
      viper_syscall2(VIPER_SYS_PROCESS_INFO, handle(s), pointer(s));
      break;
    case 21: /* threads: bad entries or stacks only */
      viper_syscall(VIPER_SYS_THREAD_CREATE, boundary(s) | 0xffff000000000000ull, pointer(s), a[0],
                    a[1], pointer(s), 0);
      viper_syscall(VIPER_SYS_THREAD_CREATE, (uint64_t)(uintptr_t)&one_call + 1, pointer(s), a[0],
                    a[1], pointer(s), 0);
      break;
    case 22: {
      const uint64_t at = arena + (next(s) % (ARENA_BYTES / 4096)) * 4096 + (next(s) % 8 == 0);
      const uint64_t bytes = next(s) % 4 ? (next(s) % 4 + 1) * 4096 : boundary(s);
      const uint64_t prot = next(s) % 8;
      switch (next(s) % 4) {
        case 0:
          viper_syscall3(VIPER_SYS_VM_MAP, next(s) % 2 ? 0 : at, bytes, prot);
          break;
        case 1:
          if (at + (bytes & 0xfffff) <= arena + ARENA_BYTES)
            viper_syscall2(VIPER_SYS_VM_UNMAP, at, bytes & 0xfffff);
          break;
        case 2:
          if (at + (bytes & 0xfffff) <= arena + ARENA_BYTES)
            viper_syscall3(VIPER_SYS_VM_PROTECT, at, bytes & 0xfffff, prot);
          break;
        default: { /* boundary ranges, only where nothing of the program lives */
          const uint64_t far = boundary(s);
          if (far >= (1ull << 47))
            viper_syscall3(VIPER_SYS_VM_MAP + next(s) % 3, far, boundary(s), prot);
          break;
        }
      }
      break;
    }
    case 24: /* the kernel log, the boot archive, CPUs: reads into bad buffers */
      viper_syscall3(VIPER_SYS_LOG_READ, any_value(s), pointer(s), any_value(s));
      viper_syscall3(VIPER_SYS_BOOTFS_LIST, any_value(s), pointer(s), any_value(s));
      viper_syscall(VIPER_SYS_BOOTFS_READ, pointer(s), any_value(s), pointer(s), any_value(s), 0,
                    0);
      viper_syscall1(VIPER_SYS_BOOTFS_STAT, pointer(s));
      viper_syscall2(VIPER_SYS_CPU_INFO, any_value(s), pointer(s));
      viper_syscall2(VIPER_SYS_ENTROPY_READ, pointer(s),
                     next(s) % 2 ? next(s) % 300 : any_value(s));
      break;
    case 25: /* memory objects: mapped only where nothing of the program lives */
      /* small: handles the pool forgets stay open until the fuzzer exits */
      keep(viper_syscall1(VIPER_SYS_VMO_CREATE, next(s) % 2 ? next(s) % 65536 : boundary(s)));
      viper_syscall3(VIPER_SYS_VMO_MAP, handle(s), next(s) % 2 ? 0 : (boundary(s) | (1ull << 47)),
                     next(s) % 8);
      viper_syscall1(VIPER_SYS_VMO_SIZE, handle(s));
      break;
    case 26: { /* processes: listing, opening strangers, exec and power refused */
      viper_syscall2(VIPER_SYS_PROCESS_LIST, pointer(s), any_value(s));
      viper_syscall0(VIPER_SYS_PROCESS_PARENT_ID);
      const uint64_t id = boundary(s);
      if (id >= 4096) keep(viper_syscall1(VIPER_SYS_PROCESS_OPEN, id)); /* no real process */
      static const char* const argv[] = {"bin/corrupt", 0};
      struct viper_spawn_args args = {next(s) % 2 ? "bin/corrupt" : "bin/no-such-program",
                                      argv,
                                      next(s) % 2 ? 1 : boundary(s),
                                      0,
                                      0,
                                      handle(s),
                                      next(s) % 3 ? 0 : handle(s), /* a program image: any handle */
                                      boundary(s)};
      viper_syscall1(VIPER_SYS_PROCESS_EXEC,
                     next(s) % 3 ? (uint64_t)(uintptr_t)&args : (pointer(s) | 1ull << 63));
      viper_syscall1(VIPER_SYS_SYSTEM_POWER, boundary(s) | 2); /* never a real action */
      break;
    }
    case 27: /* consoles and disks, through whatever handles the pool holds */
      viper_syscall3(VIPER_SYS_CONSOLE_READ, handle(s), pointer(s), any_value(s));
      viper_syscall3(VIPER_SYS_CONSOLE_WRITE, handle(s), pointer(s), next(s) % 2 ? 0 : ~0ull);
      viper_syscall2(VIPER_SYS_BLOCK_INFO, handle(s), pointer(s));
      viper_syscall(VIPER_SYS_BLOCK_READ + next(s) % 2, handle(s), any_value(s), handle(s),
                    any_value(s), any_value(s), 0);
      viper_syscall1(VIPER_SYS_BLOCK_FLUSH, handle(s));
      break;
    case 28: /* NICs: sizes around 14..1514, bad buffers, short deadlines */
      viper_syscall2(VIPER_SYS_NET_INFO, handle(s), pointer(s));
      viper_syscall(VIPER_SYS_NET_SEND, handle(s), pointer(s),
                    next(s) % 2 ? 10 + next(s) % 1510 : any_value(s), deadline(s), 0, 0);
      viper_syscall(VIPER_SYS_NET_RECEIVE, handle(s), pointer(s),
                    next(s) % 2 ? next(s) % 1600 : any_value(s), deadline(s), 0, 0);
      break;
    default:
      viper_syscall3(VIPER_SYS_FUTEX_WAIT, pointer(s), any_value(s), deadline(s));
      viper_syscall2(VIPER_SYS_FUTEX_WAKE, pointer(s), any_value(s));
      viper_syscall1(VIPER_SYS_THREAD_SLEEP, deadline(s));
      viper_syscall1(VIPER_SYS_SYSTEM_INFO, pointer(s));
      break;
  }
}

static void* fuzz(void* arg) {
  const int id = (int)(intptr_t)arg;
  uint64_t state = 0x9e3779b97f4a7c15ull * (uint64_t)(id + 1) ^ viper_clock_monotonic();
  if (state == 0) state = 1;
  while (viper_clock_monotonic() < deadline_end) {
    for (int i = 0; i < 64; ++i) one_call(&state);
    calls_made[id] += 64;
  }
  return 0;
}

int main(int argc, char** argv) {
  const uint64_t seconds = argc > 1 ? strtoull(argv[1], 0, 10) : 10;
  if (argc > 2) enabled = (uint32_t)strtoul(argv[2], 0, 0);
  const int64_t mapped = viper_vm_map(0, ARENA_BYTES, VIPER_PROT_READ | VIPER_PROT_WRITE);
  if (mapped < 0) return 1;
  arena = (uint64_t)mapped;
  deadline_end = viper_clock_monotonic() + seconds * 1000000000ull;
  pthread_t threads[FUZZERS];
  for (intptr_t i = 0; i < FUZZERS; ++i) {
    if (pthread_create(&threads[i], 0, fuzz, (void*)i) != 0) return 2;
  }
  uint64_t total = 0;
  for (int i = 0; i < FUZZERS; ++i) {
    pthread_join(threads[i], 0);
    total += calls_made[i];
  }
  printf("syscall_fuzz: %llu calls in %llu s from %d threads\n", (unsigned long long)total,
         (unsigned long long)seconds, FUZZERS);
  return 0;
}

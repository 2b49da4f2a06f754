/* libviper (<viperdos/viper.h>): each call is one system call. */
#include <viperdos/viper.h>

#include "userland/libc/malloc_cache.h"
#include "userland/libc/syscall.h"

#define U(x) ((uint64_t)(uintptr_t)(x))

viper_handle_t __viper_bootstrap; /* set by __viper_start from the auxiliary vector */

int64_t viper_debug_write(const void* bytes, size_t size) {
  return viper_syscall2(VIPER_SYS_DEBUG_WRITE, U(bytes), size);
}

int64_t viper_handle_close(viper_handle_t h) { return viper_syscall1(VIPER_SYS_HANDLE_CLOSE, h); }
int64_t viper_handle_duplicate(viper_handle_t h, uint32_t rights) {
  return viper_syscall2(VIPER_SYS_HANDLE_DUPLICATE, h, rights);
}
int64_t viper_handle_replace(viper_handle_t h, uint32_t rights) {
  return viper_syscall2(VIPER_SYS_HANDLE_REPLACE, h, rights);
}
int64_t viper_object_wait(viper_handle_t h, uint32_t signals, uint64_t deadline) {
  return viper_syscall3(VIPER_SYS_OBJECT_WAIT, h, signals, deadline);
}
int64_t viper_object_signal(viper_handle_t h, uint32_t clear, uint32_t set) {
  return viper_syscall3(VIPER_SYS_OBJECT_SIGNAL, h, clear, set);
}
int64_t viper_object_info(viper_handle_t h, struct viper_object_info* info) {
  return viper_syscall2(VIPER_SYS_OBJECT_INFO, h, U(info));
}

int64_t viper_channel_create(viper_handle_t out[2]) {
  return viper_syscall1(VIPER_SYS_CHANNEL_CREATE, U(out));
}
int64_t viper_channel_write(viper_handle_t channel, const void* bytes, size_t size,
                            const viper_handle_t* handles, size_t handle_count) {
  const struct viper_message m = {(void*)bytes, size,        size, (viper_handle_t*)handles,
                                  handle_count, handle_count};
  return viper_syscall2(VIPER_SYS_CHANNEL_WRITE, channel, U(&m));
}
int64_t viper_channel_read(viper_handle_t channel, struct viper_message* m, uint64_t deadline) {
  return viper_syscall3(VIPER_SYS_CHANNEL_READ, channel, U(m), deadline);
}
int64_t viper_channel_call(viper_handle_t channel, const void* request, size_t request_size,
                           void* reply, size_t reply_capacity, uint64_t deadline) {
  const struct viper_message out = {(void*)request, request_size, request_size, 0, 0, 0};
  struct viper_message in = {reply, 0, reply_capacity, 0, 0, 0};
  return viper_syscall(VIPER_SYS_CHANNEL_CALL, channel, U(&out), U(&in), deadline, 0, 0);
}

int64_t viper_channel_reply_read(viper_handle_t channel, const void* reply, size_t reply_size,
                                 void* next, size_t next_capacity, uint64_t deadline) {
  const struct viper_message out = {(void*)reply, reply_size, reply_size, 0, 0, 0};
  struct viper_message in = {next, 0, next_capacity, 0, 0, 0};
  return viper_syscall(VIPER_SYS_CHANNEL_REPLY_READ, channel, U(&out), U(&in), deadline, 0, 0);
}

int64_t viper_event_create(void) { return viper_syscall0(VIPER_SYS_EVENT_CREATE); }
int64_t viper_timer_create(void) { return viper_syscall0(VIPER_SYS_TIMER_CREATE); }
int64_t viper_timer_set(viper_handle_t t, uint64_t deadline, uint64_t period_ns) {
  return viper_syscall3(VIPER_SYS_TIMER_SET, t, deadline, period_ns);
}
int64_t viper_timer_cancel(viper_handle_t t) { return viper_syscall1(VIPER_SYS_TIMER_CANCEL, t); }
int64_t viper_pollset_create(void) { return viper_syscall0(VIPER_SYS_POLLSET_CREATE); }
int64_t viper_pollset_add(viper_handle_t set, viper_handle_t member, uint32_t signals,
                          uint64_t key) {
  return viper_syscall(VIPER_SYS_POLLSET_ADD, set, member, signals, key, 0, 0);
}
int64_t viper_pollset_remove(viper_handle_t set, viper_handle_t member) {
  return viper_syscall2(VIPER_SYS_POLLSET_REMOVE, set, member);
}
int64_t viper_pollset_wait(viper_handle_t set, struct viper_poll_event* events, size_t capacity,
                           uint64_t deadline) {
  return viper_syscall(VIPER_SYS_POLLSET_WAIT, set, U(events), capacity, deadline, 0, 0);
}

int64_t viper_process_spawn(const struct viper_spawn_args* args) {
  return viper_syscall1(VIPER_SYS_PROCESS_SPAWN, U(args));
}
_Noreturn void viper_process_exit(int64_t code) {
  viper_syscall1(VIPER_SYS_PROCESS_EXIT, (uint64_t)code);
  __builtin_trap();
}
int64_t viper_process_kill(viper_handle_t p) { return viper_syscall1(VIPER_SYS_PROCESS_KILL, p); }
int64_t viper_process_info(viper_handle_t p, struct viper_process_info* info) {
  return viper_syscall2(VIPER_SYS_PROCESS_INFO, p, U(info));
}
int64_t viper_process_id(void) { return viper_syscall0(VIPER_SYS_PROCESS_ID); }
int64_t viper_process_wait(viper_handle_t p, int64_t* exit_code) {
  const int64_t waited = viper_object_wait(p, VIPER_SIGNAL_TERMINATED, VIPER_DEADLINE_NEVER);
  if (waited < 0) return waited;
  struct viper_process_info info;
  const int64_t got = viper_process_info(p, &info);
  if (got < 0) return got;
  if (exit_code) *exit_code = info.exit_code;
  return 0;
}
viper_handle_t viper_bootstrap_handle(void) { return __viper_bootstrap; }

int64_t viper_thread_create(void (*entry)(void*), void* stack_top, void* arg, void* tls,
                            uint32_t* exit_word) {
  return viper_syscall(VIPER_SYS_THREAD_CREATE, U(entry), U(stack_top), U(arg), U(tls),
                       U(exit_word), 0);
}
_Noreturn void viper_thread_exit(void) {
  libc_malloc_cache_flush(); /* its blocks live on; its TLS block may not */
  viper_syscall0(VIPER_SYS_THREAD_EXIT);
  __builtin_trap();
}
int64_t viper_thread_sleep(uint64_t deadline) {
  return viper_syscall1(VIPER_SYS_THREAD_SLEEP, deadline);
}

int64_t viper_vm_map(uint64_t address, size_t size, uint32_t prot) {
  return viper_syscall3(VIPER_SYS_VM_MAP, address, size, prot);
}
int64_t viper_vm_unmap(uint64_t address, size_t size) {
  return viper_syscall2(VIPER_SYS_VM_UNMAP, address, size);
}
int64_t viper_vm_protect(uint64_t address, size_t size, uint32_t prot) {
  return viper_syscall3(VIPER_SYS_VM_PROTECT, address, size, prot);
}

int64_t viper_futex_wait(const uint32_t* word, uint32_t expected, uint64_t deadline) {
  return viper_syscall3(VIPER_SYS_FUTEX_WAIT, U(word), expected, deadline);
}
int64_t viper_futex_wake(const uint32_t* word, uint32_t count) {
  return viper_syscall2(VIPER_SYS_FUTEX_WAKE, U(word), count);
}

uint64_t viper_clock_monotonic(void) { return (uint64_t)viper_syscall0(VIPER_SYS_CLOCK_MONOTONIC); }
int64_t viper_system_info(struct viper_system_info* info) {
  return viper_syscall1(VIPER_SYS_SYSTEM_INFO, U(info));
}
uint64_t viper_deadline_after(uint64_t ns) {
  const uint64_t now = viper_clock_monotonic();
  return ns > VIPER_DEADLINE_NEVER - 1 - now ? VIPER_DEADLINE_NEVER - 1 : now + ns;
}

int64_t viper_cpu_info(uint32_t cpu, struct viper_cpu_info* info) {
  return viper_syscall2(VIPER_SYS_CPU_INFO, cpu, U(info));
}
int64_t viper_bootfs_read(const char* path, uint64_t offset, void* buffer, size_t size) {
  return viper_syscall(VIPER_SYS_BOOTFS_READ, U(path), offset, U(buffer), size, 0, 0);
}
int64_t viper_bootfs_stat(const char* path) {
  return viper_syscall1(VIPER_SYS_BOOTFS_STAT, U(path));
}
int64_t viper_clock_wall(void) { return viper_syscall0(VIPER_SYS_CLOCK_WALL); }
int64_t viper_bootfs_list(uint64_t index, char* name, size_t capacity) {
  return viper_syscall3(VIPER_SYS_BOOTFS_LIST, index, U(name), capacity);
}

/* The machine's power: returns only on failure (an unknown action). */
int64_t viper_system_power(uint32_t action) {
  return viper_syscall1(VIPER_SYS_SYSTEM_POWER, action);
}

/* The console (consoled's; init passes the handle on). */
int64_t viper_console_read(viper_handle_t console, void* buffer, size_t size) {
  return viper_syscall3(VIPER_SYS_CONSOLE_READ, console, U(buffer), size);
}
int64_t viper_console_write(viper_handle_t console, const void* bytes, size_t size) {
  return viper_syscall3(VIPER_SYS_CONSOLE_WRITE, console, U(bytes), size);
}

/* Processes: fork, exec, the list and opening by id (issue 13). */
int64_t viper_process_fork(void) { return viper_syscall0(VIPER_SYS_PROCESS_FORK); }
int64_t viper_process_exec(const struct viper_spawn_args* args) {
  return viper_syscall1(VIPER_SYS_PROCESS_EXEC, U(args));
}
int64_t viper_process_list(struct viper_process_entry* out, size_t capacity) {
  return viper_syscall2(VIPER_SYS_PROCESS_LIST, U(out), capacity);
}
int64_t viper_process_open(uint64_t id) { return viper_syscall1(VIPER_SYS_PROCESS_OPEN, id); }

/* The kernel log. */
int64_t viper_log_read(uint64_t offset, void* buffer, size_t size) {
  return viper_syscall3(VIPER_SYS_LOG_READ, offset, U(buffer), size);
}

/* Shareable memory objects. */
int64_t viper_vmo_create(uint64_t size) { return viper_syscall1(VIPER_SYS_VMO_CREATE, size); }
int64_t viper_vmo_map(viper_handle_t vmo, uint64_t address, uint32_t prot) {
  return viper_syscall3(VIPER_SYS_VMO_MAP, vmo, address, prot);
}
int64_t viper_vmo_size(viper_handle_t vmo) { return viper_syscall1(VIPER_SYS_VMO_SIZE, vmo); }

int64_t viper_block_info(viper_handle_t block, struct viper_block_info* info) {
  return viper_syscall2(VIPER_SYS_BLOCK_INFO, block, U(info));
}
int64_t viper_block_read(viper_handle_t block, uint64_t sector, viper_handle_t vmo,
                         uint64_t vmo_offset, uint64_t bytes) {
  return viper_syscall(VIPER_SYS_BLOCK_READ, block, sector, vmo, vmo_offset, bytes, 0);
}
int64_t viper_block_write(viper_handle_t block, uint64_t sector, viper_handle_t vmo,
                          uint64_t vmo_offset, uint64_t bytes) {
  return viper_syscall(VIPER_SYS_BLOCK_WRITE, block, sector, vmo, vmo_offset, bytes, 0);
}
int64_t viper_block_flush(viper_handle_t block) {
  return viper_syscall1(VIPER_SYS_BLOCK_FLUSH, block);
}

int64_t viper_net_info(viper_handle_t nic, struct viper_net_info* info) {
  return viper_syscall2(VIPER_SYS_NET_INFO, nic, U(info));
}
int64_t viper_net_send(viper_handle_t nic, const void* frame, size_t bytes, uint64_t deadline) {
  return viper_syscall(VIPER_SYS_NET_SEND, nic, U(frame), bytes, deadline, 0, 0);
}
int64_t viper_net_receive(viper_handle_t nic, void* buffer, size_t capacity, uint64_t deadline) {
  return viper_syscall(VIPER_SYS_NET_RECEIVE, nic, U(buffer), capacity, deadline, 0, 0);
}

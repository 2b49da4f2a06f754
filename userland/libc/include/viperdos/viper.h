/* libviper: the native ViperDOS API for servers and tools — handles,
 * channels, waiting, processes, threads, memory, time — as C functions over
 * the system calls (<viperdos/syscalls.h> has the numbers, structures and
 * limits). Every function returns 0 or a value on success and a negative
 * VIPER_ERR_* code on failure; nothing sets errno. */
#ifndef VIPERDOS_VIPER_H_
#define VIPERDOS_VIPER_H_

#include <stddef.h>
#include <stdint.h>
#include <viperdos/syscalls.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Diagnostics. */
int64_t viper_debug_write(const void* bytes, size_t size);
int64_t viper_log_read(uint64_t offset, void* buffer, size_t size);
int64_t viper_console_read(viper_handle_t console, void* buffer, size_t size);
int64_t viper_console_write(viper_handle_t console, const void* bytes, size_t size);

/* Handles. */
int64_t viper_handle_close(viper_handle_t handle);
int64_t viper_handle_duplicate(viper_handle_t handle, uint32_t rights);
int64_t viper_handle_replace(viper_handle_t handle, uint32_t rights);
int64_t viper_object_wait(viper_handle_t handle, uint32_t signals, uint64_t deadline);
int64_t viper_object_signal(viper_handle_t handle, uint32_t clear, uint32_t set);
int64_t viper_object_info(viper_handle_t handle, struct viper_object_info* info);

/* Channels. */
int64_t viper_channel_create(viper_handle_t out[2]);
int64_t viper_channel_write(viper_handle_t channel, const void* bytes, size_t size,
                            const viper_handle_t* handles, size_t handle_count);
int64_t viper_channel_read(viper_handle_t channel, struct viper_message* message,
                           uint64_t deadline);
int64_t viper_channel_call(viper_handle_t channel, const void* request, size_t request_size,
                           void* reply, size_t reply_capacity, uint64_t deadline);
/* A server's reply to a call and its read of the next request (bytes
 * only): the next request's size. */
int64_t viper_channel_reply_read(viper_handle_t channel, const void* reply, size_t reply_size,
                                 void* next, size_t next_capacity, uint64_t deadline);

/* Events, timers, pollsets. */
int64_t viper_event_create(void);
int64_t viper_timer_create(void);
int64_t viper_timer_set(viper_handle_t timer, uint64_t deadline, uint64_t period_ns);
int64_t viper_timer_cancel(viper_handle_t timer);
int64_t viper_pollset_create(void);
int64_t viper_pollset_add(viper_handle_t set, viper_handle_t member, uint32_t signals,
                          uint64_t key);
int64_t viper_pollset_remove(viper_handle_t set, viper_handle_t member);
int64_t viper_pollset_wait(viper_handle_t set, struct viper_poll_event* events, size_t capacity,
                           uint64_t deadline);

/* Processes. */
int64_t viper_process_spawn(const struct viper_spawn_args* args);
_Noreturn void viper_process_exit(int64_t code);
int64_t viper_process_kill(viper_handle_t process);
int64_t viper_process_info(viper_handle_t process, struct viper_process_info* info);
int64_t viper_process_id(void);
int64_t viper_process_fork(void);
int64_t viper_process_exec(const struct viper_spawn_args* args);
int64_t viper_process_list(struct viper_process_entry* out, size_t capacity);
int64_t viper_process_open(uint64_t id);
/* Waits until the process ends and returns its exit code (or an error). */
int64_t viper_process_wait(viper_handle_t process, int64_t* exit_code);
/* Takes the process handle of child `pid` (posix_spawn, fork) out of libc's
 * child table: the caller owns it, and waitpid() no longer knows the child.
 * For servers that wait on their children in a pollset (init). 0 if `pid`
 * is no child of this process. */
viper_handle_t viper_child_take(int pid);
/* The bootstrap handle this process was started with (0 if none). */
viper_handle_t viper_bootstrap_handle(void);

/* Threads. */
int64_t viper_thread_create(void (*entry)(void*), void* stack_top, void* arg, void* tls,
                            uint32_t* exit_word);
_Noreturn void viper_thread_exit(void);
int64_t viper_thread_sleep(uint64_t deadline);

/* Memory. */
int64_t viper_vm_map(uint64_t address, size_t size, uint32_t prot);
int64_t viper_vm_unmap(uint64_t address, size_t size);
int64_t viper_vm_protect(uint64_t address, size_t size, uint32_t prot);
/* Shareable memory objects: mapped whole, the same bytes in every mapping. */
int64_t viper_vmo_create(uint64_t size);
int64_t viper_vmo_map(viper_handle_t vmo, uint64_t address, uint32_t prot);
int64_t viper_vmo_size(viper_handle_t vmo);

/* Block devices (VIPER_SYS_BLOCK_*): DMA between the disk and a VMO. */
int64_t viper_block_info(viper_handle_t block, struct viper_block_info* info);
int64_t viper_block_read(viper_handle_t block, uint64_t sector, viper_handle_t vmo,
                         uint64_t vmo_offset, uint64_t bytes);
int64_t viper_block_write(viper_handle_t block, uint64_t sector, viper_handle_t vmo,
                          uint64_t vmo_offset, uint64_t bytes);
int64_t viper_block_flush(viper_handle_t block);

/* Network interfaces (VIPER_SYS_NET_*): whole Ethernet frames, one copy. */
int64_t viper_net_info(viper_handle_t nic, struct viper_net_info* info);
int64_t viper_net_send(viper_handle_t nic, const void* frame, size_t bytes, uint64_t deadline);
int64_t viper_net_receive(viper_handle_t nic, void* buffer, size_t capacity, uint64_t deadline);

/* Futexes. */
int64_t viper_futex_wait(const uint32_t* word, uint32_t expected, uint64_t deadline);
int64_t viper_futex_wake(const uint32_t* word, uint32_t count);

/* Time and the system. */
uint64_t viper_clock_monotonic(void);
/* Nanoseconds since 1970 (the RTC), or VIPER_ERR_NOT_SUPPORTED without one. */
int64_t viper_clock_wall(void);
int64_t viper_system_info(struct viper_system_info* info);
int64_t viper_cpu_info(uint32_t cpu, struct viper_cpu_info* info);
/* VIPER_POWER_OFF or _REBOOT; returns only on failure, with the error. */
int64_t viper_system_power(uint32_t action);

/* Boot files (the boot archive, read-only). */
int64_t viper_bootfs_read(const char* path, uint64_t offset, void* buffer, size_t size);
int64_t viper_bootfs_stat(const char* path);
int64_t viper_bootfs_list(uint64_t index, char* name, size_t capacity);
/* The disk (<viperdos/fs_protocol.h>): makes `connection`, a channel to
 * fsd's root directory, this process's root connection (taken; a previous
 * one is closed), so "/" is the disk, "/boot" and "/bin" the archive, and
 * every program started after gets a clone. VIPER_ERR_INVALID_ARGUMENT
 * for a handle that is not a channel. For init. */
int64_t viper_fs_set_root(viper_handle_t connection);
/* The network (<viperdos/net_protocol.h>): makes `connection`, a channel
 * to netd, this process's service connection (taken; a previous one is
 * closed), so socket() works and every program started after gets a
 * clone. VIPER_ERR_INVALID_ARGUMENT for a handle that is not a channel.
 * For init. */
int64_t viper_net_set_connection(viper_handle_t connection);

/* A deadline `ns` nanoseconds from now. */
uint64_t viper_deadline_after(uint64_t ns);

#ifdef __cplusplus
}
#endif

#endif /* VIPERDOS_VIPER_H_ */

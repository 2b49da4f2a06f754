/* The ViperDOS system-call ABI: the one definition of call numbers and the
 * structures calls exchange, shared by the kernel (kernel/syscall) and
 * user space (userland/libc). C, so C programs and the kernel's C++ read
 * the same lines.
 *
 * A call is `svc #0` with its number in x8 and up to six arguments in
 * x0..x5; the result comes back in x0: a value >= 0, or the negative code
 * of one of the errors in <viperdos/errors.h>. Every other register is
 * preserved. Numbers are grouped by sixteen so a group can grow without
 * renumbering; a number never changes meaning. docs/userspace.md has the
 * rights each call needs. */
#ifndef VIPERDOS_SYSCALLS_H_
#define VIPERDOS_SYSCALLS_H_

#include <stdint.h>
#include <viperdos/errors.h>
#include <viperdos/handles.h>

/* Deadlines are absolute: nanoseconds of the monotonic clock. */
#define VIPER_DEADLINE_NEVER UINT64_MAX

/* ---- Diagnostics (0..15) ---- */
#define VIPER_SYS_DEBUG_WRITE 0 /* (bytes, size) -> size; at most VIPER_DEBUG_WRITE_MAX */
#define VIPER_SYS_LOG_READ                                                          \
  1 /* (offset, buffer, size) -> bytes copied from `offset` into the kernel log the \
       kernel still keeps (0 = its oldest byte); 0 at the end */
#define VIPER_SYS_CONSOLE_READ                                                      \
  2 /* (console, buffer, size) -> bytes of typed input; kWouldBlock when none (wait \
       for VIPER_SIGNAL_READABLE); needs READ */
#define VIPER_SYS_CONSOLE_WRITE 3 /* (console, bytes, size) -> size, written whole; needs WRITE */

/* ---- Handles (16..31) ---- */
#define VIPER_SYS_HANDLE_CLOSE 16     /* (handle) -> 0 */
#define VIPER_SYS_HANDLE_DUPLICATE 17 /* (handle, rights) -> new handle; needs DUPLICATE */
#define VIPER_SYS_HANDLE_REPLACE 18   /* (handle, rights) -> new handle; the old one is closed */
#define VIPER_SYS_OBJECT_WAIT 19      /* (handle, signals, deadline) -> signals seen; needs WAIT */
#define VIPER_SYS_OBJECT_SIGNAL 20    /* (handle, clear, set) -> 0; user signals, needs SIGNAL */
#define VIPER_SYS_OBJECT_INFO 21      /* (handle, struct viper_object_info*) -> 0 */

/* ---- Channels (32..39) ---- */
#define VIPER_SYS_CHANNEL_CREATE 32 /* (viper_handle_t out[2]) -> 0 */
#define VIPER_SYS_CHANNEL_WRITE 33  /* (handle, const struct viper_message*) -> 0; handles move */
#define VIPER_SYS_CHANNEL_READ 34   /* (handle, struct viper_message*, deadline) -> bytes */
#define VIPER_SYS_CHANNEL_CALL                        \
  35 /* (handle, const struct viper_message* request, \
         struct viper_message* reply, deadline) -> reply bytes */
/* A server's reply to a call and its read of the next request in one call
 * (bytes only, as CHANNEL_CALL): the reply goes out first (a read that
 * fails after it does not take it back), and the caller's CPU goes
 * straight to the thread the reply woke when the read blocks. */
#define VIPER_SYS_CHANNEL_REPLY_READ                \
  36 /* (handle, const struct viper_message* reply, \
         struct viper_message* next, deadline) -> next's bytes */

/* ---- Events, timers, pollsets (40..47) ---- */
#define VIPER_SYS_EVENT_CREATE 40   /* () -> handle */
#define VIPER_SYS_TIMER_CREATE 41   /* () -> handle */
#define VIPER_SYS_TIMER_SET 42      /* (handle, deadline, period_ns or 0) -> 0 */
#define VIPER_SYS_TIMER_CANCEL 43   /* (handle) -> 0 */
#define VIPER_SYS_POLLSET_CREATE 44 /* () -> handle */
#define VIPER_SYS_POLLSET_ADD 45    /* (set, member, signals, key) -> 0 */
#define VIPER_SYS_POLLSET_REMOVE 46 /* (set, member) -> 0 */
#define VIPER_SYS_POLLSET_WAIT                                       \
  47 /* (set, struct viper_poll_event*, capacity, deadline) -> count \
      */

/* ---- Processes (48..63) ---- */
#define VIPER_SYS_PROCESS_SPAWN 48 /* (const struct viper_spawn_args*) -> process handle */
#define VIPER_SYS_PROCESS_EXIT 49  /* (code) -> does not return */
#define VIPER_SYS_PROCESS_KILL 50  /* (process handle) -> 0; it exits with VIPER_EXIT_KILLED */
#define VIPER_SYS_PROCESS_INFO 51  /* (process handle, struct viper_process_info*) -> 0 */
#define VIPER_SYS_PROCESS_ID 52    /* () -> the caller's process id */
#define VIPER_SYS_PROCESS_FORK                                                     \
  53 /* () -> the child's process handle in the parent, 0 in the child: a copy-on- \
        write copy of the caller's memory and handle table, running only the       \
        calling thread */
#define VIPER_SYS_PROCESS_EXEC                                                     \
  54 /* (const struct viper_spawn_args*) -> only on failure, the caller unchanged; \
        else the caller runs the new program: same id, its other threads ended,    \
        every handle closed but args.bootstrap (in its auxiliary vector) */
#define VIPER_SYS_PROCESS_LIST \
  55 /* (struct viper_process_entry* out, capacity) -> live processes (fills at most capacity) */
#define VIPER_SYS_PROCESS_OPEN \
  56 /* (id) -> process handle; only for the caller's relatives (docs/userspace.md) */
#define VIPER_SYS_PROCESS_PARENT_ID 57 /* () -> the caller's parent's id (0 for init) */

/* ---- Threads (64..79) ---- */
#define VIPER_SYS_THREAD_CREATE 64 /* (entry, stack_top, arg, tls, uint32_t* exit_word) -> id */
#define VIPER_SYS_THREAD_EXIT 65   /* () -> does not return; *exit_word = 0 and a futex wake */
#define VIPER_SYS_THREAD_SLEEP 66  /* (deadline) -> 0 */

/* ---- Memory (80..95) ---- */
#define VIPER_SYS_VM_MAP 80     /* (address or 0, size, prot) -> address; anonymous, zeroed */
#define VIPER_SYS_VM_UNMAP 81   /* (address, size) -> 0 */
#define VIPER_SYS_VM_PROTECT 82 /* (address, size, prot) -> 0 */
#define VIPER_SYS_VMO_CREATE                                                 \
  83 /* (size) -> handle to a shareable memory object of `size` bytes (whole \
        pages, zeroed), at most VIPER_VMO_BYTES_MAX */
#define VIPER_SYS_VMO_MAP                                                        \
  84 /* (vmo, address or 0, prot) -> address; maps the whole object, shared with \
        every other mapping of it; needs READ (and WRITE for VIPER_PROT_WRITE);  \
        VIPER_SYS_VM_UNMAP unmaps it */
#define VIPER_SYS_VMO_SIZE 85 /* (vmo) -> its size in bytes */

/* ---- Futexes (96..111): user-space locks ---- */
#define VIPER_SYS_FUTEX_WAIT                                                            \
  96                            /* (const uint32_t* word, expected, deadline) -> 0 once \
                                 *word != expected (at once if it already is) */
#define VIPER_SYS_FUTEX_WAKE 97 /* (const uint32_t* word, count) -> waiters woken */

/* ---- Time (112..127) ---- */
#define VIPER_SYS_CLOCK_MONOTONIC 112 /* () -> nanoseconds since boot */
#define VIPER_SYS_CLOCK_WALL                                   \
  113 /* () -> nanoseconds since 1970 (the RTC); kNotSupported \
         on a machine without one */

/* ---- System (128..143) ---- */
#define VIPER_SYS_SYSTEM_INFO 128 /* (struct viper_system_info*) -> 0 */
#define VIPER_SYS_CPU_INFO 129 /* (cpu, struct viper_cpu_info*) -> 0; kOutOfRange past the last */
#define VIPER_SYS_ENTROPY_READ                                                   \
  131 /* (buffer, size) -> bytes: random bytes from the machine's entropy device \
         (virtio-rng), 1..VIPER_ENTROPY_READ_MAX; kNotSupported without one */
#define VIPER_SYS_SYSTEM_POWER                                                   \
  130 /* (VIPER_POWER_*) -> does not return; kInvalidArgument for another value, \
         kNotSupported where firmware refuses */

/* ---- Boot files (144..159): the boot archive, read-only ---- */
#define VIPER_SYS_BOOTFS_READ 144 /* (path, offset, buffer, size) -> bytes read (0 at the end) */
#define VIPER_SYS_BOOTFS_STAT 145 /* (path) -> size in bytes; kNotFound */
#define VIPER_SYS_BOOTFS_LIST                                              \
  146 /* (index, name buffer, capacity) -> length of entry `index`'s name  \
         (copied with its NUL); kOutOfRange past the last entry, kOverflow \
         if capacity < length + 1 */

/* ---- Signals (160..175) ---- */
#define VIPER_SYS_SIGNAL_ACTION                                                   \
  160                             /* (signal, const struct viper_sigaction* or 0, \
                                      struct viper_sigaction* old or 0) -> 0 */
#define VIPER_SYS_SIGNAL_MASK 161 /* (how, const uint64_t* set or 0, uint64_t* old or 0) -> 0 */
#define VIPER_SYS_SIGNAL_SEND 162 /* (process handle or 0 for the caller, signal) -> 0 */
#define VIPER_SYS_SIGNAL_RETURN                                     \
  163 /* () -> the interrupted code resumes (the trampoline's call) \
       */

/* ---- Block devices (176..191): disks the kernel drives (virtio-blk) ----
 * Data moves by DMA straight between the disk and a memory object's pages
 * (no copy through the kernel); `bytes` and `vmo_offset` are multiples of
 * VIPER_BLOCK_SECTOR_BYTES, `bytes` at most VIPER_BLOCK_IO_MAX, and the
 * range must lie inside the disk and the object. The calling thread sleeps
 * until the device's interrupt completes its request (never a spin); many
 * threads may have requests in flight on one disk. A request the device
 * fails, or answers nonsensically, is VIPER_ERR_IO. */
#define VIPER_SYS_BLOCK_INFO 176 /* (block, struct viper_block_info*) -> 0 */
#define VIPER_SYS_BLOCK_READ                                                 \
  177 /* (block, sector, vmo, vmo_offset, bytes) -> bytes; needs READ on the \
         block and WRITE on the vmo */
#define VIPER_SYS_BLOCK_WRITE                                                 \
  178 /* (block, sector, vmo, vmo_offset, bytes) -> bytes; needs WRITE on the \
         block (kAccessDenied on a read-only disk) and READ on the vmo */
#define VIPER_SYS_BLOCK_FLUSH                                               \
  179 /* (block) -> 0 once every write that completed before the call is on \
         stable storage; needs WRITE */

/* ---- Network interfaces (184..191) ----
 * A NIC handle (VIPER_OBJECT_NIC) moves whole Ethernet frames: the 14-byte
 * header and the payload, no FCS, 14..VIPER_NET_FRAME_MAX bytes. A frame
 * is copied once, between the caller's memory and the device's DMA
 * buffers (a frame is small; mapping pages per frame would cost more).
 * The object's signals: VIPER_SIGNAL_READABLE while received frames wait,
 * VIPER_SIGNAL_WRITABLE while the transmit ring has a free slot, so a
 * server waits on a NIC in a pollset beside its channels. A device that
 * misbehaves (a used index out of range, a length that lies) is reset and
 * counted (viper_net_info.resets); frames in flight then are lost, as on a
 * wire. SEND and RECEIVE with a deadline already passed (0) never sleep:
 * kWouldBlock at once when they would have to. */
#define VIPER_SYS_NET_INFO 184 /* (nic, struct viper_net_info*) -> 0; needs READ */
#define VIPER_SYS_NET_SEND                                                  \
  185 /* (nic, const void* frame, bytes, deadline) -> bytes; needs WRITE;   \
         sleeps while the transmit ring is full, until an interrupt frees a \
         slot or the deadline (kTimedOut; deadline 0: kWouldBlock at once) */
#define VIPER_SYS_NET_RECEIVE                                                  \
  186 /* (nic, void* buffer, capacity, deadline) -> bytes of the oldest frame; \
         needs READ; sleeps until one arrives (interrupt) or the deadline;     \
         kOutOfRange (the frame stays queued) when capacity is too small */

/* One past the highest number: the dispatch table's size. */
#define VIPER_SYS_COUNT 192

/* Named limits. */
#define VIPER_DEBUG_WRITE_MAX 4096      /* bytes per debug write */
#define VIPER_MESSAGE_BYTES_MAX 65536   /* bytes in one channel message */
#define VIPER_MESSAGE_HANDLES_MAX 64    /* handles in one channel message */
#define VIPER_POLL_EVENTS_MAX 64        /* events one pollset wait reports */
#define VIPER_SPAWN_PATH_MAX 128        /* bytes of a program path, with the NUL */
#define VIPER_SPAWN_ARGS_MAX 64         /* argv and envp entries, each */
#define VIPER_SPAWN_ARG_BYTES_MAX 16384 /* all argument and environment strings */
#define VIPER_BOOTFS_READ_MAX 65536     /* bytes per boot-file read */
#define VIPER_CONSOLE_IO_MAX 65536      /* bytes per console read or write */
#define VIPER_VMO_BYTES_MAX (16u << 20) /* bytes in one shareable memory object */
#define VIPER_ENTROPY_READ_MAX 256      /* bytes per entropy read (as getentropy) */
#define VIPER_BLOCK_SECTOR_BYTES 512    /* the unit of block addresses and sizes */
#define VIPER_BLOCK_IO_MAX (1u << 20)   /* bytes in one block read or write */
#define VIPER_NET_FRAME_MAX 1514        /* bytes of an Ethernet frame without FCS */

/* Memory protections (VIPER_SYS_VM_*). Writable and executable at once is refused. */
#define VIPER_PROT_READ 1u
#define VIPER_PROT_WRITE 2u
#define VIPER_PROT_EXEC 4u

/* The exit code of a process ended by VIPER_SYS_PROCESS_KILL or by a fault. */
#define VIPER_EXIT_KILLED (-9)
#define VIPER_EXIT_FAULT (-11)

/* Auxiliary vector tags a program finds after envp (System V values, plus
 * ViperDOS's own above 0x1000). */
#define VIPER_AUX_NULL 0
#define VIPER_AUX_PAGE_SIZE 6
#define VIPER_AUX_ENTRY 9
#define VIPER_AUX_BOOTSTRAP 0x1000 /* the bootstrap channel handle, or 0 */

/* A channel message: on write, what to send; on read, the capacities in and
 * the counts out (also when too small: kOutOfRange says how much is needed). */
struct viper_message {
  void* bytes;
  uint64_t byte_count; /* write: bytes to send; read: out */
  uint64_t byte_capacity;
  viper_handle_t* handles;
  uint64_t handle_count; /* write: handles to move; read: out */
  uint64_t handle_capacity;
};

struct viper_poll_event {
  uint64_t key;
  uint32_t signals;
  uint32_t reserved;
};

struct viper_spawn_args {
  const char* path; /* in the boot archive: "bin/sh"; with `image`, only the program's name */
  const char* const* argv;
  uint64_t argc;
  const char* const* envp;
  uint64_t envc;
  viper_handle_t bootstrap; /* a handle to move into the child, or 0 */
  /* 0: the program is `path` in the boot archive. Else a memory object
   * (read right) whose first image_bytes are the program file — one from
   * the disk, which libc reads in: the kernel copies them before it
   * parses, so a change to the object during the call loads nothing torn.
   * The object stays the caller's. */
  viper_handle_t image;
  uint64_t image_bytes; /* 1..VIPER_SPAWN_IMAGE_MAX, within the object */
};
#define VIPER_SPAWN_IMAGE_MAX (4u << 20) /* the largest program file from a memory object */

#define VIPER_OBJECT_CHANNEL 1
#define VIPER_OBJECT_TIMER 2
#define VIPER_OBJECT_EVENT 3
#define VIPER_OBJECT_POLLSET 4
#define VIPER_OBJECT_PROCESS 5
#define VIPER_OBJECT_CONSOLE 6
#define VIPER_OBJECT_VMO 7
#define VIPER_OBJECT_BLOCK 8
#define VIPER_OBJECT_NIC 9

/* VIPER_SYS_BLOCK_INFO. */
#define VIPER_BLOCK_READ_ONLY 1u /* the device refuses writes (VIRTIO_BLK_F_RO) */
#define VIPER_BLOCK_CAN_FLUSH 2u /* it has a volatile cache that FLUSH empties */
struct viper_block_info {
  uint64_t sectors;       /* its size in VIPER_BLOCK_SECTOR_BYTES units */
  uint32_t flags;         /* VIPER_BLOCK_* */
  uint32_t index;         /* 0 for the first disk on the command line */
  uint64_t reads, writes; /* requests completed so far */
  uint64_t errors;        /* requests that ended in VIPER_ERR_IO */
};

/* VIPER_SYS_NET_INFO. */
#define VIPER_NET_LINK_UP 1u /* the device reports a link (or has no status) */
struct viper_net_info {
  uint8_t mac[6];
  uint16_t mtu;   /* 1500 */
  uint32_t flags; /* VIPER_NET_* */
  uint32_t index; /* 0 for the first NIC on the command line */
  uint32_t reserved;
  uint64_t rx_frames, rx_bytes; /* delivered to NET_RECEIVE */
  uint64_t tx_frames, tx_bytes; /* handed to the device */
  uint64_t rx_dropped;          /* arrived while every receive buffer was full */
  uint64_t device_errors;       /* nonsense from the device (then a reset; a runt
                                   shorter than 14 bytes is only dropped) */
  uint64_t resets;
};

struct viper_object_info {
  uint64_t id;   /* never reused */
  uint32_t type; /* VIPER_OBJECT_* */
  uint32_t rights;
};

#define VIPER_PROCESS_RUNNING 0
#define VIPER_PROCESS_EXITING 1
#define VIPER_PROCESS_TERMINATED 2

struct viper_process_info {
  uint64_t id;
  uint32_t state; /* VIPER_PROCESS_* */
  uint32_t threads;
  int64_t exit_code; /* once terminated */
  char name[32];
  uint64_t parent_id; /* 0 for init */
};

/* One process of VIPER_SYS_PROCESS_LIST. */
struct viper_process_entry {
  uint64_t id;
  uint64_t parent_id;
  uint32_t state; /* VIPER_PROCESS_* */
  uint32_t threads;
  uint64_t memory_bytes; /* user pages it has mapped */
  uint64_t cpu_ns;       /* CPU time its threads used */
  uint32_t last_cpu;     /* where one of its threads last ran */
  uint32_t reserved;
  char name[32];
};

#define VIPER_POWER_OFF 0
#define VIPER_POWER_REBOOT 1

struct viper_system_info {
  uint64_t total_memory;
  uint64_t free_memory;
  uint64_t uptime_ns;
  uint32_t cpus;
  uint32_t processes;
  uint32_t threads;
  uint32_t reserved;
  /* Physical memory in bytes: free + used + reserved == total, always. */
  uint64_t used_memory;     /* handed out (page tables, stacks, heap, user pages) */
  uint64_t reserved_memory; /* page descriptors and unusable fragments */
  /* The kernel heap (kmalloc: slab classes and large blocks). */
  uint64_t heap_allocations; /* live blocks */
  uint64_t heap_bytes;       /* their sizes (class or page sizes) */
  /* IPC objects alive now, and messages the fast path handed straight to a
   * waiting reader since boot. */
  uint64_t ipc_channels;
  uint64_t ipc_messages; /* queued, not yet read */
  uint64_t ipc_fast_path_deliveries;
  uint64_t ipc_pollsets;
  uint64_t ipc_timers;
  uint64_t ipc_events;
};

struct viper_cpu_info {
  uint32_t cpu;
  uint32_t queued; /* threads waiting to run on it now */
  uint64_t context_switches;
  uint64_t steals; /* threads it took from busier CPUs */
};

/* Signals: numbers as POSIX (1..63), handlers per process, masks per
 * thread. A handler runs on the thread's stack with x0 = the signal and
 * x30 = VIPER_SIGNAL_TRAMPOLINE, a kernel-provided read-only, executable
 * page in every process that calls VIPER_SYS_SIGNAL_RETURN, which restores
 * the interrupted state saved below the handler's stack frame. */
#define VIPER_SIG_DFL 0
#define VIPER_SIG_IGN 1
#define VIPER_SIG_BLOCK 0
#define VIPER_SIG_UNBLOCK 1
#define VIPER_SIG_SETMASK 2
#define VIPER_SIGNAL_TRAMPOLINE 0xf000u

struct viper_sigaction {
  uint64_t handler; /* VIPER_SIG_DFL, VIPER_SIG_IGN or void (*)(int) */
  uint64_t mask;    /* blocked while the handler runs, besides the signal itself */
  uint64_t flags;   /* none defined: must be 0 */
};

/* What delivery saves on the user stack and sigreturn restores. */
struct viper_signal_frame {
  uint64_t x[31];
  uint64_t sp;
  uint64_t pc;
  uint64_t pstate;
  uint64_t blocked; /* the thread's mask before the handler */
  uint64_t signal;
  uint64_t fpcr;
  uint64_t fpsr;
  unsigned __int128 v[32];
};

#endif /* VIPERDOS_SYSCALLS_H_ */

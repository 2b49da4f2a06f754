/* The seam between the figures and the OS under them: what POSIX does not
 * say the same way on Linux and ViperDOS. os_linux.c and os_viperdos.c
 * implement it; each compiles to nothing on the other system. */
#ifndef USERLAND_BENCH_OS_H_
#define USERLAND_BENCH_OS_H_

#include <stddef.h>

/* 1 the first time this program runs in this boot (it prints BOOT then);
 * os_restart may run it again with the OS set up for measuring. */
int os_first_stage(void);
void os_restart(char** argv);

/* The OS's name as the BENCH_INFO line shows it. */
const char* os_name(void);

/* Lines that say what this run measures on this OS (INFO ...). */
void os_report(void);

/* The cheapest real system call: one kernel entry and exit that does
 * (almost) nothing. Linux: getppid. ViperDOS: process_id until getppid
 * arrives with fork. Its name goes into the INFO line. */
long os_null_syscall(void);
const char* os_null_syscall_name(void);

/* Runs the caller on `cpu` from now on; 0 where the OS cannot pin (the
 * figure then says so), else 1. */
int os_pin(int cpu);

/* A fresh anonymous, private, read-write mapping whose pages are not
 * touched yet (4 KiB faults, no huge pages), or 0. */
void* os_map_fresh(size_t size);
void os_unmap(void* address, size_t size);

/* A read-write page shared with the children fork() makes from now on
 * (Linux: mmap(MAP_SHARED | MAP_ANONYMOUS); ViperDOS: a memory object
 * mapped with viper_vmo_map, which a fork keeps shared), or 0. */
void* os_map_shared(size_t size);
void os_unmap_shared(void* address, size_t size);

/* Counters around a figure's loop (ViperDOS: context switches per CPU and
 * IPC fast-path deliveries, one INFO line for the first timed repetition,
 * `*calls` counting the figure's runs; Linux: nothing). Not nested. */
void os_counts_begin(void);
void os_counts_end(const char* figure, long n, int* calls);

/* The ext2 disk mounted (Linux: the modules loaded from the initrd, then
 * /dev/vda on /mnt; ViperDOS: bin/fsd started on the disk the kernel gave
 * init, its connection made the root): the directory it is at, or 0 when
 * there is no disk or it does not mount. */
const char* os_storage_root(void);

/* Native figures: the call the OS offers for the job, measured beside the
 * POSIX one. Return -1 where there is none. */
double os_native_ipc_rtt(long n);         /* ViperDOS: channel call + reply */
double os_native_ipc_threads_rtt(long n); /* the same, the server a thread of the caller */
double os_native_spawn_wait(long n);      /* ViperDOS: process_spawn + exit + wait */
double os_native_spawn_call(long n);      /* ViperDOS: the process_spawn call alone */

/* A child role: `bench --role=X` in a spawned process. Returns the exit
 * code, or -1 when `role` is none of the OS's. */
int os_child_role(const char* role);

/* Ends the run: powers the machine off where the benchmark is init. */
void os_finish(int code);

#endif /* USERLAND_BENCH_OS_H_ */

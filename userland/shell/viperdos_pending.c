/* Weak stand-ins for the calls the shell uses that ViperDOS's libc does
 * not have yet (its fd layer, processes and consoled land separately).
 * Each fails: with ENOSYS, or for posix_spawn's helpers as their contract
 * allows. libc's real definition, once linked, wins over the weak one, so
 * this file can simply be deleted when they have all landed. */
#ifdef __viperdos__

#include <errno.h>
#include <spawn.h>
#include <stddef.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#define PENDING __attribute__((weak))

PENDING int posix_spawn_file_actions_init(posix_spawn_file_actions_t* fa) {
  *fa = NULL;
  return 0;
}
PENDING int posix_spawn_file_actions_destroy(posix_spawn_file_actions_t* fa) {
  (void)fa;
  return 0;
}
PENDING int posix_spawn_file_actions_adddup2(posix_spawn_file_actions_t* fa, int from, int to) {
  (void)fa;
  (void)from;
  (void)to;
  return ENOSYS;
}
PENDING int posix_spawn_file_actions_addclose(posix_spawn_file_actions_t* fa, int fd) {
  (void)fa;
  (void)fd;
  return ENOSYS;
}
PENDING int posix_spawnattr_init(posix_spawnattr_t* attr) {
  *attr = NULL;
  return 0;
}
PENDING int posix_spawnattr_destroy(posix_spawnattr_t* attr) {
  (void)attr;
  return 0;
}
PENDING int posix_spawnattr_setflags(posix_spawnattr_t* attr, short flags) {
  (void)attr;
  (void)flags;
  return ENOSYS;
}
PENDING int posix_spawnattr_setpgroup(posix_spawnattr_t* attr, pid_t group) {
  (void)attr;
  (void)group;
  return ENOSYS;
}
PENDING int posix_spawnattr_setsigdefault(posix_spawnattr_t* restrict attr,
                                          const sigset_t* restrict set) {
  (void)attr;
  (void)set;
  return ENOSYS;
}
PENDING int posix_spawn(pid_t* restrict pid, const char* restrict path,
                        const posix_spawn_file_actions_t* fa,
                        const posix_spawnattr_t* restrict attr, char* const argv[],
                        char* const envp[]) {
  (void)pid;
  (void)path;
  (void)fa;
  (void)attr;
  (void)argv;
  (void)envp;
  return ENOSYS;
}
PENDING pid_t waitpid(pid_t pid, int* status, int options) {
  (void)pid;
  (void)status;
  (void)options;
  errno = ECHILD;
  return -1;
}
PENDING int pipe(int fds[2]) {
  (void)fds;
  errno = ENOSYS;
  return -1;
}
PENDING int dup(int fd) {
  (void)fd;
  errno = ENOSYS;
  return -1;
}
PENDING int dup2(int from, int to) {
  (void)from;
  (void)to;
  errno = ENOSYS;
  return -1;
}
PENDING char* getcwd(char* buffer, size_t size) {
  (void)buffer;
  (void)size;
  errno = ENOSYS;
  return NULL;
}
PENDING int chdir(const char* path) {
  (void)path;
  errno = ENOSYS;
  return -1;
}
/* consoled's call (<viperdos/console.h>): no console server, no one to tell. */
PENDING int viper_console_set_foreground(int fd, const pid_t* pids, int count) {
  (void)fd;
  (void)pids;
  (void)count;
  return -ENOSYS;
}

#endif /* __viperdos__ */

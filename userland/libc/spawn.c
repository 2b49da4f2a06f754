/* posix_spawn and posix_spawnp (<spawn.h>) over viper_process_spawn: the
 * child gets this process's fds without FD_CLOEXEC, after the file
 * actions, and the working directory, in a startup message on its
 * bootstrap channel (fd_startup.h). The child is recorded in the child
 * table (children.h) for waitpid.
 *
 * Attributes: the flags ViperDOS meets are accepted — POSIX_SPAWN_SETSIGDEF
 * (a new program starts with every signal at its default anyway),
 * POSIX_SPAWN_RESETIDS (there are no user ids), POSIX_SPAWN_SETSIGMASK
 * with an empty mask (a new program's mask is empty). The others (process
 * groups, scheduling, a non-empty mask) fail with ENOTSUP rather than be
 * dropped silently. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <viperdos/viper.h>

#include "userland/libc/children.h"
#include "userland/libc/fd_startup.h"
#include "userland/libc/path.h"
#include "userland/libc/program_image.h"
#include "userland/libc/script.h"

extern char** environ;

enum { ACTION_OPEN, ACTION_DUP2, ACTION_CLOSE };

struct action {
  int type;
  int fd;
  int source;  /* dup2 */
  int oflag;   /* open */
  char* path;  /* open: a copy */
  mode_t mode; /* open: for O_CREAT */
};

struct __posix_spawn_file_actions {
  int count, capacity;
  struct action* actions;
};

struct __posix_spawnattr {
  short flags;
  pid_t pgroup;
  sigset_t mask;
  sigset_t defaults;
};

/* ---- file actions ---- */

int posix_spawn_file_actions_init(posix_spawn_file_actions_t* fa) {
  if (!fa) return EINVAL;
  *fa = calloc(1, sizeof(**fa));
  return *fa ? 0 : ENOMEM;
}

int posix_spawn_file_actions_destroy(posix_spawn_file_actions_t* fa) {
  if (!fa || !*fa) return EINVAL;
  for (int i = 0; i < (*fa)->count; ++i) free((*fa)->actions[i].path);
  free((*fa)->actions);
  free(*fa);
  *fa = 0;
  return 0;
}

static int add_action(posix_spawn_file_actions_t* fa, struct action a) {
  if (!fa || !*fa) return EINVAL;
  if (a.fd < 0 || a.fd >= FD_TABLE_SIZE) return EBADF;
  struct __posix_spawn_file_actions* f = *fa;
  if (f->count == f->capacity) {
    const int capacity = f->capacity ? f->capacity * 2 : 8;
    struct action* grown = realloc(f->actions, (size_t)capacity * sizeof(*grown));
    if (!grown) return ENOMEM;
    f->actions = grown;
    f->capacity = capacity;
  }
  f->actions[f->count++] = a;
  return 0;
}

int posix_spawn_file_actions_addopen(posix_spawn_file_actions_t* fa, int fd, const char* path,
                                     int oflag, mode_t mode) {
  if (!path) return EINVAL;
  if (fd < 0 || fd >= FD_TABLE_SIZE) return EBADF;
  char* copy = strdup(path);
  if (!copy) return ENOMEM;
  const int added = add_action(fa, (struct action){ACTION_OPEN, fd, -1, oflag, copy, mode});
  if (added) free(copy);
  return added;
}

int posix_spawn_file_actions_adddup2(posix_spawn_file_actions_t* fa, int fd, int target) {
  if (fd < 0 || fd >= FD_TABLE_SIZE) return EBADF;
  return add_action(fa, (struct action){ACTION_DUP2, target, fd, 0, 0, 0});
}

int posix_spawn_file_actions_addclose(posix_spawn_file_actions_t* fa, int fd) {
  return add_action(fa, (struct action){ACTION_CLOSE, fd, -1, 0, 0, 0});
}

/* ---- attributes ---- */

#define KNOWN_FLAGS                                                           \
  (POSIX_SPAWN_RESETIDS | POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSCHEDPARAM | \
   POSIX_SPAWN_SETSCHEDULER | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK)

int posix_spawnattr_init(posix_spawnattr_t* attr) {
  if (!attr) return EINVAL;
  *attr = calloc(1, sizeof(**attr));
  return *attr ? 0 : ENOMEM;
}

int posix_spawnattr_destroy(posix_spawnattr_t* attr) {
  if (!attr || !*attr) return EINVAL;
  free(*attr);
  *attr = 0;
  return 0;
}

int posix_spawnattr_setflags(posix_spawnattr_t* attr, short flags) {
  if (!attr || !*attr || (flags & ~KNOWN_FLAGS)) return EINVAL;
  (*attr)->flags = flags;
  return 0;
}

int posix_spawnattr_getflags(const posix_spawnattr_t* attr, short* flags) {
  if (!attr || !*attr || !flags) return EINVAL;
  *flags = (*attr)->flags;
  return 0;
}

int posix_spawnattr_setpgroup(posix_spawnattr_t* attr, pid_t group) {
  if (!attr || !*attr) return EINVAL;
  (*attr)->pgroup = group;
  return 0;
}

int posix_spawnattr_getpgroup(const posix_spawnattr_t* attr, pid_t* group) {
  if (!attr || !*attr || !group) return EINVAL;
  *group = (*attr)->pgroup;
  return 0;
}

int posix_spawnattr_setsigmask(posix_spawnattr_t* attr, const sigset_t* mask) {
  if (!attr || !*attr || !mask) return EINVAL;
  (*attr)->mask = *mask;
  return 0;
}

int posix_spawnattr_getsigmask(const posix_spawnattr_t* attr, sigset_t* mask) {
  if (!attr || !*attr || !mask) return EINVAL;
  *mask = (*attr)->mask;
  return 0;
}

int posix_spawnattr_setsigdefault(posix_spawnattr_t* attr, const sigset_t* set) {
  if (!attr || !*attr || !set) return EINVAL;
  (*attr)->defaults = *set;
  return 0;
}

int posix_spawnattr_getsigdefault(const posix_spawnattr_t* attr, sigset_t* set) {
  if (!attr || !*attr || !set) return EINVAL;
  *set = (*attr)->defaults;
  return 0;
}

static int attributes_met(const posix_spawnattr_t* attr) {
  if (!attr) return 0;
  if (!*attr) return EINVAL;
  const short flags = (*attr)->flags;
  if (flags & (POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSCHEDPARAM | POSIX_SPAWN_SETSCHEDULER)) {
    return ENOTSUP;
  }
  if (flags & POSIX_SPAWN_SETSIGMASK) {
    sigset_t empty;
    sigemptyset(&empty);
    if (memcmp(&empty, &(*attr)->mask, sizeof(empty)) != 0) return ENOTSUP;
  }
  return 0;
}

/* ---- spawning ---- */

/* The file actions on the child's view of the fds: 0 or an errno. */
static int apply(struct fd_view* view, const posix_spawn_file_actions_t* fa) {
  if (!fa) return 0;
  if (!*fa) return EINVAL;
  for (int i = 0; i < (*fa)->count; ++i) {
    const struct action* a = &(*fa)->actions[i];
    if (a->type == ACTION_CLOSE) {
      __fd_view_set(view, a->fd, 0, 0);
    } else if (a->type == ACTION_DUP2) {
      struct fd_file* file = view->files[a->source];
      if (!file) return EBADF;
      if (a->source == a->fd) {
        view->flags[a->fd] &= ~FD_TABLE_CLOEXEC; /* POSIX 2024: dup2 onto itself */
        continue;
      }
      __atomic_fetch_add(&file->counted.references, 1, __ATOMIC_RELAXED);
      __fd_view_set(view, a->fd, file, 0);
    } else {
      struct fd_file* file = 0;
      const int opened = __viper_open_file(a->path, a->oflag, a->mode, &file);
      if (opened < 0) return -opened;
      __fd_view_set(view, a->fd, file, (a->oflag & O_CLOEXEC) ? FD_TABLE_CLOEXEC : 0);
    }
  }
  return 0;
}

static int count(char* const* strings, uint64_t* n) {
  *n = 0;
  while (strings && strings[*n]) {
    if (++*n > VIPER_SPAWN_ARGS_MAX) return E2BIG;
  }
  return 0;
}

static int spawn_error(int64_t error) {
  switch (error) {
    case VIPER_ERR_CORRUPT:
      return ENOEXEC;
    case VIPER_ERR_OUT_OF_RANGE:
      return E2BIG;
    default:
      return __viper_errno(error);
  }
}

/* The kernel's spawn of `name` (resolved), or of the interpreter when it
 * refused `path` as no ELF and the file is a script (script.h). */
static int64_t spawn_program(struct viper_spawn_args* args, char name[VIPER_PATH_MAX],
                             const char* path, struct script* script) {
  const int64_t process = viper_process_spawn(args);
  if (process != VIPER_ERR_CORRUPT || script->argv) return process;
  const int is = __viper_script(script, path, (char* const*)args->argv);
  if (is <= 0) return is < 0 ? VIPER_ERR_NO_MEMORY : process;
  const int resolved = __viper_resolve_program(script->argv[0], name);
  if (resolved < 0) return resolved == -ENOENT ? VIPER_ERR_NOT_FOUND : process;
  if (script->argc > VIPER_SPAWN_ARGS_MAX) return VIPER_ERR_OUT_OF_RANGE;
  args->argv = (const char* const*)script->argv;
  args->argc = script->argc;
  return viper_process_spawn(args);
}

static int spawn(pid_t* pid, const char* path, const posix_spawn_file_actions_t* fa,
                 const posix_spawnattr_t* attr, char* const argv[], char* const envp[],
                 struct script* script, struct program_image* image) {
  char name[VIPER_PATH_MAX];
  const int resolved = __viper_find_program(path, &argv, script, image, name);
  if (resolved < 0) return -resolved;
  if (strlen(name) >= VIPER_SPAWN_PATH_MAX) return ENAMETOOLONG;
  if (!envp) envp = environ;
  uint64_t argc, envc;
  int error = attributes_met(attr);
  if (!error) error = count(argv, &argc);
  if (!error) error = count(envp, &envc);
  if (error) return error;
  struct fd_view* view = malloc(sizeof(*view));
  if (!view) return ENOMEM;
  __fd_view_take(view);
  error = apply(view, fa);
  const int64_t bootstrap = error ? 0 : __fd_startup_channel(view);
  __fd_view_release(view);
  free(view);
  if (error) return error;
  if (bootstrap < 0) return bootstrap == VIPER_ERR_OUT_OF_RANGE ? EMFILE : __viper_errno(bootstrap);
  struct viper_spawn_args args = {.path = name,
                                  .argv = (const char* const*)argv,
                                  .argc = argc,
                                  .envp = (const char* const*)envp,
                                  .envc = envc,
                                  .bootstrap = (viper_handle_t)bootstrap,
                                  .image = image->vmo,
                                  .image_bytes = image->bytes};
  const int64_t process = spawn_program(&args, name, path, script);
  if (process < 0) {
    viper_handle_close((viper_handle_t)bootstrap); /* a failed spawn leaves it with us */
    return spawn_error(process);
  }
  struct viper_process_info info;
  const int64_t got = viper_process_info((viper_handle_t)process, &info);
  if (got < 0 || __viper_child_add((int64_t)info.id, (viper_handle_t)process) != 0) {
    viper_process_kill((viper_handle_t)process);
    viper_handle_close((viper_handle_t)process);
    return got < 0 ? __viper_errno(got) : EAGAIN;
  }
  if (pid) *pid = (pid_t)info.id;
  return 0;
}

int posix_spawn(pid_t* pid, const char* path, const posix_spawn_file_actions_t* fa,
                const posix_spawnattr_t* attr, char* const argv[], char* const envp[]) {
  if (!path || !argv) return EINVAL;
  struct script script = {.argv = 0};
  struct program_image image = {0, 0};
  const int error = spawn(pid, path, fa, attr, argv, envp, &script, &image);
  __viper_script_free(&script);
  __viper_program_image_free(&image);
  return error;
}

int posix_spawnp(pid_t* pid, const char* file, const posix_spawn_file_actions_t* fa,
                 const posix_spawnattr_t* attr, char* const argv[], char* const envp[]) {
  if (!file || !argv) return EINVAL;
  if (file[0] == 0) return ENOENT;
  if (strchr(file, '/')) return posix_spawn(pid, file, fa, attr, argv, envp);
  const char* search = getenv("PATH");
  if (!search || !search[0]) search = "/bin";
  const size_t length = strlen(file);
  for (const char* dir = search;;) {
    const char* end = strchr(dir, ':');
    const size_t n = end ? (size_t)(end - dir) : strlen(dir);
    char candidate[VIPER_PATH_MAX];
    if (n + 1 + length < sizeof(candidate)) {
      memcpy(candidate, n ? dir : ".", n ? n : 1);
      const size_t at = n ? n : 1;
      candidate[at] = '/';
      memcpy(candidate + at + 1, file, length + 1);
      if (__viper_is_program(candidate)) return posix_spawn(pid, candidate, fa, attr, argv, envp);
    }
    if (!end) return ENOENT;
    dir = end + 1;
  }
}

/* init: the first process. Reads its configuration from the boot archive
 * (argv[1], default etc/init.conf; see config.h for the format), runs and
 * starts what it says in order, restarts services that end, and gives up
 * on one that keeps failing. It waits on every service's process handle in
 * one pollset, with the next restart as the deadline: no polling.
 *
 * The kernel gives init its bootstrap channel's messages: first "console"
 * and the console handle, then "block" and a disk's handle for each disk
 * (<viperdos/fs_protocol.h>). init keeps the console and passes a duplicate
 * to the `console` service (consoled), and attaches each `session`
 * service to a new console session it announces to that service: as the
 * program's stdin, stdout and stderr (posix_spawn), or, for `-channel`
 * entries, as its bootstrap handle. An `fs` line starts fsd with the first
 * disk and, once it has mounted it, makes that channel init's root
 * connection, so every program started after has the disk as "/". A
 * `net` line starts netd with the first NIC ("nic" messages from the
 * kernel, after the disks) and makes that channel init's connection to
 * netd, so every program started after can open sockets.
 *
 * init's exit code (and so the machine's, on `poweroff`) is the number of
 * `run` programs that failed plus the number of malformed config lines. */
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <viperdos/console.h>
#include <viperdos/fs_protocol.h>
#include <viperdos/viper.h>

#include "userland/init/config.h"

#define MAX_FAILURES 5                  /* quick failures in a row, then give up */
#define QUICK_NS (5ull * 1000000000ull) /* a run shorter than this is a failure */
#define FIRST_DELAY_NS 100000000ull     /* 100 ms, doubled for each failure */
#define RUN_KEY 0xffffffffull

struct service {
  struct init_entry* entry;
  viper_handle_t process; /* 0 while not running */
  uint64_t started_ns;
  uint64_t restart_at; /* 0: not waiting to restart */
  int failures;
  int given_up;
};

static struct init_config config;
static struct service services[INIT_MAX_ENTRIES];
static int service_count;
static viper_handle_t pollset;

#define CONSOLE_RIGHTS                                                              \
  (VIPER_RIGHT_READ | VIPER_RIGHT_WRITE | VIPER_RIGHT_WAIT | VIPER_RIGHT_TRANSFER | \
   VIPER_RIGHT_DUPLICATE)

#define MAX_DISKS 8

/* What a program on a console session finds in its environment; HOME is
 * /home/user once a disk that has it is mounted (the shell keeps its
 * history there). */
static char* session_environment[] = {"PATH=/bin", "HOME=/", "TERM=vt100", 0};

static viper_handle_t console;          /* from the kernel; 0 if it sent none */
static viper_handle_t console_server;   /* init's end of the console server's bootstrap */
static viper_handle_t disks[MAX_DISKS]; /* from the kernel, disk 0 first */
static int disk_count;
static viper_handle_t fs_pending; /* init's end of fsd's bootstrap, until it has mounted */
#define MAX_NICS 4
static viper_handle_t nics[MAX_NICS]; /* from the kernel, NIC 0 first */
static int nic_count;

/* The kernel wrote init's bootstrap messages before init started: read
 * them all ("console", then a "block" per disk), then close it. */
static void take_bootstrap(void) {
  const viper_handle_t bootstrap = viper_bootstrap_handle();
  if (!bootstrap) return;
  for (;;) {
    char tag[16];
    viper_handle_t handles[1] = {0};
    struct viper_message m = {tag, 0, sizeof(tag), handles, 0, 1};
    if (viper_channel_read(bootstrap, &m, 0) < 0) break; /* no more (or too big: ignored) */
    if (m.byte_count == 7 && memcmp(tag, "console", 7) == 0 && m.handle_count == 1 && !console) {
      console = handles[0];
    } else if (m.byte_count == 5 && memcmp(tag, "block", 5) == 0 && m.handle_count == 1 &&
               disk_count < MAX_DISKS) {
      disks[disk_count++] = handles[0];
    } else if (m.byte_count == 3 && memcmp(tag, "nic", 3) == 0 && m.handle_count == 1 &&
               nic_count < MAX_NICS) {
      nics[nic_count++] = handles[0];
    } else {
      for (uint64_t i = 0; i < m.handle_count; ++i) viper_handle_close(handles[i]);
    }
  }
  viper_handle_close(bootstrap);
}

/* fsd's bootstrap: "block" and a duplicate of disk 0 (init keeps its own
 * for a restart). The child's end, or -1 with why in *why. */
static int64_t fs_bootstrap(const char** why) {
  viper_handle_t pair[2];
  struct viper_object_info info;
  if (disk_count == 0) {
    *why = "the kernel gave init no disk";
    return -1;
  }
  if (viper_object_info(disks[0], &info) < 0 || viper_channel_create(pair) < 0) {
    *why = "no channel";
    return -1;
  }
  const int64_t copy = viper_handle_duplicate(disks[0], info.rights);
  const viper_handle_t moved = (viper_handle_t)copy;
  const int64_t sent = copy < 0 ? copy : viper_channel_write(pair[0], "block", 5, &moved, 1);
  if (sent < 0) {
    if (copy >= 0) viper_handle_close(moved);
    viper_handle_close(pair[0]);
    viper_handle_close(pair[1]);
    *why = "cannot pass it the disk";
    return -1;
  }
  if (fs_pending) viper_handle_close(fs_pending);
  fs_pending = pair[0];
  return (int64_t)pair[1];
}

/* netd's bootstrap: "nic" and a duplicate of NIC 0 (init keeps its own
 * for a restart); init's end becomes its connection to netd at once
 * (netd serves it from its first loop on; a call before waits in the
 * channel). The child's end, or -1 with why in *why. */
static int64_t net_bootstrap(const char** why) {
  viper_handle_t pair[2];
  struct viper_object_info info;
  if (nic_count == 0) {
    *why = "no NIC";
    return -1;
  }
  if (viper_object_info(nics[0], &info) < 0 || viper_channel_create(pair) < 0) {
    *why = "no channel";
    return -1;
  }
  const int64_t copy = viper_handle_duplicate(nics[0], info.rights);
  const viper_handle_t moved = (viper_handle_t)copy;
  const int64_t sent = copy < 0 ? copy : viper_channel_write(pair[0], "nic", 3, &moved, 1);
  if (sent < 0 || viper_net_set_connection(pair[0]) < 0) {
    if (copy >= 0 && sent < 0) viper_handle_close(moved);
    viper_handle_close(pair[0]);
    viper_handle_close(pair[1]);
    *why = "cannot pass it the NIC";
    return -1;
  }
  return (int64_t)pair[1];
}

/* fsd has started: its first answer says it mounted the disk (a blocking
 * STAT of the root; an fsd that cannot mount exits, and the call sees the
 * channel closed). Then init's end is init's root connection. 0 or -1. */
static int mount_root(const struct init_entry* e) {
  const viper_handle_t channel = fs_pending;
  fs_pending = 0;
  if (!channel) return -1;
  struct viper_fs_request request = {.op = VIPER_FS_STAT};
  unsigned char reply[sizeof(struct viper_fs_reply) + sizeof(struct viper_fs_stat)];
  const int64_t got = viper_channel_call(channel, &request, sizeof(request), reply, sizeof(reply),
                                         VIPER_DEADLINE_NEVER);
  struct viper_fs_reply header = {.status = -1};
  if (got >= (int64_t)sizeof(header)) memcpy(&header, reply, sizeof(header));
  if (got < 0 || header.status != 0) {
    fprintf(stderr, "init: %s did not mount disk 0 (%s %lld); the boot archive is /\n", e->argv[0],
            got < 0 ? "error" : "status", (long long)(got < 0 ? got : header.status));
    viper_handle_close(channel);
    return -1;
  }
  viper_fs_set_root(channel);
  printf("init: disk 0 mounted by %s: / is the disk, /boot the boot archive\n", e->argv[0]);
  struct stat home;
  if (stat("/home/user", &home) == 0 && S_ISDIR(home.st_mode)) {
    session_environment[1] = "HOME=/home/user";
  }
  return 0;
}

/* The bootstrap handle a `console` or `session` service starts with (0 for
 * the others); -1 if it cannot have one. */
static int64_t bootstrap_for(const struct init_entry* e) {
  if (e->action == INIT_NET) {
    const char* why = 0;
    const int64_t end = net_bootstrap(&why);
    if (end < 0) fprintf(stderr, "init: net: %s; %s not started\n", why, e->argv[0]);
    return end;
  }
  if (e->action == INIT_FS) {
    const char* why = 0;
    const int64_t end = fs_bootstrap(&why);
    if (end < 0)
      fprintf(stderr, "init: %s not started: %s; the boot archive is /\n", e->argv[0], why);
    return end;
  }
  const int on_session = e->action == INIT_SESSION || e->action == INIT_ATTACH;
  if (e->action != INIT_CONSOLE && !on_session) return 0;
  const char* why = 0;
  viper_handle_t pair[2];
  if (e->action == INIT_CONSOLE && !console) why = "the kernel gave init no console";
  if (on_session && !console_server) why = "no `console` line before it";
  if (!why && viper_channel_create(pair) < 0) why = "no channel";
  if (why) {
    fprintf(stderr, "init: cannot start %s (config line %d): %s\n", e->argv[0], e->line, why);
    return -1;
  }
  int64_t sent;
  if (e->action == INIT_CONSOLE) {
    /* A new server gets the console again: a duplicate, init keeps its own. */
    const int64_t copy = viper_handle_duplicate(console, CONSOLE_RIGHTS);
    const viper_handle_t moved = (viper_handle_t)copy;
    sent = copy < 0 ? copy : viper_channel_write(pair[0], "console", 7, &moved, 1);
    if (sent >= 0) {
      if (console_server) viper_handle_close(console_server);
      console_server = pair[0];
    }
  } else {
    sent = viper_channel_write(console_server, "session", 7, &pair[0], 1);
  }
  if (sent < 0) {
    fprintf(stderr, "init: cannot start %s (config line %d): error %lld passing its handles\n",
            e->argv[0], e->line, (long long)sent);
    viper_handle_close(pair[0]);
    viper_handle_close(pair[1]);
    return -1;
  }
  return (int64_t)pair[1];
}

/* Starts `e` with the session channel `session` (init's end to the program;
 * it is consumed) as fds 0, 1 and 2: the process handle, or -1. */
static int64_t spawn_on_session(struct init_entry* e, viper_handle_t session) {
  const int fd = viper_fd_adopt_stream(session, 1);
  if (fd < 0) {
    fprintf(stderr, "init: cannot start %s (config line %d): no fd for its session\n", e->argv[0],
            e->line);
    viper_handle_close(session);
    return -1;
  }
  fcntl(fd, F_SETFD, FD_CLOEXEC); /* the child gets it at 0..2 only */
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  for (int target = 0; target <= 2; ++target) {
    posix_spawn_file_actions_adddup2(&actions, fd, target);
  }
  pid_t pid = 0;
  const int failed = posix_spawn(&pid, e->argv[0], &actions, 0, (char* const*)e->argv,
                                 (char* const*)session_environment);
  posix_spawn_file_actions_destroy(&actions);
  close(fd); /* the child has its own; consoled sees the session end with it */
  if (failed) {
    fprintf(stderr, "init: cannot start %s (config line %d): %s\n", e->argv[0], e->line,
            strerror(failed));
    return -1;
  }
  return (int64_t)viper_child_take(pid); /* init waits on it in its pollset */
}

/* A program with no bootstrap of its own: posix_spawn, so libc's startup
 * message gives it init's fds and root connection (the disk). */
static int64_t spawn_plain(struct init_entry* e) {
  static char* const no_environment[] = {0};
  pid_t pid = 0;
  const int failed = posix_spawn(&pid, e->argv[0], 0, 0, (char* const*)e->argv, no_environment);
  if (failed) {
    fprintf(stderr, "init: cannot start %s (config line %d): %s\n", e->argv[0], e->line,
            strerror(failed));
    return -1;
  }
  return (int64_t)viper_child_take(pid);
}

static int64_t spawn(struct init_entry* e) {
  const int64_t bootstrap = bootstrap_for(e);
  if (bootstrap < 0) return bootstrap;
  const int on_session = e->action == INIT_SESSION || e->action == INIT_ATTACH;
  if (on_session && !e->channel_only) return spawn_on_session(e, (viper_handle_t)bootstrap);
  if (bootstrap == 0) return spawn_plain(e);
  const struct viper_spawn_args args = {.path = e->argv[0],
                                        .argv = e->argv,
                                        .argc = (uint64_t)e->argc,
                                        .envp = 0,
                                        .envc = 0,
                                        .bootstrap = (viper_handle_t)bootstrap};
  const int64_t process = viper_process_spawn(&args);
  if (process < 0) {
    fprintf(stderr, "init: cannot start %s (config line %d): error %lld\n", e->argv[0], e->line,
            (long long)process);
    if (bootstrap) viper_handle_close((viper_handle_t)bootstrap); /* it moves only on success */
  }
  return process;
}

static void start_service(int index) {
  struct service* s = &services[index];
  s->restart_at = 0;
  const int64_t process = spawn(s->entry);
  if (process < 0) {
    s->given_up = 1; /* it cannot even start: retrying would not help */
    return;
  }
  s->process = (viper_handle_t)process;
  s->started_ns = viper_clock_monotonic();
  viper_pollset_add(pollset, s->process, VIPER_SIGNAL_TERMINATED, (uint64_t)index);
  /* A file-system server that cannot mount exits on its own: not restarted. */
  if (s->entry->action == INIT_FS && mount_root(s->entry) != 0) s->given_up = 1;
}

static void service_ended(int index) {
  struct service* s = &services[index];
  int64_t code = 0;
  viper_process_wait(s->process, &code);
  viper_pollset_remove(pollset, s->process);
  viper_handle_close(s->process);
  s->process = 0;
  if (s->given_up) return; /* shutting down: it was killed on purpose */
  const uint64_t ran = viper_clock_monotonic() - s->started_ns;
  s->failures = ran < QUICK_NS ? s->failures + 1 : 0;
  if (s->failures >= MAX_FAILURES) {
    fprintf(stderr, "init: %s failed %d times in a row (last exit code %lld); giving up\n",
            s->entry->argv[0], s->failures, (long long)code);
    s->given_up = 1;
    return;
  }
  const uint64_t delay = FIRST_DELAY_NS << (s->failures > 0 ? s->failures - 1 : 0);
  printf("init: %s ended (exit code %lld); restarting in %llu ms\n", s->entry->argv[0],
         (long long)code, (unsigned long long)(delay / 1000000));
  s->restart_at = viper_clock_monotonic() + delay;
}

/* Waits for one event — a service ending, a restart falling due, or (if
 * `run` is non-zero) that process ending — and handles it. Returns 1 when
 * `run` ended. */
static int wait_once(viper_handle_t run) {
  uint64_t deadline = VIPER_DEADLINE_NEVER;
  for (int i = 0; i < service_count; ++i) {
    if (services[i].restart_at && services[i].restart_at < deadline) {
      deadline = services[i].restart_at;
    }
  }
  struct viper_poll_event events[8];
  const int64_t n = viper_pollset_wait(pollset, events, 8, deadline);
  int run_ended = 0;
  for (int64_t i = 0; i < n; ++i) {
    if (events[i].key == RUN_KEY) {
      run_ended = 1;
    } else {
      service_ended((int)events[i].key);
    }
  }
  const uint64_t now = viper_clock_monotonic();
  for (int i = 0; i < service_count; ++i) {
    if (services[i].restart_at && services[i].restart_at <= now) start_service(i);
  }
  return run_ended && run != 0;
}

static int any_service_running(void) {
  for (int i = 0; i < service_count; ++i) {
    if (services[i].process || services[i].restart_at) return 1;
  }
  return 0;
}

static int load_config(const char* path) {
  static char text[8192];
  const int64_t size = viper_bootfs_stat(path);
  if (size < 0 || (uint64_t)size >= sizeof(text)) {
    fprintf(stderr, "init: cannot read %s (%s)\n", path, size < 0 ? "not found" : "too large");
    return -1;
  }
  if (viper_bootfs_read(path, 0, text, (size_t)size) != size) return -1;
  init_parse_config(text, (size_t)size, &config);
  return 0;
}

int main(int argc, char** argv) {
  const char* path = argc > 1 ? argv[1] : "etc/init.conf";
  if (load_config(path) != 0) return 1;
  const int64_t set = viper_pollset_create();
  if (set < 0) return 1;
  pollset = (viper_handle_t)set;
  take_bootstrap();
  printf("init: %d entries from %s\n", config.count, path);

  int failed_runs = 0;
  for (int i = 0; i < config.count; ++i) {
    struct init_entry* e = &config.entries[i];
    if (e->action == INIT_START || e->action == INIT_CONSOLE || e->action == INIT_SESSION ||
        e->action == INIT_FS || e->action == INIT_NET) {
      services[service_count].entry = e;
      start_service(service_count++);
    } else if (e->action == INIT_RUN || e->action == INIT_ATTACH) {
      const int64_t process = spawn(e);
      if (process < 0) {
        ++failed_runs;
        continue;
      }
      viper_pollset_add(pollset, (viper_handle_t)process, VIPER_SIGNAL_TERMINATED, RUN_KEY);
      while (!wait_once((viper_handle_t)process)) {
      }
      int64_t code = 0;
      viper_process_wait((viper_handle_t)process, &code);
      viper_pollset_remove(pollset, (viper_handle_t)process);
      viper_handle_close((viper_handle_t)process);
      if (code != 0) {
        fprintf(stderr, "init: %s exited with code %lld\n", e->argv[0], (long long)code);
        ++failed_runs;
      }
    } else { /* poweroff: the disk synced, then the services ended, then init */
      sync();
      for (int s = 0; s < service_count; ++s) {
        services[s].restart_at = 0;
        services[s].given_up = 1;
        if (services[s].process) viper_process_kill(services[s].process);
      }
      while (any_service_running()) wait_once(0);
      printf("init: powering off\n");
      return failed_runs + config.errors;
    }
  }
  printf("init: ready\n");
  for (;;) wait_once(0);
}

/* init's configuration: a plain-text file in the boot archive, one
 * directive per line, in order (docs/userspace.md):
 *
 *   run PATH [ARGS...]     start it, wait until it ends, go on
 *   start PATH [ARGS...]   start it and keep it running: restarted when it
 *                          ends, with a growing delay; given up (loudly)
 *                          after kMaxFailures quick failures in a row
 *   console PATH [ARGS...] the console server, a service like `start`,
 *                          with the console handle: its bootstrap channel's
 *                          first message is "console" and a duplicate of
 *                          the handle init got from the kernel (kept, so a
 *                          restarted server gets the console again)
 *   session PATH [ARGS...] a service attached to a new console session:
 *                          init makes a channel, sends one end to the
 *                          console server ("session" and the handle) and
 *                          starts PATH with the other end as its stdin,
 *                          stdout and stderr (a terminal: isatty() is 1),
 *                          PATH=/bin, HOME=/ (/home/user on a disk that
 *                          has it) and TERM=vt100 in its
 *                          environment; each restart gets a new session
 *                          (a shell that exits comes back with a fresh
 *                          prompt). Needs a `console` line before it
 *   attach PATH [ARGS...]  like `run` (start, wait, go on; a non-zero exit
 *                          is counted), on a new console session as
 *                          `session` gives one
 *   session-channel, attach-channel PATH [ARGS...]
 *                          the same, but the session is PATH's bootstrap
 *                          handle, not its fds: for a client that speaks
 *                          <viperdos/stream.h> itself (consoled's tests)
 *   fs PATH [ARGS...]      the file-system server (fsd), with the first
 *                          disk the kernel gave init: its bootstrap
 *                          channel's first message is "block" and the
 *                          disk's handle, and once fsd has mounted it
 *                          (init's first request is answered) init's end
 *                          of that channel is init's root connection:
 *                          every program started after it has the disk
 *                          as "/" (<viperdos/fs_protocol.h>). No disk, or
 *                          fsd failing to mount it: init says so once and
 *                          goes on with the boot archive as "/". At most
 *                          one `fs` line; a service like `start` once
 *                          mounted (a restart mounts again)
 *   net PATH [ARGS...]     the network server (netd), with the first NIC
 *                          the kernel gave init: its bootstrap channel's
 *                          first message is "nic" and the NIC's handle,
 *                          and init's end of that channel is init's
 *                          connection to netd (<viperdos/net.h>): every
 *                          program started after it gets a clone, so
 *                          socket() works. No NIC: init says "net: no
 *                          NIC" and goes on (socket() is then ENETDOWN).
 *                          At most one `net` line; a service like `start`
 *                          (a restart gets the NIC and a new connection)
 *   poweroff               when every `run` before it is done and every
 *                          service has ended or been given up, end init
 *                          (the kernel then powers the machine off)
 *
 * '#' starts a comment; blank lines are ignored. A malformed line is
 * reported with its number and skipped. */
#ifndef VIPERDOS_INIT_CONFIG_H_
#define VIPERDOS_INIT_CONFIG_H_

#include <stddef.h>

#define INIT_MAX_ENTRIES 64
#define INIT_MAX_ARGS 15
#define INIT_MAX_LINE 256

enum init_action {
  INIT_RUN,
  INIT_START,
  INIT_CONSOLE,
  INIT_SESSION,
  INIT_ATTACH,
  INIT_POWEROFF,
  INIT_FS,
  INIT_NET,
};

struct init_entry {
  enum init_action action;
  int channel_only; /* session/attach: the session as the bootstrap, not fds 0..2 */
  int line;
  char text[INIT_MAX_LINE]; /* the line's words, NUL-separated */
  const char* argv[INIT_MAX_ARGS + 1];
  int argc;
};

struct init_config {
  struct init_entry entries[INIT_MAX_ENTRIES];
  int count;
  int errors;
};

/* Parses `text` (`size` bytes) into `config`; malformed lines are printed
 * to stderr and counted in config->errors. */
void init_parse_config(const char* text, size_t size, struct init_config* config);

#endif /* VIPERDOS_INIT_CONFIG_H_ */

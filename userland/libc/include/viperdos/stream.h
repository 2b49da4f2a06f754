/* Stream channels: the byte streams behind pipes and console sessions.
 *
 * A pipe is a channel pair; a console session is a channel between a
 * client and consoled. Both carry the same messages, so libc reads and
 * writes them with one implementation and a program cannot tell a pipe
 * from the console except through isatty(). Every message starts with a
 * one-byte tag; the rest is the tag's payload. A reader keeps the unread
 * rest of a DATA message for its next read(), so message boundaries never
 * show through read()'s byte-stream semantics. */
#ifndef VIPERDOS_STREAM_H_
#define VIPERDOS_STREAM_H_

#include <stdint.h>

enum viper_stream_tag {
  /* Bytes follow (at most VIPER_STREAM_DATA_MAX). Either direction. */
  VIPER_STREAM_DATA = 1,
  /* End of input on a console session (Ctrl-D on an empty line): the
   * reader's next read() returns 0 once. No payload. consoled -> client. */
  VIPER_STREAM_EOF = 2,
  /* client -> consoled: one payload byte, VIPER_CONSOLE_COOKED or _RAW. */
  VIPER_STREAM_SET_MODE = 3,
  /* client -> consoled: the foreground job, as the process handles the
   * message carries (none: no foreground job). Ctrl-C sends SIGINT to
   * each of them. No payload. */
  VIPER_STREAM_SET_FOREGROUND = 4,
};

#define VIPER_STREAM_DATA_MAX (65536 - 1)

/* Console modes (VIPER_STREAM_SET_MODE). Cooked: consoled echoes, edits
 * the line (Backspace, Ctrl-U) and sends it whole at Enter; Ctrl-C
 * signals the foreground job; Ctrl-D on an empty line is EOF. Raw: every
 * byte is sent as typed, nothing echoed or interpreted. */
#define VIPER_CONSOLE_COOKED 0
#define VIPER_CONSOLE_RAW 1

#endif /* VIPERDOS_STREAM_H_ */

/* consoled's line discipline: what typed bytes become for one console
 * session. Pure C (no system calls), so the host tests it as it is.
 *
 * Cooked mode (VIPER_CONSOLE_COOKED): bytes are echoed and collected into
 * a line; Backspace (DEL 0x7f or ^H) erases the last character (a whole
 * UTF-8 sequence), ^U the whole line; Enter — CR, LF or CR LF — ends the
 * line with exactly one '\n' and delivers it. The predecessor dropped the
 * byte after every CR, so typed-ahead input lost characters: here only an
 * LF right after a CR is absorbed, and nothing else ever is. ^C discards
 * the line, echoes "^C" and asks for SIGINT to the foreground job; ^D on
 * an empty line is end of file, otherwise it delivers the line so far
 * (no newline). Other control characters are kept and echoed as ^X (an
 * arrow key shows as ^[[A). A line that fills LD_LINE_MAX is delivered as
 * it is, so no input is ever dropped.
 * Raw mode (VIPER_CONSOLE_RAW): every byte is delivered as typed, nothing
 * is echoed or interpreted.
 *
 * The modes are <viperdos/stream.h>'s values (consoled.c checks they
 * agree); this file does not include it so that it builds on the host
 * without ViperDOS's libc. */
#ifndef CONSOLED_LINE_DISCIPLINE_H_
#define CONSOLED_LINE_DISCIPLINE_H_

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define LD_LINE_MAX 4096
#define LD_COOKED 0 /* VIPER_CONSOLE_COOKED */
#define LD_RAW 1    /* VIPER_CONSOLE_RAW */

/* What the discipline produces, in the order it happens. */
struct ld_sink {
  void* context;
  void (*echo)(void* context, const char* bytes, size_t size);    /* to the terminal */
  void (*deliver)(void* context, const char* bytes, size_t size); /* to the client */
  void (*end_of_file)(void* context);                             /* ^D on an empty line */
  void (*interrupt)(void* context);                               /* ^C: SIGINT */
};

struct line_discipline {
  int mode;      /* LD_COOKED or LD_RAW */
  bool after_cr; /* the previous byte was a CR: an LF now is the same Enter */
  size_t length;
  char line[LD_LINE_MAX];
};

void ld_init(struct line_discipline* ld);
/* Returns false (and changes nothing) for an unknown mode. Switching to
 * raw delivers a partly typed cooked line to `sink` first: bytes typed
 * ahead while a program ran in cooked mode reach the raw reader that
 * follows (the shell's line editor), in order, as a terminal's do when
 * canonical mode is turned off. (Keeping them for the next cooked phase
 * lost them from the shell's next command line.) */
bool ld_set_mode(struct line_discipline* ld, int mode, const struct ld_sink* sink);
/* Feeds typed bytes, any number, in one call. */
void ld_feed(struct line_discipline* ld, const uint8_t* bytes, size_t size,
             const struct ld_sink* sink);

#endif /* CONSOLED_LINE_DISCIPLINE_H_ */

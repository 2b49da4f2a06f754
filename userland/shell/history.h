/* Command history: the lines entered, oldest first. It holds up to a limit
 * and then forgets the *oldest*, so the newest entries are never lost
 * (the predecessor's fixed 16 slots dropped them). */
#ifndef USERLAND_SHELL_HISTORY_H_
#define USERLAND_SHELL_HISTORY_H_

#include <stddef.h>

typedef struct {
  char** items;
  size_t len;
  size_t cap;
  size_t limit;
} sh_history;

enum { SH_HISTORY_LIMIT = 1000 };

void history_init(sh_history* h, size_t limit);
void history_free(sh_history* h);
/* Adds a copy of line (without its newline); ignores an empty line and
 * one equal to the newest entry. Returns 1 if added. */
int history_add(sh_history* h, const char* line);
/* Entry i, 0 the oldest; NULL past the end. */
const char* history_get(const sh_history* h, size_t i);
/* Reads a file of one entry per line; -1 if it cannot be read. */
int history_load(sh_history* h, const char* path);
/* Appends one entry to the file; -1 if it cannot be written. */
int history_append_file(const char* path, const char* line);
/* The history file when $HISTFILE is unset: HOME/.sh_history if `home`
 * is a writable directory (on ViperDOS only the disk is: the boot archive
 * is read-only), into `out`. Returns 0, or -1 if there is none. */
int history_default_file(const char* home, char* out, size_t capacity);

#endif /* USERLAND_SHELL_HISTORY_H_ */

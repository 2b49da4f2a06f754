/* `#!` lines (script.h). */
#include "userland/libc/script.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int is_blank(char c) { return c == ' ' || c == '\t'; }

/* The interpreter and its one optional argument, split in place in
 * `line` (NUL-terminated). 0 when the line names no interpreter. */
static int split(char* line, char** interpreter, char** argument) {
  char* at = line + 2;
  at[strcspn(at, "\n")] = 0;
  while (is_blank(*at)) at++;
  if (*at == 0) return 0;
  *interpreter = at;
  while (*at && !is_blank(*at)) at++;
  *argument = 0;
  if (*at == 0) return 1;
  *at++ = 0;
  while (is_blank(*at)) at++;
  char* end = at + strlen(at);
  while (end > at && (is_blank(end[-1]) || end[-1] == '\r')) *--end = 0;
  if (*at) *argument = at;
  return 1;
}

int __viper_script(struct script* s, const char* path, char* const argv[]) {
  s->argv = 0;
  s->argc = 0;
  const int fd = open(path, O_RDONLY);
  if (fd < 0) return 0;
  const ssize_t n = read(fd, s->line, sizeof(s->line) - 1);
  close(fd);
  if (n < 2 || s->line[0] != '#' || s->line[1] != '!') return 0;
  s->line[n] = 0;
  char *interpreter, *argument;
  if (!split(s->line, &interpreter, &argument)) return 0;
  uint64_t given = 0;
  while (argv[given]) given++;
  const uint64_t skipped = given > 0 ? 1 : 0; /* argv[0] gives way to the path */
  s->argc = 1 + (argument ? 1 : 0) + 1 + (given - skipped);
  s->argv = malloc((s->argc + 1) * sizeof(char*));
  if (!s->argv) return -ENOMEM;
  uint64_t i = 0;
  s->argv[i++] = interpreter;
  if (argument) s->argv[i++] = argument;
  s->argv[i++] = (char*)path;
  for (uint64_t j = skipped; j < given; j++) s->argv[i++] = argv[j];
  s->argv[i] = 0;
  return 1;
}

void __viper_script_free(struct script* s) {
  free(s->argv);
  s->argv = 0;
}

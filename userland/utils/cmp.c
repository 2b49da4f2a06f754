/* cmp: where two files first differ. Its statuses are diff's, not the
 * frame's: 0 the same, 1 different, 2 trouble (a file that cannot be
 * read, a usage error). */
#include <stdio.h>
#include <string.h>

#include "userland/utils/lib/util.h"

static const struct util_program kProgram = {
    .name = "cmp",
    .usage = "[-s] FILE1 [FILE2]",
    .help =
        "Compares FILE1 with FILE2 (\"-\" or none: stdin) byte by byte and writes\n"
        "where they first differ. Status: 0 the same, 1 different, 2 trouble.\n"
        "  -s  write nothing; only the status\n"};

enum { kTrouble = 2 };

int main(int argc, char** argv) {
  util_begin(&kProgram);
  struct util_options o;
  util_options_init(&o, argc, argv);
  int silent = 0;
  for (int c; (c = util_next_option(&o, "s")) != -1;) silent = 1;
  const int count = argc - o.index;
  if (count == 0) util_usage_error("missing operand");
  if (count > 2) util_usage_error("extra operand '%s'", argv[o.index + 2]);
  const char* names[2] = {argv[o.index], count == 2 ? argv[o.index + 1] : "-"};
  if (strcmp(names[0], "-") == 0 && strcmp(names[1], "-") == 0) {
    return util_finish(UTIL_OK); /* stdin with itself */
  }
  FILE* files[2];
  for (int i = 0; i < 2; ++i) {
    if ((files[i] = util_open_input(names[i])) == NULL) return kTrouble;
  }
  unsigned long long byte = 1, line = 1;
  int result = UTIL_OK, last = EOF;
  for (;; ++byte) {
    const int a = getc(files[0]), b = getc(files[1]);
    if (a == EOF || b == EOF) {
      for (int i = 0; i < 2; ++i) {
        if (ferror(files[i])) {
          util_errno("%s", names[i]);
          return kTrouble;
        }
      }
      if (a == b) break;
      /* One ended first: the shorter is a prefix of the other. */
      const char* shorter = names[a == EOF ? 0 : 1];
      if (silent) {
      } else if (byte == 1) {
        util_error("EOF on %s which is empty", shorter);
      } else {
        /* diffutils' words: "line N" after a whole line, "in line N" within one */
        util_error("EOF on %s after byte %llu, %sline %llu", shorter, byte - 1,
                   last == '\n' ? "" : "in ", last == '\n' ? line - 1 : line);
      }
      result = 1;
      break;
    }
    if (a != b) {
      if (!silent) printf("%s %s differ: byte %llu, line %llu\n", names[0], names[1], byte, line);
      result = 1;
      break;
    }
    if (a == '\n') ++line;
    last = a;
  }
  util_close_input(files[0]);
  util_close_input(files[1]);
  return util_finish(UTIL_OK) == UTIL_OK ? result : kTrouble; /* a write error is trouble */
}

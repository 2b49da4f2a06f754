/* cat: copies its input files, or stdin, to stdout. */
#include <stdio.h>

#include "userland/utils/lib/util.h"

static const struct util_program kProgram = {
    .name = "cat",
    .usage = "[-nu] [FILE]...",
    .help =
        "Writes each FILE (\"-\" or none: stdin) to stdout, in order.\n"
        "  -n  number the lines\n"
        "  -u  unbuffered (accepted; output is written as it is read)\n"};

static int number_lines;
static unsigned long line = 0;
static int at_line_start = 1;

static int copy(FILE* file, const char* name) {
  (void)name;
  char buffer[4096];
  size_t n;
  while ((n = fread(buffer, 1, sizeof(buffer), file)) > 0) {
    if (!number_lines) {
      fwrite(buffer, 1, n, stdout);
      continue;
    }
    for (size_t i = 0; i < n; ++i) {
      if (at_line_start) printf("%6lu\t", ++line);
      putchar(buffer[i]);
      at_line_start = buffer[i] == '\n';
    }
  }
  return 0;
}

int main(int argc, char** argv) {
  util_begin(&kProgram);
  struct util_options o;
  util_options_init(&o, argc, argv);
  for (int c; (c = util_next_option(&o, "nu")) != -1;) {
    if (c == 'n') number_lines = 1;
  }
  return util_finish(util_each_input(argc, argv, o.index, copy));
}

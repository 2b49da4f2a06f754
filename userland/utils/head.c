/* head: the first lines (or bytes) of each input. */
#include <stdio.h>

#include "userland/utils/lib/util.h"

static const struct util_program kProgram = {
    .name = "head",
    .usage = "[-n LINES | -c BYTES] [FILE]...",
    .help =
        "Writes the first 10 lines of each FILE (\"-\" or none: stdin); with more\n"
        "than one FILE, each after a \"==> FILE <==\" header.\n"
        "  -n LINES  the first LINES lines\n"
        "  -c BYTES  the first BYTES bytes\n"};

static uint64_t limit = 10;
static int bytes;
static int headers;
static int files_done;

static int head(FILE* file, const char* name) {
  if (headers) printf("%s==> %s <==\n", files_done++ ? "\n" : "", name);
  uint64_t left = limit;
  for (int c; left > 0 && (c = getc(file)) != EOF;) {
    putchar(c);
    if (bytes || c == '\n') --left;
  }
  return 0;
}

int main(int argc, char** argv) {
  util_begin(&kProgram);
  struct util_options o;
  util_options_init(&o, argc, argv);
  for (int c; (c = util_next_option(&o, "n:c:")) != -1;) {
    bytes = c == 'c';
    limit = util_parse_number(o.arg, bytes ? "number of bytes" : "number of lines", UINT64_MAX);
  }
  headers = argc - o.index > 1;
  return util_finish(util_each_input(argc, argv, o.index, head));
}

/* tail: the last lines (or bytes) of each input. The input is read whole
 * (stdin cannot seek), so tail holds one file in memory at a time. */
#include <stdio.h>
#include <stdlib.h>

#include "userland/utils/lib/util.h"

static const struct util_program kProgram = {
    .name = "tail",
    .usage = "[-n LINES | -c BYTES] [FILE]...",
    .help =
        "Writes the last 10 lines of each FILE (\"-\" or none: stdin); with more\n"
        "than one FILE, each after a \"==> FILE <==\" header.\n"
        "  -n LINES  the last LINES lines\n"
        "  -c BYTES  the last BYTES bytes\n"};

static uint64_t limit = 10;
static int bytes;
static int headers;
static int files_done;

static int tail(FILE* file, const char* name) {
  size_t size = 0, capacity = 4096;
  char* text = malloc(capacity);
  for (size_t n; text != NULL && (n = fread(text + size, 1, capacity - size, file)) > 0;) {
    size += n;
    if (size == capacity) text = realloc(text, capacity *= 2);
  }
  if (text == NULL) {
    util_error("%s: out of memory", name);
    return 1;
  }
  size_t start = size;
  if (bytes) {
    start = limit < size ? size - limit : 0;
  } else {
    /* Back over `limit` line ends, not counting the file's last one. */
    uint64_t lines = 0;
    while (start > 0 && !(text[start - 1] == '\n' && start != size && ++lines == limit)) --start;
    if (limit == 0) start = size;
  }
  if (headers) printf("%s==> %s <==\n", files_done++ ? "\n" : "", name);
  fwrite(text + start, 1, size - start, stdout);
  free(text);
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
  return util_finish(util_each_input(argc, argv, o.index, tail));
}

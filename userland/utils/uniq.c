/* uniq: one line of each run of equal adjacent lines (sort first for
 * all duplicates). */
#include <stdlib.h>
#include <string.h>

#include "userland/utils/lib/util.h"

static const struct util_program kProgram = {
    .name = "uniq",
    .usage = "[-cdu] [INPUT [OUTPUT]]",
    .help =
        "Writes one line of each run of equal adjacent lines of INPUT (\"-\" or none:\n"
        "stdin) to OUTPUT (none: stdout).\n"
        "  -c  prefix each line with the length of its run\n"
        "  -d  only the lines that were repeated\n"
        "  -u  only the lines that were not\n"};

static int counting, only_repeated, only_unique;

static void emit(FILE* out, const char* line, unsigned long run) {
  if ((only_repeated && run == 1) || (only_unique && run > 1)) return;
  if (counting) fprintf(out, "%7lu ", run);
  fprintf(out, "%s\n", line);
}

int main(int argc, char** argv) {
  util_begin(&kProgram);
  struct util_options o;
  util_options_init(&o, argc, argv);
  for (int c; (c = util_next_option(&o, "cdu")) != -1;) {
    if (c == 'c') counting = 1;
    if (c == 'd') only_repeated = 1;
    if (c == 'u') only_unique = 1;
  }
  if (argc - o.index > 2) util_usage_error("extra operand '%s'", argv[o.index + 2]);
  FILE* in = util_open_input(o.index < argc ? argv[o.index] : "-");
  if (in == NULL) return UTIL_FAILURE;
  FILE* out = stdout;
  if (argc - o.index == 2 && (out = fopen(argv[o.index + 1], "w")) == NULL) {
    util_errno("%s", argv[o.index + 1]);
    return UTIL_FAILURE;
  }
  char *line = NULL, *previous = NULL;
  size_t capacity = 0;
  unsigned long run = 0;
  while (util_read_line(in, &line, &capacity) >= 0) {
    if (run > 0 && strcmp(line, previous) == 0) {
      ++run;
      continue;
    }
    if (run > 0) emit(out, previous, run);
    free(previous);
    previous = line; /* keeps the line: the next read gets a fresh buffer */
    line = NULL;
    capacity = 0;
    run = 1;
  }
  if (run > 0) emit(out, previous, run);
  free(line);
  free(previous);
  int status = UTIL_OK;
  if (ferror(in)) {
    util_errno("%s: read error", o.index < argc ? argv[o.index] : "-");
    status = UTIL_FAILURE;
  }
  util_close_input(in);
  if (out != stdout && fclose(out) != 0) {
    util_errno("%s", argv[o.index + 1]);
    status = UTIL_FAILURE;
  }
  return util_finish(status);
}

/* wc: counts lines, words and bytes, as POSIX prints them. */
#include <ctype.h>
#include <stdio.h>

#include "userland/utils/lib/util.h"

static const struct util_program kProgram = {
    .name = "wc",
    .usage = "[-lwc] [FILE]...",
    .help =
        "Counts the newlines, words and bytes of each FILE (\"-\" or none: stdin),\n"
        "and their total when there is more than one.\n"
        "  -l  lines    -w  words    -c  bytes    (none of them: all three)\n"};

enum { kLines = 1, kWords = 2, kBytes = 4 };
static unsigned shown;
static uint64_t total[3];

static void print(const uint64_t counts[3], const char* name) {
  const char* separator = "";
  for (int i = 0; i < 3; ++i) {
    if (shown & (1u << i)) {
      printf("%s%llu", separator, (unsigned long long)counts[i]);
      separator = " ";
    }
  }
  if (name != NULL) printf(" %s", name);
  putchar('\n');
}

static const char* shown_name;

static int count(FILE* file, const char* name) {
  uint64_t counts[3] = {0, 0, 0};
  int in_word = 0;
  for (int c; (c = getc(file)) != EOF;) {
    ++counts[2];
    if (c == '\n') ++counts[0];
    if (isspace(c)) {
      in_word = 0;
    } else if (!in_word) {
      in_word = 1;
      ++counts[1];
    }
  }
  for (int i = 0; i < 3; ++i) total[i] += counts[i];
  print(counts, shown_name == NULL ? NULL : name);
  return 0;
}

int main(int argc, char** argv) {
  util_begin(&kProgram);
  struct util_options o;
  util_options_init(&o, argc, argv);
  for (int c; (c = util_next_option(&o, "lwc")) != -1;) {
    shown |= c == 'l' ? kLines : c == 'w' ? kWords : kBytes;
  }
  if (shown == 0) shown = kLines | kWords | kBytes;
  if (o.index < argc) shown_name = argv[o.index]; /* operands are named; stdin is not */
  const int status = util_each_input(argc, argv, o.index, count);
  if (argc - o.index > 1) print(total, "total");
  return util_finish(status);
}

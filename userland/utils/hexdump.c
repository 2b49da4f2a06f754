/* hexdump: bytes in the canonical hex+ASCII layout (hexdump -C): offset,
 * sixteen bytes in hex in two groups of eight, the printable ones between
 * bars; a run of identical lines is shown once, then "*". */
#include <string.h>

#include "userland/utils/lib/util.h"

static const struct util_program kProgram = {
    .name = "hexdump",
    .usage = "[-Cv] [-n LENGTH] [-s OFFSET] [FILE]...",
    .help =
        "Writes the bytes of the FILEs (\"-\" or none: stdin, all as one stream)\n"
        "in the canonical hex+ASCII layout.\n"
        "  -C         the canonical layout (the only one; accepted for compatibility)\n"
        "  -n LENGTH  only LENGTH bytes\n"
        "  -s OFFSET  skip OFFSET bytes first\n"
        "  -v         show identical lines too, not \"*\"\n"};

static uint64_t skip, length = UINT64_MAX, offset;
static int verbose;
static unsigned char line[16], previous[16];
static size_t filled;
static int have_previous, squeezing;

static void flush_line(void) {
  if (filled == 0) return;
  if (!verbose && have_previous && filled == 16 && memcmp(line, previous, 16) == 0) {
    if (!squeezing) puts("*");
    squeezing = 1;
  } else {
    squeezing = 0;
    printf("%08llx ", (unsigned long long)offset);
    for (size_t i = 0; i < 16; ++i) {
      if (i == 8) putchar(' ');
      if (i < filled) {
        printf(" %02x", line[i]);
      } else {
        fputs("   ", stdout);
      }
    }
    fputs("  |", stdout);
    for (size_t i = 0; i < filled; ++i) putchar(line[i] >= 0x20 && line[i] < 0x7f ? line[i] : '.');
    puts("|");
  }
  memcpy(previous, line, 16);
  have_previous = filled == 16;
  offset += filled;
  filled = 0;
}

static int dump(FILE* file, const char* name) {
  (void)name;
  for (int c; length > 0 && (c = getc(file)) != EOF;) {
    if (skip > 0) {
      --skip;
      ++offset;
      continue;
    }
    --length;
    line[filled++] = (unsigned char)c;
    if (filled == 16) flush_line();
  }
  return 0;
}

int main(int argc, char** argv) {
  util_begin(&kProgram);
  struct util_options o;
  util_options_init(&o, argc, argv);
  for (int c; (c = util_next_option(&o, "Cvn:s:")) != -1;) {
    if (c == 'v') verbose = 1;
    if (c == 'n') length = util_parse_number(o.arg, "length", UINT64_MAX);
    if (c == 's') skip = util_parse_number(o.arg, "offset", UINT64_MAX);
  }
  const int status = util_each_input(argc, argv, o.index, dump);
  flush_line();
  if (offset > 0) printf("%08llx\n", (unsigned long long)offset);
  return util_finish(status);
}

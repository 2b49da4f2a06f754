/* echo: writes its operands, separated by spaces, and a newline. Like
 * coreutils: -n drops the newline, -e interprets backslash escapes, -E does
 * not (the default); an argument that is not all such flags is text. */
#include <stdio.h>
#include <string.h>

#include "userland/utils/lib/util.h"

static const struct util_program kProgram = {
    .name = "echo",
    .usage = "[-neE] [STRING]...",
    .help =
        "Writes the STRINGs, separated by spaces, and a newline.\n"
        "  -n  no newline at the end\n"
        "  -e  interpret \\\\ \\a \\b \\c (stop) \\e \\f \\n \\r \\t \\v \\0NNN\n"
        "  -E  do not interpret escapes (the default)\n"};

static int is_flags(const char* word) {
  if (word[0] != '-' || word[1] == '\0') return 0;
  return strspn(word + 1, "neE") == strlen(word + 1);
}

/* Writes `text` with escapes interpreted; returns 0 after "\c". */
static int put_escaped(const char* text) {
  for (const char* p = text; *p != '\0'; ++p) {
    if (*p != '\\' || p[1] == '\0') {
      putchar(*p);
      continue;
    }
    const char c = *++p;
    switch (c) {
      case 'a':
        putchar('\a');
        break;
      case 'b':
        putchar('\b');
        break;
      case 'c':
        return 0;
      case 'e':
        putchar('\033');
        break;
      case 'f':
        putchar('\f');
        break;
      case 'n':
        putchar('\n');
        break;
      case 'r':
        putchar('\r');
        break;
      case 't':
        putchar('\t');
        break;
      case 'v':
        putchar('\v');
        break;
      case '\\':
        putchar('\\');
        break;
      case '0': {
        int value = 0;
        for (int i = 0; i < 3 && p[1] >= '0' && p[1] <= '7'; ++i) value = value * 8 + (*++p - '0');
        putchar(value);
        break;
      }
      default:
        putchar('\\');
        putchar(c);
    }
  }
  return 1;
}

int main(int argc, char** argv) {
  util_begin(&kProgram);
  if (argc == 2 && strcmp(argv[1], "--help") == 0) util_help();
  int newline = 1, escapes = 0, i = 1;
  for (; i < argc && is_flags(argv[i]); ++i) {
    for (const char* f = argv[i] + 1; *f; ++f) {
      if (*f == 'n') newline = 0;
      escapes = *f == 'e' ? 1 : *f == 'E' ? 0 : escapes;
    }
  }
  for (int first = i; i < argc; ++i) {
    if (i > first) putchar(' ');
    if (!escapes) {
      fputs(argv[i], stdout);
    } else if (!put_escaped(argv[i])) {
      return util_finish(UTIL_OK); /* "\c": nothing more, not even the newline */
    }
  }
  if (newline) putchar('\n');
  return util_finish(UTIL_OK);
}

/* The shared frame of the utilities (util.h). */
#include "userland/utils/lib/util.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct util_program* self;

void util_begin(const struct util_program* program) { self = program; }

static void vmessage(const char* format, va_list args, int with_errno) {
  const int saved = errno;
  fprintf(stderr, "%s: ", self->name);
  vfprintf(stderr, format, args);
  if (with_errno) fprintf(stderr, ": %s", strerror(saved));
  fputc('\n', stderr);
}

void util_help(void) {
  printf("usage: %s%s%s\n%s", self->name, self->usage[0] ? " " : "", self->usage, self->help);
  exit(util_finish(UTIL_OK));
}

void util_usage_error(const char* format, ...) {
  va_list args;
  va_start(args, format);
  vmessage(format, args, 0);
  va_end(args);
  fprintf(stderr, "usage: %s%s%s\nTry '%s --help' for more information.\n", self->name,
          self->usage[0] ? " " : "", self->usage, self->name);
  exit(UTIL_USAGE);
}

void util_error(const char* format, ...) {
  va_list args;
  va_start(args, format);
  vmessage(format, args, 0);
  va_end(args);
}

void util_errno(const char* format, ...) {
  va_list args;
  va_start(args, format);
  vmessage(format, args, 1);
  va_end(args);
}

void util_options_init(struct util_options* o, int argc, char** argv) {
  *o = (struct util_options){.argc = argc, .argv = argv, .index = 1};
}

int util_next_option(struct util_options* o, const char* spec) {
  if (o->group == NULL || *o->group == '\0') {
    if (o->index >= o->argc) return -1;
    const char* word = o->argv[o->index];
    if (word[0] != '-' || word[1] == '\0') return -1; /* an operand, or "-" (stdin) */
    ++o->index;
    if (strcmp(word, "--") == 0) return -1;
    if (strcmp(word, "--help") == 0) util_help();
    if (word[1] == '-') util_usage_error("unknown option '%s'", word);
    o->group = word + 1;
  }
  const char letter = *o->group++;
  const char* known = letter == ':' ? NULL : strchr(spec, letter);
  if (known == NULL) util_usage_error("unknown option '-%c'", letter);
  o->arg = NULL;
  if (known[1] == ':') {
    if (*o->group != '\0') {
      o->arg = o->group;
    } else if (o->index < o->argc) {
      o->arg = o->argv[o->index++];
    } else {
      util_usage_error("option '-%c' needs an argument", letter);
    }
    o->group = NULL;
  }
  return letter;
}

int util_operands(int argc, char** argv) {
  struct util_options o;
  util_options_init(&o, argc, argv);
  util_next_option(&o, "");
  return o.index;
}

void util_no_operands(int argc, char** argv) {
  const int first = util_operands(argc, argv);
  if (first < argc) util_usage_error("extra operand '%s'", argv[first]);
}

uint64_t util_parse_number(const char* text, const char* what, uint64_t max) {
  uint64_t value = 0;
  const char* p = text;
  if (*p == '\0') util_usage_error("invalid %s: '%s'", what, text);
  for (; *p != '\0'; ++p) {
    if (*p < '0' || *p > '9') util_usage_error("invalid %s: '%s'", what, text);
    const uint64_t digit = (uint64_t)(*p - '0');
    if (value > (max - digit) / 10) util_usage_error("%s out of range: '%s'", what, text);
    value = value * 10 + digit;
  }
  return value;
}

int util_finish(int status) {
  if (fflush(stdout) != 0 || ferror(stdout)) {
    util_errno("write error");
    return UTIL_FAILURE;
  }
  return status;
}

FILE* util_open_input(const char* path) {
  if (strcmp(path, "-") == 0) return stdin;
  FILE* file = fopen(path, "r");
  if (file == NULL) util_errno("%s", path);
  return file;
}

void util_close_input(FILE* file) {
  if (file != stdin) fclose(file);
}

int util_each_input(int argc, char** argv, int first, int (*each)(FILE* file, const char* name)) {
  static char* only_stdin[] = {"-"};
  char** names = first < argc ? argv + first : only_stdin;
  const int count = first < argc ? argc - first : 1;
  int status = UTIL_OK;
  for (int i = 0; i < count; ++i) {
    FILE* file = util_open_input(names[i]);
    if (file == NULL) {
      status = UTIL_FAILURE;
      continue;
    }
    if (each(file, names[i]) != 0) status = UTIL_FAILURE;
    if (ferror(file)) {
      util_errno("%s: read error", names[i]);
      status = UTIL_FAILURE;
    }
    util_close_input(file);
  }
  return status;
}

void util_join_path(char* out, size_t capacity, const char* dir, const char* name) {
  const size_t n = strlen(dir);
  snprintf(out, capacity, "%s%s%s", dir, n > 0 && dir[n - 1] == '/' ? "" : "/", name);
}

const char* util_base_name(const char* path) {
  const char* slash = strrchr(path, '/');
  return slash != NULL && slash[1] != '\0' ? slash + 1 : path;
}

size_t util_last_component(const char* path, const char** start) {
  size_t end = strlen(path);
  while (end > 1 && path[end - 1] == '/') --end;
  size_t first = end;
  while (first > 0 && path[first - 1] != '/') --first;
  if (end == 1 && path[0] == '/') first = 0; /* all slashes: "/" */
  *start = path + first;
  return end - first;
}

long util_read_line(FILE* file, char** line, size_t* capacity) {
  size_t length = 0;
  int c;
  while ((c = getc(file)) != EOF && c != '\n') {
    if (length + 1 >= *capacity) {
      const size_t grown = *capacity < 64 ? 64 : *capacity * 2;
      char* bigger = realloc(*line, grown);
      if (bigger == NULL) break; /* out of memory: the line ends here */
      *line = bigger;
      *capacity = grown;
    }
    (*line)[length++] = (char)c;
  }
  if (c == EOF && length == 0) return -1;
  if (*line == NULL) {
    *line = malloc(1);
    *capacity = *line ? 1 : 0;
    if (*line == NULL) return -1;
  }
  (*line)[length] = '\0';
  return (long)length;
}

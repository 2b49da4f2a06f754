/* The frame every utility shares: its name and help text, option parsing,
 * number parsing and errors in one style, so forty small programs do not
 * each grow their own.
 *
 * Exit status as coreutils: 0 success, 1 a runtime error (a file that
 * cannot be read, a write that fails), 2 a usage error (an unknown option,
 * a missing or malformed argument). Every message starts with the
 * program's name, so a pipeline's errors say who failed. */
#ifndef VIPERDOS_UTILS_UTIL_H_
#define VIPERDOS_UTILS_UTIL_H_

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define UTIL_OK 0
#define UTIL_FAILURE 1
#define UTIL_USAGE 2

struct util_program {
  const char* name;
  const char* usage; /* the synopsis after the name: "[-n] [STRING]..." */
  const char* help;  /* what it does and its options, one per line */
};

/* Called first by main: remembers the program for every message below. */
void util_begin(const struct util_program* program);

/* Prints the usage and help to stdout and exits 0 (`--help`). */
_Noreturn void util_help(void);

/* "NAME: MESSAGE", the usage line and a pointer to --help on stderr; exits 2. */
_Noreturn void util_usage_error(const char* format, ...) __attribute__((format(printf, 1, 2)));

/* "NAME: MESSAGE" on stderr. */
void util_error(const char* format, ...) __attribute__((format(printf, 1, 2)));

/* "NAME: MESSAGE: strerror(errno)" on stderr. */
void util_errno(const char* format, ...) __attribute__((format(printf, 1, 2)));

/* Options, POSIX style: they come before the operands, "-abc" groups
 * flags, "-n5" and "-n 5" give an argument (a letter followed by ':' in
 * `spec`), "--" ends them, a lone "-" is an operand, and "--help" anywhere
 * among them prints the help. An unknown option or a missing argument is
 * a usage error. */
struct util_options {
  int argc;
  char** argv;
  int index;         /* the next argument to look at; the first operand at the end */
  const char* arg;   /* the current option's argument */
  const char* group; /* the rest of a "-abc" group */
};

void util_options_init(struct util_options* o, int argc, char** argv);
/* The next option letter, or -1 when the operands start. */
int util_next_option(struct util_options* o, const char* spec);

/* For programs without options: handles --help, refuses any other
 * option, and returns the index of the first operand. */
int util_operands(int argc, char** argv);

/* As util_operands, and there must be no operands either. */
void util_no_operands(int argc, char** argv);

/* A decimal number in [0, max]; anything else is a usage error naming `what`. */
uint64_t util_parse_number(const char* text, const char* what, uint64_t max);

/* Opens an input operand ("-" is stdin); on failure says why and
 * returns NULL. util_close_input leaves stdin open. */
FILE* util_open_input(const char* path);
void util_close_input(FILE* file);

/* Runs `each` on every operand from `first` as an input file (stdin when
 * there is none); returns 1 if any could not be opened or `each` failed. */
int util_each_input(int argc, char** argv, int first, int (*each)(FILE* file, const char* name));

/* "DIR/NAME" into `out` (truncated to `capacity`), and the last
 * component of a path. */
void util_join_path(char* out, size_t capacity, const char* dir, const char* name);
const char* util_base_name(const char* path);

/* POSIX basename's last component of `path`: trailing slashes do not
 * count, all slashes is "/", "" is "". Sets *start; returns its length. */
size_t util_last_component(const char* path, const char** start);

/* Reads one line, without its '\n', into *line (grown as needed; free
 * it when done). Returns its length, or -1 at the end of the input. */
long util_read_line(FILE* file, char** line, size_t* capacity);

/* Flushes stdout; a write error there is a runtime error. Returns what
 * main should return: `status`, or 1 after a write error. */
int util_finish(int status);

#endif /* VIPERDOS_UTILS_UTIL_H_ */

#include "userland/shell/builtins_script.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "userland/shell/shell.h"
#include "userland/shell/util.h"
#include "userland/shell/vars.h"

/* test's answers: 0 true, 1 false, 2 a usage error (message printed). */
enum { kTrue = 0, kFalse = 1, kBad = 2 };

static int bad(const char* what, const char* arg) {
  fprintf(stderr, "sh: test: %s: %s\n", arg, what);
  return kBad;
}

static bool integer(const char* s, long* out) {
  char* end;
  errno = 0;
  long v = strtol(s, &end, 10);
  if (!*s || *end || errno) return false;
  *out = v;
  return true;
}

static int unary(const char* op, const char* arg) {
  struct stat st;
  bool exists = stat(arg, &st) == 0;
  switch (op[1]) {
    case 'n':
      return *arg ? kTrue : kFalse;
    case 'z':
      return *arg ? kFalse : kTrue;
    case 'e':
      return exists ? kTrue : kFalse;
    case 'f':
      return exists && S_ISREG(st.st_mode) ? kTrue : kFalse;
    case 'd':
      return exists && S_ISDIR(st.st_mode) ? kTrue : kFalse;
    case 's':
      return exists && st.st_size > 0 ? kTrue : kFalse;
    /* the mode bits, as an approximation of access(): the shell is its
     * files' owner on ViperDOS, and on the host the tests are */
    case 'r':
      return exists && (st.st_mode & 0444) ? kTrue : kFalse;
    case 'w':
      return exists && (st.st_mode & 0222) ? kTrue : kFalse;
    case 'x':
      return exists && (st.st_mode & 0111) ? kTrue : kFalse;
    default:
      return bad("unknown operator", op);
  }
}

static bool is_unary(const char* op) {
  return op[0] == '-' && op[1] && !op[2] && strchr("nzefdsrwx", op[1]);
}

static int binary(const char* a, const char* op, const char* b) {
  if (strcmp(op, "=") == 0 || strcmp(op, "==") == 0) return strcmp(a, b) == 0 ? kTrue : kFalse;
  if (strcmp(op, "!=") == 0) return strcmp(a, b) != 0 ? kTrue : kFalse;
  static const char* const ops[] = {"-eq", "-ne", "-lt", "-le", "-gt", "-ge"};
  for (int k = 0; k < 6; k++) {
    if (strcmp(op, ops[k]) != 0) continue;
    long x, y;
    if (!integer(a, &x)) return bad("integer expected", a);
    if (!integer(b, &y)) return bad("integer expected", b);
    bool r[] = {x == y, x != y, x<y, x <= y, x> y, x >= y};
    return r[k] ? kTrue : kFalse;
  }
  return bad("unknown operator", op);
}

/* POSIX test by argument count (which is what makes `test -n` and
 * `test = =` mean what they do), with a leading ! negating. */
static int evaluate(int argc, char** argv) {
  if (argc > 0 && strcmp(argv[0], "!") == 0) {
    int r = evaluate(argc - 1, argv + 1);
    return r == kBad ? kBad : r == kTrue ? kFalse : kTrue;
  }
  switch (argc) {
    case 0:
      return kFalse;
    case 1:
      return *argv[0] ? kTrue : kFalse;
    case 2:
      if (is_unary(argv[0])) return unary(argv[0], argv[1]);
      return bad("unknown operator", argv[0]);
    case 3:
      return binary(argv[0], argv[1], argv[2]);
    default:
      return bad("too many arguments", argv[0]);
  }
}

int sh_builtin_test(int argc, char** argv) {
  if (strcmp(argv[0], "[") == 0) {
    if (strcmp(argv[argc - 1], "]") != 0) {
      fprintf(stderr, "sh: [: missing `]'\n");
      return kBad;
    }
    argc--;
  }
  return evaluate(argc - 1, argv + 1);
}

/* read [-r] NAME...: one line of standard input, split at blanks: a field
 * per NAME, the rest of the line to the last. Without -r a backslash
 * escapes the next character (and joins lines). Status 1 at end of input. */
int sh_builtin_read(int argc, char** argv) {
  int i = 1;
  bool raw = false;
  if (i < argc && strcmp(argv[i], "-r") == 0) {
    raw = true;
    i++;
  }
  if (i >= argc) {
    fprintf(stderr, "sh: read: usage: read [-r] NAME...\n");
    return 2;
  }
  for (int k = i; k < argc; k++) {
    if (!var_name_valid(argv[k])) {
      fprintf(stderr, "sh: read: `%s': not a valid name\n", argv[k]);
      return 2;
    }
  }
  /* a byte at a time: what follows the line stays for the next reader */
  sh_buf line = {0};
  sh_buf mask = {0}; /* 1: escaped, never a separator */
  bool got_newline = false;
  for (;;) {
    char c;
    ssize_t n = read(STDIN_FILENO, &c, 1);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    if (c == '\\' && !raw) {
      n = read(STDIN_FILENO, &c, 1);
      if (n <= 0) break;
      if (c == '\n') continue;
      buf_push(&line, c);
      buf_push(&mask, 1);
      continue;
    }
    if (c == '\n') {
      got_newline = true;
      break;
    }
    buf_push(&line, c);
    buf_push(&mask, 0);
  }
  const char* s = line.data ? line.data : "";
  size_t len = line.len, p = 0;
#define BLANK(k) (!mask.data[k] && (s[k] == ' ' || s[k] == '\t'))
  for (int k = i; k < argc; k++) {
    while (p < len && BLANK(p)) p++;
    size_t start = p;
    if (k == argc - 1) {
      p = len;
      while (p > start && BLANK(p - 1)) p--;
    } else {
      while (p < len && !BLANK(p)) p++;
    }
#undef BLANK
    char* value = sh_xstrndup(s + start, p - start);
    var_set(argv[k], value);
    free(value);
  }
  bool any = got_newline || line.len > 0;
  buf_free(&line);
  buf_free(&mask);
  return any ? 0 : 1;
}

/* shift [N]: drop the first N (default 1) parameters. */
int sh_builtin_shift(int argc, char** argv) {
  long n = 1;
  if (argc > 2 || (argc == 2 && (!integer(argv[1], &n) || n < 0))) {
    fprintf(stderr, "sh: shift: usage: shift [N]\n");
    return 2;
  }
  if (n > g_sh.nparams) {
    fprintf(stderr, "sh: shift: %ld: more than the %d parameters\n", n, g_sh.nparams);
    return 1;
  }
  g_sh.params += n;
  g_sh.nparams -= (int)n;
  return 0;
}

static sh_vec g_set_params; /* the parameters `set --` gave, owned here */

static void print_variables(void) {
  extern char** environ;
  sh_vec all = {0};
  var_locals(&all);
  for (char** e = environ; e && *e; e++) vec_push(&all, sh_xstrdup(*e));
  vec_sort(&all);
  for (size_t i = 0; i < all.len; i++) {
    char* eq = strchr(all.items[i], '=');
    if (!eq) continue;
    *eq = '\0';
    printf("%s='%s'\n", all.items[i], eq + 1);
  }
  vec_free(&all);
}

/* set [-ex] [+ex] [--] [ARG...]: options, and new parameters; alone, the
 * variables. */
int sh_builtin_set(int argc, char** argv) {
  if (argc == 1) {
    print_variables();
    return 0;
  }
  int i = 1;
  for (; i < argc && (argv[i][0] == '-' || argv[i][0] == '+') && argv[i][1]; i++) {
    if (strcmp(argv[i], "--") == 0) {
      i++;
      break;
    }
    bool on = argv[i][0] == '-';
    for (const char* o = argv[i] + 1; *o; o++) {
      if (*o == 'e') {
        g_sh.errexit = on;
      } else if (*o == 'x') {
        g_sh.xtrace = on;
      } else {
        fprintf(stderr, "sh: set: %c%c: unknown option (-e, -x, --)\n", argv[i][0], *o);
        return 2;
      }
    }
  }
  bool new_params = i < argc || (i > 1 && strcmp(argv[i - 1], "--") == 0);
  if (!new_params) return 0;
  sh_vec params = {0};
  for (; i < argc; i++) vec_push(&params, sh_xstrdup(argv[i]));
  vec_free(&g_set_params);
  g_set_params = params;
  g_sh.params = g_set_params.items;
  g_sh.nparams = (int)g_set_params.len;
  return 0;
}

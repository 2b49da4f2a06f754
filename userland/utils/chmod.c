/* chmod: sets the permission bits of files. MODE is octal (755) or
 * symbolic, POSIX's clauses separated by commas: [ugoa]*[+-=][rwxX]*
 * (u+x, go-w, a=r, +x). Without who, + and = and - act on all three but
 * leave what the umask masks alone, as POSIX says. */
#include <string.h>
#include <sys/stat.h>

#include "userland/utils/lib/fs.h"
#include "userland/utils/lib/util.h"

static const struct util_program kProgram = {
    .name = "chmod",
    .usage = "MODE FILE...",
    .help =
        "Sets each FILE's permission bits to MODE: octal (755) or symbolic\n"
        "([ugoa]*[+-=][rwxX]*, comma-separated: u+x, go-w, a=r).\n"};

/* Octal digits only, at most 07777: 0 with *out set, else -1. */
static int parse_octal(const char* text, unsigned* out) {
  unsigned value = 0;
  if (*text == '\0') return -1;
  for (const char* p = text; *p; ++p) {
    if (*p < '0' || *p > '7') return -1;
    value = value * 8 + (unsigned)(*p - '0');
    if (value > 07777) return -1;
  }
  *out = value;
  return 0;
}

/* `mode` changed by the symbolic `text` for a file that `is_directory`:
 * 0 with *out set, else -1 (not a mode). */
static int apply_symbolic(const char* text, unsigned mode, int is_directory, unsigned mask,
                          unsigned* out) {
  const char* p = text;
  for (;;) {
    unsigned who = 0;
    for (; strchr("ugoa", *p) && *p; ++p) {
      who |= *p == 'u' ? 04700u : *p == 'g' ? 02070u : *p == 'o' ? 01007u : 07777u;
    }
    const unsigned limit = who ? who : 07777u & ~mask;
    if (who == 0) who = 07777u;
    if (*p != '+' && *p != '-' && *p != '=') return -1;
    while (*p == '+' || *p == '-' || *p == '=') {
      const char op = *p++;
      unsigned bits = 0;
      for (; *p && strchr("rwxX", *p); ++p) {
        if (*p == 'r') bits |= 0444u;
        if (*p == 'w') bits |= 0222u;
        if (*p == 'x') bits |= 0111u;
        if (*p == 'X' && (is_directory || (mode & 0111u))) bits |= 0111u;
      }
      bits &= who & limit;
      if (op == '+') mode |= bits;
      if (op == '-') mode &= ~bits;
      if (op == '=') mode = (mode & ~(who & 0777u)) | bits;
    }
    if (*p == '\0') break;
    if (*p++ != ',') return -1;
  }
  *out = mode & 07777u;
  return 0;
}

int main(int argc, char** argv) {
  util_begin(&kProgram);
  /* A mode may begin with '-' (chmod -w f): only --help and -- are options. */
  int first = 1;
  if (argc > 1 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "--") == 0)) {
    first = util_operands(argc, argv);
  }
  if (first >= argc) util_usage_error("missing operand");
  const char* text = argv[first++];
  if (first == argc) util_usage_error("missing operand after '%s'", text);
  unsigned octal = 0;
  const int is_octal = parse_octal(text, &octal) == 0;
  const mode_t mask = umask(0);
  umask(mask);
  unsigned probe;
  if (!is_octal && apply_symbolic(text, 0, 0, mask, &probe) != 0) {
    util_usage_error("invalid mode: '%s'", text);
  }
  int status = UTIL_OK;
  for (int i = first; i < argc; ++i) {
    struct fs_info info;
    unsigned mode = octal;
    if (fs_stat(argv[i], &info, 1) != 0) {
      util_errno("cannot access '%s'", argv[i]);
      status = UTIL_FAILURE;
      continue;
    }
    if (!is_octal) (void)apply_symbolic(text, info.mode, info.is_directory, mask, &mode);
    if (fs_chmod(argv[i], mode) != 0) {
      util_errno("changing permissions of '%s'", argv[i]);
      status = UTIL_FAILURE;
    }
  }
  return util_finish(status);
}

/* File-name patterns (fnmatch.h). One backtracking point is enough: a
 * later '*' can always absorb what an earlier one would have, so the
 * match is linear in the pattern times the name, never exponential. */
#include "userland/utils/lib/fnmatch.h"

#include <string.h>

#include "userland/utils/lib/bracket.h"

/* Whether the pattern element at p (not '*') matches c; *next is the
 * element after it. */
static int element_matches(const char* p, unsigned char c, const char** next) {
  if (*p == '?') {
    *next = p + 1;
    return 1;
  }
  if (*p == '[') {
    struct charset set = {{0}};
    const char* error = NULL;
    const char* end = bracket_parse(&set, p + 1, "!^", 0, &error);
    if (end != NULL) {
      *next = end;
      return charset_has(&set, c);
    }
    if (strcmp(error, "unmatched [") != 0) {
      *next = p + 1;
      return 0; /* an unknown class or a reversed range: no name matches */
    }
    /* an unclosed '[' is itself */
  } else if (*p == '\\' && p[1] != '\0') {
    ++p;
  }
  *next = p + 1;
  return (unsigned char)*p == c;
}

int fnmatch_match(const char* p, const char* s) {
  const char* star_p = NULL; /* the pattern after the last '*' seen */
  const char* star_s = NULL; /* where in the name that '*' stopped absorbing */
  while (*s != '\0') {
    const char* next;
    if (*p == '*') {
      while (*p == '*') ++p;
      star_p = p;
      star_s = s;
    } else if (*p != '\0' && element_matches(p, (unsigned char)*s, &next)) {
      p = next;
      ++s;
    } else if (star_p != NULL) {
      p = star_p; /* the last '*' takes one more character */
      s = ++star_s;
    } else {
      return 0;
    }
  }
  while (*p == '*') ++p;
  return *p == '\0';
}

/* Basic regular expressions (bre.h). */
#include "userland/utils/lib/bre.h"

#include <ctype.h>
#include <string.h>

#include "userland/utils/lib/bracket.h"

static void add(struct bre_atom* a, unsigned char c, int ignore_case) {
  charset_add(&a->set, c);
  if (ignore_case && isalpha(c)) {
    charset_add(&a->set, (unsigned char)(islower(c) ? toupper(c) : tolower(c)));
  }
}

static int has(const struct bre_atom* a, unsigned char c) { return charset_has(&a->set, c); }

/* A bracket expression from just after its '['; returns where it ends.
 * A negated one never matches the newline (POSIX). */
static const char* bracket(struct bre_atom* a, const char* p, int ignore_case, const char** error) {
  const int negate = *p == '^';
  const char* end = bracket_parse(&a->set, p, "^", ignore_case, error);
  if (end != NULL && negate) a->set.bits['\n' >> 3] &= (uint8_t)~(1u << ('\n' & 7));
  return end;
}

/* "\{m\}", "\{m,\}" or "\{m,n\}" from just after "\{"; returns where it ends. */
static const char* interval(struct bre_atom* a, const char* p, const char** error) {
  uint32_t m = 0, n;
  if (!isdigit((unsigned char)*p)) goto bad;
  while (isdigit((unsigned char)*p) && m < 1000) m = m * 10 + (uint32_t)(*p++ - '0');
  n = m;
  if (*p == ',') {
    ++p;
    n = UINT32_MAX;
    if (isdigit((unsigned char)*p)) {
      n = 0;
      while (isdigit((unsigned char)*p) && n < 1000) n = n * 10 + (uint32_t)(*p++ - '0');
    }
  }
  if (p[0] != '\\' || p[1] != '}' || n < m || m >= 1000) goto bad;
  a->min = m;
  a->max = n;
  return p + 2;
bad:
  *error = "invalid \\{\\} interval";
  return NULL;
}

const char* bre_compile(struct bre* re, const char* p, int ignore_case) {
  memset(re, 0, sizeof(*re));
  const char* error = NULL;
  if (*p == '^') {
    re->anchored_start = 1;
    ++p;
  }
  while (*p != '\0') {
    if (p[0] == '$' && p[1] == '\0') {
      re->anchored_end = 1;
      break;
    }
    if (re->count > 0 && (*p == '*' || (p[0] == '\\' && p[1] == '{'))) {
      struct bre_atom* last = &re->atoms[re->count - 1];
      if (*p == '*') {
        last->min = 0;
        last->max = UINT32_MAX;
        ++p;
      } else if ((p = interval(last, p + 2, &error)) == NULL) {
        return error;
      }
      continue;
    }
    if (re->count == BRE_MAX_ATOMS) return "pattern too long";
    struct bre_atom* a = &re->atoms[re->count++];
    a->min = a->max = 1;
    if (*p == '.') {
      memset(&a->set, 0xff, sizeof(a->set));
      ++p;
    } else if (*p == '[') {
      if ((p = bracket(a, p + 1, ignore_case, &error)) == NULL) return error;
    } else if (*p == '\\') {
      if (p[1] == '\0') return "trailing backslash";
      if (p[1] == '(' || p[1] == ')') return "\\( \\) groups are not supported";
      if (p[1] >= '1' && p[1] <= '9') return "back-references are not supported";
      add(a, (unsigned char)p[1], ignore_case);
      p += 2;
    } else {
      add(a, (unsigned char)*p++, ignore_case);
    }
  }
  return NULL;
}

static int match_here(const struct bre* re, int i, const char* text) {
  if (i == re->count) return !re->anchored_end || *text == '\0';
  const struct bre_atom* a = &re->atoms[i];
  uint32_t n = 0;
  while (n < a->max && text[n] != '\0' && has(a, (unsigned char)text[n])) ++n;
  for (;; --n) { /* longest first, backing off to the fewest allowed */
    if (n < a->min) return 0;
    if (match_here(re, i + 1, text + n)) return 1;
    if (n == 0) return 0;
  }
}

int bre_match(const struct bre* re, const char* text) {
  do {
    if (match_here(re, 0, text)) return 1;
  } while (!re->anchored_start && *text++ != '\0');
  return 0;
}

/* Character classes and bracket expressions (bracket.h). */
#include "userland/utils/lib/bracket.h"

#include <ctype.h>
#include <string.h>

static const struct {
  const char* name;
  int (*test)(int);
} kClasses[] = {{"alpha", isalpha}, {"digit", isdigit}, {"alnum", isalnum}, {"upper", isupper},
                {"lower", islower}, {"space", isspace}, {"punct", ispunct}, {"xdigit", isxdigit},
                {"print", isprint}, {"cntrl", iscntrl}, {"graph", isgraph}, {"blank", isblank}};

int charclass_find(const char* name, size_t length) {
  for (size_t i = 0; i < sizeof(kClasses) / sizeof(kClasses[0]); ++i) {
    if (strlen(kClasses[i].name) == length && strncmp(kClasses[i].name, name, length) == 0) {
      return (int)i;
    }
  }
  return -1;
}

int charclass_has(int index, int c) { return kClasses[index].test(c) ? 1 : 0; }

static void add(struct charset* set, unsigned char c, int ignore_case) {
  charset_add(set, c);
  if (ignore_case && isalpha(c)) {
    charset_add(set, (unsigned char)(islower(c) ? toupper(c) : tolower(c)));
  }
}

const char* bracket_parse(struct charset* set, const char* p, const char* negators, int ignore_case,
                          const char** error) {
  struct charset s = {{0}};
  const int negate = *p != '\0' && strchr(negators, *p) != NULL;
  if (negate) ++p;
  const char* first = p;
  for (; *p != '\0' && (*p != ']' || p == first); ++p) {
    if (p[0] == '[' && p[1] == ':') {
      const char* end = strstr(p + 2, ":]");
      const int index = end == NULL ? -1 : charclass_find(p + 2, (size_t)(end - p - 2));
      if (index < 0) {
        *error = "unknown character class";
        return NULL;
      }
      for (int c = 1; c < 256; ++c) {
        if (charclass_has(index, c)) add(&s, (unsigned char)c, ignore_case);
      }
      p = end + 1;
    } else if (p[1] == '-' && p[2] != ']' && p[2] != '\0') {
      if ((unsigned char)p[2] < (unsigned char)p[0]) {
        *error = "invalid range end";
        return NULL;
      }
      for (int c = (unsigned char)p[0]; c <= (unsigned char)p[2]; ++c) {
        add(&s, (unsigned char)c, ignore_case);
      }
      p += 2;
    } else {
      add(&s, (unsigned char)*p, ignore_case);
    }
  }
  if (*p != ']') {
    *error = "unmatched [";
    return NULL;
  }
  for (int i = 0; i < 32; ++i) set->bits[i] |= negate ? (uint8_t)~s.bits[i] : s.bits[i];
  return p + 1;
}

/* Character sets and POSIX bracket expressions, shared by grep's basic
 * regular expressions (bre.c), find's -name patterns (fnmatch.c) and tr's
 * sets (tr.c): one list of the classes "[:alpha:]" and the rest, and one
 * parser of "[a-z]", "[^0-9]", "[[:space:]x]", so the three cannot drift
 * apart on what a class or a range means. */
#ifndef VIPERDOS_UTILS_BRACKET_H_
#define VIPERDOS_UTILS_BRACKET_H_

#include <stddef.h>
#include <stdint.h>

/* A set of bytes, one bit each. */
struct charset {
  uint8_t bits[32];
};

static inline void charset_add(struct charset* s, unsigned char c) {
  s->bits[c >> 3] |= (uint8_t)(1u << (c & 7));
}
static inline int charset_has(const struct charset* s, unsigned char c) {
  return s->bits[c >> 3] >> (c & 7) & 1;
}

/* The class named name[0, length) ("alpha", "digit", ...): its index, or
 * -1 if there is none by that name. */
int charclass_find(const char* name, size_t length);
/* Whether byte `c` is in class `index` (from charclass_find). */
int charclass_has(int index, int c);

/* Parses the bracket expression that starts just after its '[' into
 * `set` (added to, case-folded with `ignore_case`). A first character in
 * `negators` ("^" for a regular expression, "!^" for a file-name pattern)
 * complements the set; a ']' first is an ordinary character. Returns
 * where the expression ends (after its ']'), or NULL with *error set:
 * "unmatched [", "unknown character class", "invalid range end". */
const char* bracket_parse(struct charset* set, const char* p, const char* negators, int ignore_case,
                          const char** error);

#endif /* VIPERDOS_UTILS_BRACKET_H_ */

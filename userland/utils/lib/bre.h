/* POSIX basic regular expressions, the subset grep needs: ordinary and
 * escaped characters, '.', bracket expressions ("[a-z]", "[^0-9]",
 * "[[:alpha:]]"), '*', interval counts "\{m\}", "\{m,\}", "\{m,n\}", and
 * the anchors '^' (first) and '$' (last). Groups "\(...\)" and
 * back-references are refused when compiling, not silently mismatched.
 * Matching backtracks over a flat list of single-character atoms, each
 * with a repeat range. */
#ifndef VIPERDOS_UTILS_BRE_H_
#define VIPERDOS_UTILS_BRE_H_

#include <stdint.h>

#include "userland/utils/lib/bracket.h"

#define BRE_MAX_ATOMS 128

struct bre_atom {
  struct charset set; /* the characters it matches */
  uint32_t min;
  uint32_t max; /* UINT32_MAX: no limit */
};

struct bre {
  struct bre_atom atoms[BRE_MAX_ATOMS];
  int count;
  int anchored_start;
  int anchored_end;
};

/* Compiles `pattern` (case-folded with `ignore_case`). Returns NULL, or
 * what is wrong with the pattern. */
const char* bre_compile(struct bre* re, const char* pattern, int ignore_case);

/* Whether `re` matches somewhere in `text`. */
int bre_match(const struct bre* re, const char* text);

#endif /* VIPERDOS_UTILS_BRE_H_ */

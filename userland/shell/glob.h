/* Globbing: * ? and [...] against the file system, through opendir.
 *
 * A pattern comes with a mask of the same length: mask[i] != 0 means
 * pattern[i] was quoted or escaped and matches only itself. Matches are
 * sorted; names starting with '.' match only a pattern that starts with a
 * literal '.'. */
#ifndef USERLAND_SHELL_GLOB_H_
#define USERLAND_SHELL_GLOB_H_

#include <stdbool.h>
#include <stddef.h>

#include "userland/shell/util.h"

/* Has the pattern an unquoted * ? or [ ? */
bool sh_glob_has_magic(const char* pattern, const char* mask, size_t len);

/* Does name match pattern[0, len)? (mask may be NULL: nothing quoted.) */
bool sh_glob_match(const char* pattern, const char* mask, size_t len, const char* name);

/* Appends the sorted matches to out; returns how many. */
size_t sh_glob(const char* pattern, const char* mask, sh_vec* out);

#endif /* USERLAND_SHELL_GLOB_H_ */

/* Word expansion, in POSIX order: tilde, parameters ($NAME ${NAME} $? $$
 * $# $! $0 $1.. ${10} $@ $*), command substitution $(...), arithmetic
 * $((...)), field splitting of unquoted results on blanks, globbing of
 * unquoted * ? [...], and quote removal. */
#ifndef USERLAND_SHELL_EXPAND_H_
#define USERLAND_SHELL_EXPAND_H_

#include "userland/shell/util.h"

/* Appends the fields of the raw word to out (none for an unquoted empty
 * expansion, several for "$@" or a split value or a glob). */
void sh_expand_word(const char* raw, sh_vec* out);

/* One string, no splitting or globbing: assignments, redirection targets. */
char* sh_expand_string(const char* raw);

#endif /* USERLAND_SHELL_EXPAND_H_ */

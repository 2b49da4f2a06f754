/* The parser: source text to a syntax tree (ast.h).
 *
 * Newlines separate commands like ';' does, so a whole script parses at
 * once. A bad input never crashes: it gives a message naming what was
 * wrong ("unexpected `|'", "`>' needs a file name", "unterminated single
 * quote"), which the shell prints as a syntax error with status 2. */
#ifndef USERLAND_SHELL_PARSER_H_
#define USERLAND_SHELL_PARSER_H_

#include "userland/shell/ast.h"
#include "userland/shell/lexer.h"

/* Returns 0 and the program, or -1 and the error (program left empty). */
int sh_parse(const char* source, sh_program* out, sh_error* error);

/* Would more lines complete source (an open quote, `if` without `fi`, a
 * trailing && | or backslash)? Reading line by line, the shell reads on. */
bool sh_needs_more(const char* source);

/* Is the raw word an assignment (NAME=...) with a valid NAME? */
bool sh_is_assignment(const char* word);

#endif /* USERLAND_SHELL_PARSER_H_ */

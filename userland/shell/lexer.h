/* The lexer: shell source text to tokens.
 *
 * A word keeps its quotes and backslashes exactly as written (expansion
 * removes them, because what was quoted decides splitting and globbing);
 * the lexer only checks that every quote, $( and ${ is closed (a $(...)
 * or $((...)) is part of its word, spaces and all). Operators are
 * ; & && || | < > >> and an optional file-descriptor number before a
 * redirection (2> 2>> 2<), and the duplications N>&M and N<&M. A '#' that
 * starts a word begins a comment to the end of the line. */
#ifndef USERLAND_SHELL_LEXER_H_
#define USERLAND_SHELL_LEXER_H_

#include <stdbool.h>
#include <stddef.h>

typedef enum {
  TOK_WORD,
  TOK_NEWLINE,
  TOK_SEMI,    /* ; */
  TOK_AMP,     /* & */
  TOK_AND_IF,  /* && */
  TOK_OR_IF,   /* || */
  TOK_PIPE,    /* | */
  TOK_LESS,    /* [N]< */
  TOK_GREAT,   /* [N]> */
  TOK_DGREAT,  /* [N]>> */
  TOK_DUP_OUT, /* [N]>&M */
  TOK_DUP_IN,  /* [N]<&M */
  TOK_EOF,
} sh_token_kind;

typedef struct {
  sh_token_kind kind;
  char* text;     /* TOK_WORD: the raw word; NULL otherwise */
  int fd;         /* redirections: the fd named before the operator, or -1 */
  int dup_target; /* TOK_DUP_*: M */
  size_t start;   /* byte offsets into the source: [start, end) */
  size_t end;
} sh_token;

typedef struct {
  sh_token* items;
  size_t len;
  size_t cap;
} sh_tokens;

/* A syntax error: what is wrong, where, for "sh: syntax error: ..." */
typedef struct {
  char message[160];
  size_t offset;
  bool incomplete; /* the input ended too early: more lines could complete it */
} sh_error;

/* Returns 0 and the tokens (ending with TOK_EOF), or -1 and the error. The
 * tokens must be freed with sh_tokens_free in both cases. */
int sh_lex(const char* source, sh_tokens* out, sh_error* error);
void sh_tokens_free(sh_tokens* tokens);

/* s[start] is the '$' of "$(": the index just past its matching ')',
 * across nested parentheses and quotes; 0 if it is not closed. */
size_t sh_scan_subst_end(const char* s, size_t start);

/* The operator as written, for error messages ("newline", "end of input"). */
const char* sh_token_name(const sh_token* token);

#endif /* USERLAND_SHELL_LEXER_H_ */

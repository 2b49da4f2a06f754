#include "userland/shell/lexer.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "userland/shell/util.h"

static void add(sh_tokens* t, sh_token token) {
  if (t->len == t->cap) {
    t->cap = t->cap ? t->cap * 2 : 16;
    t->items = sh_xrealloc(t->items, t->cap * sizeof(sh_token));
  }
  t->items[t->len++] = token;
}

static sh_token op(sh_token_kind kind, size_t start, size_t end) {
  sh_token t = {kind, NULL, -1, -1, start, end};
  return t;
}

/* Every lexer error is an unterminated construct: more input may end it. */
static int fail(sh_error* error, size_t offset, const char* message) {
  snprintf(error->message, sizeof error->message, "%s", message);
  error->offset = offset;
  error->incomplete = strncmp(message, "unterminated", 12) == 0;
  return -1;
}

static int is_operator_char(char c) {
  return c == ';' || c == '&' || c == '|' || c == '<' || c == '>' || c == '\n';
}

static int is_blank(char c) { return c == ' ' || c == '\t' || c == '\r'; }

size_t sh_scan_subst_end(const char* s, size_t start) {
  size_t p = start + 2; /* past "$(" */
  int depth = 1;
  while (s[p]) {
    char c = s[p];
    if (c == '\\') {
      p += s[p + 1] ? 2 : 1;
    } else if (c == '\'') {
      for (p++; s[p] && s[p] != '\''; p++) {
      }
      if (!s[p]) return 0;
      p++;
    } else if (c == '"') {
      for (p++; s[p] && s[p] != '"'; p += (s[p] == '\\' && s[p + 1]) ? 2 : 1) {
        if (s[p] == '$' && s[p + 1] == '(') {
          size_t end = sh_scan_subst_end(s, p);
          if (!end) return 0;
          p = end - 1; /* the loop's step moves past the ')' */
        }
      }
      if (!s[p]) return 0;
      p++;
    } else if (c == '(') {
      depth++;
      p++;
    } else if (c == ')') {
      p++;
      if (--depth == 0) return p;
    } else {
      p++;
    }
  }
  return 0;
}

/* Scans one word from s[*i]; returns -1 on an unterminated quote. */
static int scan_word(const char* s, size_t* i, sh_error* error) {
  size_t p = *i;
  while (s[p] && !is_blank(s[p]) && !is_operator_char(s[p])) {
    char c = s[p];
    if (c == '\\') {
      p += s[p + 1] ? 2 : 1;
    } else if (c == '\'') {
      size_t open = p++;
      while (s[p] && s[p] != '\'') p++;
      if (!s[p]) return fail(error, open, "unterminated single quote");
      p++;
    } else if (c == '"') {
      size_t open = p++;
      while (s[p] && s[p] != '"') {
        if (s[p] == '$' && s[p + 1] == '(') {
          size_t end = sh_scan_subst_end(s, p);
          if (!end) return fail(error, p, "unterminated $(");
          p = end;
          continue;
        }
        p += (s[p] == '\\' && s[p + 1]) ? 2 : 1;
      }
      if (!s[p]) return fail(error, open, "unterminated double quote");
      p++;
    } else if (c == '$' && s[p + 1] == '(') {
      size_t end = sh_scan_subst_end(s, p);
      if (!end) return fail(error, p, "unterminated $(");
      p = end;
    } else if (c == '$' && s[p + 1] == '{') {
      size_t open = p;
      while (s[p] && s[p] != '}') p++;
      if (!s[p]) return fail(error, open, "unterminated ${");
      p++;
    } else {
      p++;
    }
  }
  *i = p;
  return 0;
}

static int all_digits(const char* s, size_t n) {
  if (n == 0 || n > 4) return 0;
  for (size_t k = 0; k < n; k++)
    if (s[k] < '0' || s[k] > '9') return 0;
  return 1;
}

/* A redirection operator at s[*i] (< or >), with io_fd (or -1) before it. */
static int scan_redirection(const char* s, size_t* i, int io_fd, size_t start, sh_tokens* out,
                            sh_error* error) {
  size_t p = *i;
  char c = s[p++];
  sh_token t = op(c == '<' ? TOK_LESS : TOK_GREAT, start, 0);
  if (c == '>' && s[p] == '>') {
    t.kind = TOK_DGREAT;
    p++;
  } else if (s[p] == '&') {
    p++;
    size_t digits = p;
    while (s[p] >= '0' && s[p] <= '9') p++;
    if (p == digits || p - digits > 4)
      return fail(
          error, start,
          c == '>' ? "`>&' needs a file descriptor number" : "`<&' needs a file descriptor number");
    t.kind = c == '>' ? TOK_DUP_OUT : TOK_DUP_IN;
    t.dup_target = atoi(s + digits);
  }
  t.fd = io_fd;
  t.end = p;
  add(out, t);
  *i = p;
  return 0;
}

int sh_lex(const char* s, sh_tokens* out, sh_error* error) {
  memset(out, 0, sizeof *out);
  size_t i = 0;
  while (s[i]) {
    char c = s[i];
    size_t start = i;
    if (is_blank(c)) {
      i++;
    } else if (c == '\\' && s[i + 1] == '\n') {
      i += 2; /* a line continuation */
    } else if (c == '#') {
      while (s[i] && s[i] != '\n') i++;
    } else if (c == '\n') {
      add(out, op(TOK_NEWLINE, i, i + 1));
      i++;
    } else if (c == ';') {
      add(out, op(TOK_SEMI, i, i + 1));
      i++;
    } else if (c == '&') {
      int two = s[i + 1] == '&';
      add(out, op(two ? TOK_AND_IF : TOK_AMP, i, i + 1 + two));
      i += 1 + two;
    } else if (c == '|') {
      int two = s[i + 1] == '|';
      add(out, op(two ? TOK_OR_IF : TOK_PIPE, i, i + 1 + two));
      i += 1 + two;
    } else if (c == '<' || c == '>') {
      if (scan_redirection(s, &i, -1, start, out, error) < 0) return -1;
    } else {
      if (scan_word(s, &i, error) < 0) return -1;
      /* digits directly before < or > name the fd to redirect */
      if ((s[i] == '<' || s[i] == '>') && all_digits(s + start, i - start)) {
        if (scan_redirection(s, &i, atoi(s + start), start, out, error) < 0) return -1;
        continue;
      }
      sh_token t = op(TOK_WORD, start, i);
      t.text = sh_xstrndup(s + start, i - start);
      add(out, t);
    }
  }
  add(out, op(TOK_EOF, i, i));
  return 0;
}

void sh_tokens_free(sh_tokens* tokens) {
  for (size_t i = 0; i < tokens->len; i++) free(tokens->items[i].text);
  free(tokens->items);
  memset(tokens, 0, sizeof *tokens);
}

const char* sh_token_name(const sh_token* t) {
  switch (t->kind) {
    case TOK_WORD:
      return t->text;
    case TOK_NEWLINE:
      return "newline";
    case TOK_SEMI:
      return ";";
    case TOK_AMP:
      return "&";
    case TOK_AND_IF:
      return "&&";
    case TOK_OR_IF:
      return "||";
    case TOK_PIPE:
      return "|";
    case TOK_LESS:
      return "<";
    case TOK_GREAT:
      return ">";
    case TOK_DGREAT:
      return ">>";
    case TOK_DUP_OUT:
      return ">&";
    case TOK_DUP_IN:
      return "<&";
    case TOK_EOF:
      break;
  }
  return "end of input";
}

#include "userland/shell/parser.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
  const char* source;
  sh_tokens tokens;
  size_t pos;
  sh_error* error;
} parser;

static const sh_token* peek(parser* p) { return &p->tokens.items[p->pos]; }

static int fail_at(parser* p, const sh_token* t, const char* format, const char* what) {
  snprintf(p->error->message, sizeof p->error->message, format, what);
  p->error->offset = t->start;
  return -1;
}

static int unexpected(parser* p) {
  const sh_token* t = peek(p);
  if (t->kind == TOK_EOF) return fail_at(p, t, "unexpected %s", "end of input");
  return fail_at(p, t, "unexpected `%s'", sh_token_name(t));
}

static void skip_newlines(parser* p) {
  while (peek(p)->kind == TOK_NEWLINE) p->pos++;
}

static bool is_redirection(sh_token_kind k) {
  return k == TOK_LESS || k == TOK_GREAT || k == TOK_DGREAT || k == TOK_DUP_OUT || k == TOK_DUP_IN;
}

bool sh_is_assignment(const char* w) {
  if (!(isalpha((unsigned char)w[0]) || w[0] == '_')) return false;
  size_t i = 1;
  while (isalnum((unsigned char)w[i]) || w[i] == '_') i++;
  return w[i] == '=';
}

static void free_command(sh_command* c) {
  vec_free(&c->assigns);
  vec_free(&c->words);
  for (size_t i = 0; i < c->nredirs; i++) free(c->redirs[i].word);
  free(c->redirs);
}

static int parse_redirection(parser* p, sh_command* c) {
  const sh_token* t = &p->tokens.items[p->pos++];
  sh_redir r = {REDIR_IN, t->fd, NULL, t->dup_target};
  switch (t->kind) {
    case TOK_LESS:
      r.kind = REDIR_IN;
      break;
    case TOK_GREAT:
      r.kind = REDIR_OUT;
      break;
    case TOK_DGREAT:
      r.kind = REDIR_APPEND;
      break;
    default:
      r.kind = REDIR_DUP;
      break;
  }
  if (r.fd < 0) r.fd = (t->kind == TOK_LESS || t->kind == TOK_DUP_IN) ? 0 : 1;
  if (r.kind != REDIR_DUP) {
    if (peek(p)->kind != TOK_WORD) return fail_at(p, t, "`%s' needs a file name", sh_token_name(t));
    r.word = sh_xstrdup(peek(p)->text);
    p->pos++;
  }
  c->redirs = sh_xrealloc(c->redirs, (c->nredirs + 1) * sizeof(sh_redir));
  c->redirs[c->nredirs++] = r;
  return 0;
}

static int parse_command(parser* p, sh_command* c) {
  memset(c, 0, sizeof *c);
  for (;;) {
    const sh_token* t = peek(p);
    if (t->kind == TOK_WORD) {
      if (c->words.len == 0 && sh_is_assignment(t->text))
        vec_push(&c->assigns, sh_xstrdup(t->text));
      else
        vec_push(&c->words, sh_xstrdup(t->text));
      p->pos++;
    } else if (is_redirection(t->kind)) {
      if (parse_redirection(p, c) < 0) return -1;
    } else {
      break;
    }
  }
  if (c->assigns.len == 0 && c->words.len == 0 && c->nredirs == 0) return unexpected(p);
  return 0;
}

static int parse_pipeline(parser* p, sh_pipeline* pl) {
  memset(pl, 0, sizeof *pl);
  for (;;) {
    pl->cmds = sh_xrealloc(pl->cmds, (pl->ncmds + 1) * sizeof(sh_command));
    int rc = parse_command(p, &pl->cmds[pl->ncmds]);
    pl->ncmds++; /* even a failed one: it is freed with the rest */
    if (rc < 0) return -1;
    if (peek(p)->kind != TOK_PIPE) return 0;
    p->pos++;
    skip_newlines(p);
  }
}

static int parse_andor(parser* p, sh_andor* a) {
  memset(a, 0, sizeof *a);
  size_t start = peek(p)->start;
  for (;;) {
    a->pipes = sh_xrealloc(a->pipes, (a->npipes + 1) * sizeof(sh_pipeline));
    int rc = parse_pipeline(p, &a->pipes[a->npipes]);
    a->npipes++;
    if (rc < 0) return -1;
    sh_token_kind k = peek(p)->kind;
    if (k != TOK_AND_IF && k != TOK_OR_IF) break;
    a->ops = sh_xrealloc(a->ops, a->npipes * sizeof(sh_andor_op));
    a->ops[a->npipes - 1] = k == TOK_AND_IF ? ANDOR_AND : ANDOR_OR;
    p->pos++;
    skip_newlines(p);
  }
  size_t end = p->tokens.items[p->pos - 1].end;
  a->text = sh_xstrndup(p->source + start, end - start);
  return 0;
}

int sh_parse(const char* source, sh_program* out, sh_error* error) {
  memset(out, 0, sizeof *out);
  parser p = {source, {0}, 0, error};
  if (sh_lex(source, &p.tokens, error) < 0) {
    sh_tokens_free(&p.tokens);
    return -1;
  }
  int rc = 0;
  skip_newlines(&p);
  while (peek(&p)->kind != TOK_EOF) {
    out->items = sh_xrealloc(out->items, (out->nitems + 1) * sizeof(sh_andor));
    sh_andor* a = &out->items[out->nitems++];
    if (parse_andor(&p, a) < 0) {
      rc = -1;
      break;
    }
    sh_token_kind k = peek(&p)->kind;
    if (k == TOK_AMP || k == TOK_SEMI) {
      a->background = k == TOK_AMP;
      p.pos++;
    } else if (k != TOK_NEWLINE && k != TOK_EOF) {
      rc = unexpected(&p);
      break;
    }
    skip_newlines(&p);
  }
  sh_tokens_free(&p.tokens);
  if (rc < 0) sh_program_free(out);
  return rc;
}

void sh_program_free(sh_program* program) {
  for (size_t i = 0; i < program->nitems; i++) {
    sh_andor* a = &program->items[i];
    for (size_t j = 0; j < a->npipes; j++) {
      for (size_t k = 0; k < a->pipes[j].ncmds; k++) free_command(&a->pipes[j].cmds[k]);
      free(a->pipes[j].cmds);
    }
    free(a->pipes);
    free(a->ops);
    free(a->text);
  }
  free(program->items);
  memset(program, 0, sizeof *program);
}

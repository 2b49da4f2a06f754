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
  int depth; /* nesting of compound commands: bounded, so no input overflows the stack */
} parser;

enum { kMaxDepth = 64 };

static int parse_list(parser* p, sh_program* out, const char* const* stops);

static const sh_token* peek(parser* p) { return &p->tokens.items[p->pos]; }

static int fail_at(parser* p, const sh_token* t, const char* format, const char* what) {
  snprintf(p->error->message, sizeof p->error->message, format, what);
  p->error->offset = t->start;
  p->error->incomplete = t->kind == TOK_EOF;
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

/* Is the next token the unquoted word w (a reserved word where a command
 * starts)? */
static bool at_word(parser* p, const char* w) {
  const sh_token* t = peek(p);
  return t->kind == TOK_WORD && strcmp(t->text, w) == 0;
}

static bool at_any(parser* p, const char* const* words) {
  for (; words && *words; words++)
    if (at_word(p, *words)) return true;
  return false;
}

/* Words that only end a compound command: never a command name. */
static const char* const k_closers[] = {"then", "elif", "else", "fi", "do", "done", "}", NULL};

static int expect_word(parser* p, const char* w) {
  if (!at_word(p, w)) {
    if (peek(p)->kind == TOK_EOF)
      return fail_at(p, peek(p), "`%s' expected before the end of input", w);
    return fail_at(p, peek(p), "unexpected `%s'", sh_token_name(peek(p)));
  }
  p->pos++;
  return 0;
}

bool sh_is_assignment(const char* w) {
  if (!(isalpha((unsigned char)w[0]) || w[0] == '_')) return false;
  size_t i = 1;
  while (isalnum((unsigned char)w[i]) || w[i] == '_') i++;
  return w[i] == '=';
}

static bool is_name(const char* w) {
  if (!(isalpha((unsigned char)w[0]) || w[0] == '_')) return false;
  for (const char* q = w + 1; *q; q++)
    if (!(isalnum((unsigned char)*q) || *q == '_')) return false;
  return true;
}

static void free_command(sh_command* c) {
  vec_free(&c->assigns);
  vec_free(&c->words);
  vec_free(&c->for_words);
  for (size_t i = 0; i < c->nredirs; i++) free(c->redirs[i].word);
  free(c->redirs);
  size_t nconds = c->kind == CMD_IF ? c->nclauses : c->conds ? 1 : 0;
  for (size_t i = 0; i < nconds; i++) sh_program_free(&c->conds[i]);
  size_t nbodies = c->kind == CMD_IF ? c->nclauses + (c->has_else ? 1 : 0) : c->bodies ? 1 : 0;
  for (size_t i = 0; i < nbodies; i++) sh_program_free(&c->bodies[i]);
  free(c->conds);
  free(c->bodies);
  free(c->for_name);
  free(c->text);
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

/* One more program in *array (of *n); returns it, zeroed. */
static sh_program* add_program(sh_program** array, size_t n) {
  *array = sh_xrealloc(*array, (n + 1) * sizeof(sh_program));
  memset(&(*array)[n], 0, sizeof(sh_program));
  return &(*array)[n];
}

/* A list that must not be empty, up to one of stops. */
static int parse_body(parser* p, sh_program* out, const char* const* stops) {
  if (parse_list(p, out, stops) < 0) return -1;
  if (out->nitems == 0) return unexpected(p);
  return 0;
}

static int parse_if(parser* p, sh_command* c) {
  static const char* const then[] = {"then", NULL};
  static const char* const after[] = {"elif", "else", "fi", NULL};
  static const char* const fi[] = {"fi", NULL};
  c->kind = CMD_IF;
  do {
    p->pos++; /* if or elif */
    /* the clause counts once its condition is there, so it is freed */
    sh_program* cond = add_program(&c->conds, c->nclauses);
    add_program(&c->bodies, c->nclauses);
    c->nclauses++;
    if (parse_body(p, cond, then) < 0 || expect_word(p, "then") < 0) return -1;
    if (parse_body(p, &c->bodies[c->nclauses - 1], after) < 0) return -1;
  } while (at_word(p, "elif"));
  if (at_word(p, "else")) {
    p->pos++;
    add_program(&c->bodies, c->nclauses);
    c->has_else = true;
    if (parse_body(p, &c->bodies[c->nclauses], fi) < 0) return -1;
  }
  return expect_word(p, "fi");
}

static int parse_loop_body(parser* p, sh_command* c) {
  static const char* const done[] = {"done", NULL};
  c->bodies = add_program(&c->bodies, 0);
  if (expect_word(p, "do") < 0 || parse_body(p, c->bodies, done) < 0) return -1;
  return expect_word(p, "done");
}

static int parse_while(parser* p, sh_command* c) {
  static const char* const do_[] = {"do", NULL};
  c->kind = at_word(p, "while") ? CMD_WHILE : CMD_UNTIL;
  p->pos++;
  c->conds = add_program(&c->conds, 0);
  if (parse_body(p, c->conds, do_) < 0) return -1;
  return parse_loop_body(p, c);
}

static int parse_for(parser* p, sh_command* c) {
  c->kind = CMD_FOR;
  p->pos++;
  const sh_token* name = peek(p);
  if (name->kind != TOK_WORD || !is_name(name->text))
    return fail_at(p, name, "`for' needs a variable name, not `%s'", sh_token_name(name));
  c->for_name = sh_xstrdup(name->text);
  p->pos++;
  skip_newlines(p);
  if (at_word(p, "in")) {
    c->for_has_in = true;
    p->pos++;
    for (; peek(p)->kind == TOK_WORD; p->pos++) vec_push(&c->for_words, sh_xstrdup(peek(p)->text));
  }
  if (peek(p)->kind == TOK_SEMI) p->pos++;
  skip_newlines(p);
  return parse_loop_body(p, c);
}

static int parse_group(parser* p, sh_command* c) {
  static const char* const close[] = {"}", NULL};
  c->kind = CMD_GROUP;
  p->pos++;
  c->bodies = add_program(&c->bodies, 0);
  if (parse_body(p, c->bodies, close) < 0) return -1;
  return expect_word(p, "}");
}

static int parse_compound(parser* p, sh_command* c) {
  if (++p->depth > kMaxDepth) return fail_at(p, peek(p), "%s", "commands nested too deeply");
  size_t start = peek(p)->start;
  int rc;
  if (at_word(p, "if"))
    rc = parse_if(p, c);
  else if (at_word(p, "while") || at_word(p, "until"))
    rc = parse_while(p, c);
  else if (at_word(p, "for"))
    rc = parse_for(p, c);
  else
    rc = parse_group(p, c);
  p->depth--;
  if (rc < 0) return -1;
  while (is_redirection(peek(p)->kind))
    if (parse_redirection(p, c) < 0) return -1;
  size_t end = p->tokens.items[p->pos - 1].end;
  c->text = sh_xstrndup(p->source + start, end - start);
  return 0;
}

static int parse_command(parser* p, sh_command* c) {
  memset(c, 0, sizeof *c);
  static const char* const openers[] = {"if", "while", "until", "for", "{", NULL};
  if (at_any(p, openers)) return parse_compound(p, c);
  if (at_any(p, k_closers)) return unexpected(p);
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
  if (at_word(p, "!")) {
    pl->negate = true;
    p->pos++;
  }
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

/* And-or lists separated by ; & and newlines, up to the end of input or
 * (in command position) one of the stop words, which is left unread. */
static int parse_list(parser* p, sh_program* out, const char* const* stops) {
  skip_newlines(p);
  while (peek(p)->kind != TOK_EOF && !at_any(p, stops)) {
    out->items = sh_xrealloc(out->items, (out->nitems + 1) * sizeof(sh_andor));
    sh_andor* a = &out->items[out->nitems++];
    if (parse_andor(p, a) < 0) return -1;
    sh_token_kind k = peek(p)->kind;
    if (k == TOK_AMP || k == TOK_SEMI) {
      a->background = k == TOK_AMP;
      p->pos++;
    } else if (k != TOK_NEWLINE && k != TOK_EOF && !at_any(p, stops)) {
      return unexpected(p);
    }
    skip_newlines(p);
  }
  return 0;
}

int sh_parse(const char* source, sh_program* out, sh_error* error) {
  memset(out, 0, sizeof *out);
  parser p = {source, {0}, 0, error, 0};
  if (sh_lex(source, &p.tokens, error) < 0) {
    sh_tokens_free(&p.tokens);
    return -1;
  }
  int rc = parse_list(&p, out, NULL);
  if (rc == 0 && peek(&p)->kind != TOK_EOF) rc = unexpected(&p);
  sh_tokens_free(&p.tokens);
  if (rc < 0) sh_program_free(out);
  return rc;
}

bool sh_needs_more(const char* source) {
  size_t n = strlen(source), backslashes = 0;
  while (backslashes < n && source[n - 1 - backslashes] == '\\') backslashes++;
  if (backslashes % 2) return true; /* a line continuation */
  sh_program program;
  sh_error error;
  if (sh_parse(source, &program, &error) == 0) {
    sh_program_free(&program);
    return false;
  }
  return error.incomplete;
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

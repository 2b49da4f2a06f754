#include "userland/shell/expand.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "userland/shell/arith.h"
#include "userland/shell/glob.h"
#include "userland/shell/lexer.h"
#include "userland/shell/shell.h"
#include "userland/shell/subst.h"
#include "userland/shell/vars.h"

/* The field being built: text and, per byte, whether it was quoted. */
typedef struct {
  sh_buf text;
  sh_buf mask;
  bool present; /* "" is a field even though it is empty */
  bool split;   /* split unquoted expansions and glob (false: one string) */
  sh_vec* out;
} builder;

static void add_char(builder* b, char c, bool quoted) {
  buf_push(&b->text, c);
  buf_push(&b->mask, quoted ? 1 : 0);
  b->present = true;
}

static void end_field(builder* b) {
  if (!b->present) return;
  const char* text = b->text.data ? b->text.data : "";
  if (b->split && sh_glob_has_magic(text, b->mask.data, b->text.len) &&
      sh_glob(text, b->mask.data, b->out) > 0) {
    buf_free(&b->text);
  } else {
    vec_push(b->out, buf_take(&b->text));
  }
  buf_free(&b->mask);
  b->present = false;
}

/* An expansion's value: quoted, it is one piece of the field; unquoted
 * (and splitting), blanks end fields. */
static void add_value(builder* b, const char* value, bool quoted) {
  if (quoted || !b->split) {
    for (const char* p = value; *p; p++) add_char(b, *p, true);
    if (quoted) b->present = true;
    return;
  }
  for (const char* p = value; *p; p++) {
    if (*p == ' ' || *p == '\t' || *p == '\n')
      end_field(b);
    else
      add_char(b, *p, false);
  }
}

static void add_number(builder* b, long n, bool quoted) {
  char text[24];
  snprintf(text, sizeof text, "%ld", n);
  add_value(b, text, quoted);
}

/* $@ and $*: "$@" gives each parameter as its own field. */
static void add_params(builder* b, bool quoted, bool at) {
  for (int i = 0; i < g_sh.nparams; i++) {
    if (i > 0) {
      if (quoted && at)
        end_field(b);
      else
        add_value(b, " ", quoted);
    }
    add_value(b, g_sh.params[i], quoted);
  }
}

static void add_named(builder* b, const char* name, size_t len, bool quoted) {
  char* n = sh_xstrndup(name, len);
  if (isdigit((unsigned char)n[0])) {
    /* ${N}: digits only, and in range (a huge N is no parameter) */
    char* end;
    long index = strtol(n, &end, 10);
    if (*end == '\0' && index == 0)
      add_value(b, g_sh.name ? g_sh.name : "sh", quoted);
    else if (*end == '\0' && index > 0 && index <= g_sh.nparams)
      add_value(b, g_sh.params[index - 1], quoted);
  } else {
    const char* value = var_get(n);
    if (value) add_value(b, value, quoted);
  }
  free(n);
}

/* $(...) or $((...)) at raw[*i - 1]; false if it is not closed. */
static bool expand_substitution(builder* b, const char* raw, size_t* i, bool quoted) {
  size_t start = *i - 1;
  size_t end = sh_scan_subst_end(raw, start);
  if (!end) return false;
  *i = end;
  if (raw[start + 2] == '(' && end - start >= 5 && raw[end - 2] == ')') {
    char* inner = sh_xstrndup(raw + start + 3, end - start - 5);
    char* expanded = sh_expand_string(inner);
    long value;
    char error[80];
    if (sh_arith(expanded, &value, error, sizeof error)) {
      add_number(b, value, quoted);
    } else {
      fprintf(stderr, "sh: $((%s)): %s\n", inner, error);
    }
    free(expanded);
    free(inner);
    return true;
  }
  char* commands = sh_xstrndup(raw + start + 2, end - start - 3);
  char* output = sh_command_output(commands);
  add_value(b, output, quoted);
  free(output);
  free(commands);
  return true;
}

/* A parameter at raw[*i] (just after '$'); false if '$' is literal. */
static bool expand_parameter(builder* b, const char* raw, size_t* i, bool quoted) {
  size_t k = *i;
  char c = raw[k];
  if (c == '(') return expand_substitution(b, raw, i, quoted);
  if (c == '{') {
    size_t close = k + 1;
    while (raw[close] && raw[close] != '}') close++;
    if (!raw[close]) return false;
    size_t len = close - (k + 1);
    const char* name = raw + k + 1;
    if (len == 1 && strchr("?$#!@*", name[0])) {
      size_t one = 0;
      char tmp[2] = {name[0], 0};
      expand_parameter(b, tmp, &one, quoted);
    } else if (len > 0) {
      add_named(b, name, len, quoted);
    }
    *i = close + 1;
    return true;
  }
  switch (c) {
    case '?':
      add_number(b, g_sh.last_status, quoted);
      break;
    case '$':
      add_number(b, (long)(g_sh.pid ? g_sh.pid : getpid()), quoted);
      break;
    case '#':
      add_number(b, g_sh.nparams, quoted);
      break;
    case '!':
      if (g_sh.last_bg) add_number(b, (long)g_sh.last_bg, quoted);
      break;
    case '@':
    case '*':
      add_params(b, quoted, c == '@');
      break;
    default:
      if (isdigit((unsigned char)c)) {
        add_named(b, raw + k, 1, quoted);
        break;
      }
      if (!(isalpha((unsigned char)c) || c == '_')) return false;
      size_t end = k;
      while (isalnum((unsigned char)raw[end]) || raw[end] == '_') end++;
      add_named(b, raw + k, end - k, quoted);
      *i = end;
      return true;
  }
  *i = k + 1;
  return true;
}

static void expand(const char* raw, builder* b) {
  bool in_double = false;
  size_t i = 0;
  if (raw[0] == '~' && (raw[1] == '/' || raw[1] == '\0')) {
    const char* home = var_get("HOME");
    if (home) {
      for (const char* p = home; *p; p++) add_char(b, *p, true);
      i = 1;
    }
  }
  while (raw[i]) {
    char c = raw[i];
    if (c == '\'' && !in_double) {
      b->present = true;
      for (i++; raw[i] && raw[i] != '\''; i++) add_char(b, raw[i], true);
      if (raw[i]) i++;
    } else if (c == '"') {
      /* "$@" with no parameters is no field at all, unlike "" */
      bool only_empty_at = !in_double && strncmp(raw + i, "\"$@\"", 4) == 0 && g_sh.nparams == 0;
      if (only_empty_at) {
        i += 4;
        continue;
      }
      in_double = !in_double;
      b->present = true;
      i++;
    } else if (c == '\\') {
      char next = raw[i + 1];
      if (!next) {
        add_char(b, '\\', true);
        i++;
      } else if (!in_double || strchr("$`\"\\\n", next)) {
        if (next != '\n') add_char(b, next, true);
        i += 2;
      } else {
        add_char(b, '\\', true);
        i++;
      }
    } else if (c == '$') {
      i++;
      if (!expand_parameter(b, raw, &i, in_double)) add_char(b, '$', in_double);
    } else {
      add_char(b, c, in_double);
      i++;
    }
  }
}

void sh_expand_word(const char* raw, sh_vec* out) {
  builder b = {{0}, {0}, false, true, out};
  expand(raw, &b);
  end_field(&b);
}

char* sh_expand_string(const char* raw) {
  sh_vec out = {0};
  builder b = {{0}, {0}, false, false, &out};
  expand(raw, &b);
  b.present = true;
  end_field(&b);
  char* s = out.items[0];
  out.items[0] = NULL;
  out.len = 0;
  vec_free(&out);
  return s;
}

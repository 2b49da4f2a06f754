#include "userland/shell/arith.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "userland/shell/util.h"
#include "userland/shell/vars.h"

typedef struct {
  const char* s;
  size_t pos;
  char* error;
  size_t error_size;
  bool failed;
  int depth;
} arith;

enum { kMaxArithDepth = 64 };

static long fail(arith* a, const char* message) {
  if (!a->failed) snprintf(a->error, a->error_size, "%s", message);
  a->failed = true;
  return 0;
}

static void skip(arith* a) {
  while (isspace((unsigned char)a->s[a->pos])) a->pos++;
}

/* Consumes op if it is next (and not the start of a longer operator). */
static bool take(arith* a, const char* op) {
  skip(a);
  size_t n = strlen(op);
  if (strncmp(a->s + a->pos, op, n) != 0) return false;
  char next = a->s[a->pos + n];
  if (n == 1 && strchr("<>=!&|", op[0]) && (next == '=' || next == op[0])) return false;
  a->pos += n;
  return true;
}

static long parse_or(arith* a);

static long primary(arith* a) {
  skip(a);
  const char* s = a->s + a->pos;
  if (++a->depth > kMaxArithDepth) return fail(a, "expression nested too deeply");
  long v = 0;
  if (take(a, "(")) {
    v = parse_or(a);
    if (!take(a, ")")) v = fail(a, "`)' expected");
  } else if (take(a, "-")) {
    v = -primary(a);
  } else if (take(a, "+")) {
    v = primary(a);
  } else if (take(a, "!")) {
    v = !primary(a);
  } else if (isdigit((unsigned char)*s)) {
    char* end;
    v = strtol(s, &end, 0);
    a->pos += (size_t)(end - s);
  } else if (isalpha((unsigned char)*s) || *s == '_') {
    size_t n = 0;
    while (isalnum((unsigned char)s[n]) || s[n] == '_') n++;
    char* name = sh_xstrndup(s, n);
    const char* value = var_get(name);
    free(name);
    a->pos += n;
    if (value && *value) {
      char* end;
      v = strtol(value, &end, 0);
      if (*end) v = fail(a, "a variable's value is not a number");
    }
  } else {
    v = fail(a, *s ? "unexpected character" : "unexpected end of expression");
  }
  a->depth--;
  return v;
}

static long product(arith* a) {
  long v = primary(a);
  for (;;) {
    if (take(a, "*")) {
      v = (long)((unsigned long)v * (unsigned long)primary(a));
    } else if (take(a, "/") || take(a, "%")) {
      bool divide = a->s[a->pos - 1] == '/';
      long d = primary(a);
      if (d == 0) return fail(a, "division by zero");
      if (d == -1)
        v = divide ? (long)(0 - (unsigned long)v) : 0; /* LONG_MIN / -1 overflows */
      else
        v = divide ? v / d : v % d;
    } else {
      return v;
    }
  }
}

static long sum(arith* a) {
  long v = product(a);
  for (;;) {
    if (take(a, "+"))
      v = (long)((unsigned long)v + (unsigned long)product(a));
    else if (take(a, "-"))
      v = (long)((unsigned long)v - (unsigned long)product(a));
    else
      return v;
  }
}

static long compare(arith* a) {
  long v = sum(a);
  for (;;) {
    if (take(a, "<="))
      v = v <= sum(a);
    else if (take(a, ">="))
      v = v >= sum(a);
    else if (take(a, "<"))
      v = v < sum(a);
    else if (take(a, ">"))
      v = v > sum(a);
    else
      return v;
  }
}

static long equality(arith* a) {
  long v = compare(a);
  for (;;) {
    if (take(a, "=="))
      v = v == compare(a);
    else if (take(a, "!="))
      v = v != compare(a);
    else
      return v;
  }
}

static long parse_and(arith* a) {
  long v = equality(a);
  while (take(a, "&&")) {
    long r = equality(a);
    v = v && r;
  }
  return v;
}

static long parse_or(arith* a) {
  long v = parse_and(a);
  while (take(a, "||")) {
    long r = parse_and(a);
    v = v || r;
  }
  return v;
}

bool sh_arith(const char* expression, long* value, char* error, size_t error_size) {
  arith a = {expression, 0, error, error_size, false, 0};
  long v = parse_or(&a);
  skip(&a);
  if (!a.failed && a.s[a.pos]) fail(&a, "unexpected character");
  *value = a.failed ? 0 : v;
  return !a.failed;
}

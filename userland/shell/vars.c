#include "userland/shell/vars.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern char** environ;

typedef struct {
  char* name;
  char* value;
} local_var;

static local_var* g_locals;
static size_t g_nlocals;

bool var_name_valid(const char* name) {
  if (!(isalpha((unsigned char)name[0]) || name[0] == '_')) return false;
  for (const char* p = name + 1; *p; p++)
    if (!(isalnum((unsigned char)*p) || *p == '_')) return false;
  return true;
}

static local_var* find_local(const char* name) {
  for (size_t i = 0; i < g_nlocals; i++)
    if (strcmp(g_locals[i].name, name) == 0) return &g_locals[i];
  return NULL;
}

static void remove_local(const char* name) {
  local_var* v = find_local(name);
  if (!v) return;
  free(v->name);
  free(v->value);
  *v = g_locals[--g_nlocals];
}

const char* var_get(const char* name) {
  local_var* v = find_local(name);
  return v ? v->value : getenv(name);
}

void var_set(const char* name, const char* value) {
  if (getenv(name)) {
    setenv(name, value, 1);
    return;
  }
  local_var* v = find_local(name);
  if (v) {
    free(v->value);
    v->value = sh_xstrdup(value);
    return;
  }
  g_locals = sh_xrealloc(g_locals, (g_nlocals + 1) * sizeof(local_var));
  g_locals[g_nlocals].name = sh_xstrdup(name);
  g_locals[g_nlocals].value = sh_xstrdup(value);
  g_nlocals++;
}

void var_export(const char* name, const char* value) {
  const char* current = value ? value : var_get(name);
  char* copy = sh_xstrdup(current ? current : "");
  remove_local(name);
  setenv(name, copy, 1);
  free(copy);
}

void var_unset(const char* name) {
  remove_local(name);
  unsetenv(name);
}

void var_assign(const char* assignment) {
  const char* eq = strchr(assignment, '=');
  if (!eq) return;
  char* name = sh_xstrndup(assignment, (size_t)(eq - assignment));
  var_set(name, eq + 1);
  free(name);
}

static bool same_name(const char* a, const char* b) {
  size_t n = strcspn(a, "=");
  return strncmp(a, b, n) == 0 && b[n] == '=';
}

char** var_environment(const sh_vec* overrides) {
  size_t n = 0;
  while (environ && environ[n]) n++;
  char** env = sh_xmalloc((n + overrides->len + 1) * sizeof(char*));
  size_t out = 0;
  for (size_t i = 0; i < n; i++) {
    bool overridden = false;
    for (size_t k = 0; k < overrides->len; k++)
      if (same_name(overrides->items[k], environ[i])) overridden = true;
    if (!overridden) env[out++] = environ[i];
  }
  for (size_t k = 0; k < overrides->len; k++) env[out++] = overrides->items[k];
  env[out] = NULL;
  return env;
}

void var_locals(sh_vec* out) {
  for (size_t i = 0; i < g_nlocals; i++) {
    sh_buf b = {0};
    buf_puts(&b, g_locals[i].name);
    buf_push(&b, '=');
    buf_puts(&b, g_locals[i].value);
    vec_push(out, buf_take(&b));
  }
}

void var_print_exports(void) {
  sh_vec names = {0};
  for (char** e = environ; e && *e; e++) vec_push(&names, sh_xstrdup(*e));
  vec_sort(&names);
  for (size_t i = 0; i < names.len; i++) {
    char* eq = strchr(names.items[i], '=');
    if (!eq) continue;
    *eq = '\0';
    printf("export %s='%s'\n", names.items[i], eq + 1);
  }
  vec_free(&names);
}

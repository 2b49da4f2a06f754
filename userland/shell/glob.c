#include "userland/shell/glob.h"

#include <string.h>
#include <sys/stat.h>

#include "userland/shell/platform.h"

static bool literal(const char* mask, size_t i) { return mask && mask[i]; }

bool sh_glob_has_magic(const char* p, const char* mask, size_t len) {
  for (size_t i = 0; i < len; i++)
    if ((p[i] == '*' || p[i] == '?' || p[i] == '[') && !literal(mask, i)) return true;
  return false;
}

/* Matches a [...] class at p[*i] (just after '['); -1 if it is not closed. */
static int match_class(const char* p, const char* mask, size_t len, size_t* i, char c) {
  size_t k = *i;
  bool negate = false;
  if (k < len && (p[k] == '!' || p[k] == '^') && !literal(mask, k)) {
    negate = true;
    k++;
  }
  bool found = false;
  bool first = true;
  while (k < len && (first || p[k] != ']' || literal(mask, k))) {
    first = false;
    char lo = p[k];
    char hi = lo;
    if (k + 2 < len && p[k + 1] == '-' && p[k + 2] != ']') {
      hi = p[k + 2];
      k += 2;
    }
    if (lo <= c && c <= hi) found = true;
    k++;
  }
  if (k >= len) return -1;
  *i = k + 1;
  return found != negate;
}

static bool match_from(const char* p, const char* mask, size_t len, size_t i, const char* s) {
  while (i < len) {
    char c = p[i];
    if (c == '*' && !literal(mask, i)) {
      while (i < len && p[i] == '*' && !literal(mask, i)) i++;
      if (i == len) return true;
      for (const char* t = s; *t; t++)
        if (match_from(p, mask, len, i, t)) return true;
      return false;
    }
    if (!*s) return false;
    if (c == '?' && !literal(mask, i)) {
      i++;
      s++;
      continue;
    }
    if (c == '[' && !literal(mask, i)) {
      size_t k = i + 1;
      int m = match_class(p, mask, len, &k, *s);
      if (m >= 0) {
        if (!m) return false;
        i = k;
        s++;
        continue;
      }
      /* an unclosed '[' is an ordinary character */
    }
    if (c != *s) return false;
    i++;
    s++;
  }
  return *s == '\0';
}

bool sh_glob_match(const char* p, const char* mask, size_t len, const char* name) {
  return match_from(p, mask, len, 0, name);
}

/* Expands the segments of pattern from pos on, below the directory path
 * (already matched, "" for the current directory). */
static void expand_from(const char* p, const char* mask, size_t pos, sh_buf* path, sh_vec* out) {
  size_t len = strlen(p);
  if (pos >= len) {
    struct stat st;
    if (path->len && stat(path->data, &st) == 0) vec_push(out, sh_xstrdup(path->data));
    return;
  }
  size_t end = pos;
  while (end < len && p[end] != '/') end++;
  size_t seg_len = end - pos;
  size_t next = end;
  while (next < len && p[next] == '/') next++;
  size_t saved = path->len;
  if (!sh_glob_has_magic(p + pos, mask + pos, seg_len)) {
    buf_append(path, p + pos, seg_len);
    buf_append(path, p + end, next - end);
    expand_from(p, mask, next, path, out);
    path->len = saved;
    if (path->data) path->data[saved] = '\0';
    return;
  }
  sh_vec names = {0};
  if (platform_list_dir(path->len ? path->data : ".", &names) < 0) return;
  vec_sort(&names);
  bool dot_ok = p[pos] == '.';
  for (size_t i = 0; i < names.len; i++) {
    const char* name = names.items[i];
    if (name[0] == '.' && !dot_ok) continue;
    if (!sh_glob_match(p + pos, mask + pos, seg_len, name)) continue;
    buf_puts(path, name);
    buf_append(path, p + end, next - end);
    if (next < len || end < len) {
      /* more to match, or a trailing '/': only directories qualify */
      struct stat st;
      if (stat(path->data, &st) == 0 && S_ISDIR(st.st_mode)) expand_from(p, mask, next, path, out);
    } else {
      vec_push(out, sh_xstrdup(path->data));
    }
    path->len = saved;
    if (path->data) path->data[saved] = '\0';
  }
  vec_free(&names);
}

size_t sh_glob(const char* pattern, const char* mask, sh_vec* out) {
  sh_buf path = {0};
  size_t pos = 0;
  while (pattern[pos] == '/') buf_push(&path, pattern[pos++]);
  size_t before = out->len;
  expand_from(pattern, mask, pos, &path, out);
  buf_free(&path);
  /* sorted as a whole: segments were sorted, but "a/x" vs "a-b" was not */
  if (out->len - before > 1) {
    sh_vec tail = {out->items + before, out->len - before, 0};
    vec_sort(&tail);
  }
  return out->len - before;
}

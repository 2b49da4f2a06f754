#include "userland/shell/util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void out_of_memory(void) {
  fputs("sh: out of memory\n", stderr);
  exit(2);
}

void* sh_xmalloc(size_t size) {
  void* p = malloc(size ? size : 1);
  if (!p) out_of_memory();
  return p;
}

void* sh_xrealloc(void* p, size_t size) {
  p = realloc(p, size ? size : 1);
  if (!p) out_of_memory();
  return p;
}

char* sh_xstrdup(const char* s) { return sh_xstrndup(s, strlen(s)); }

char* sh_xstrndup(const char* s, size_t n) {
  char* copy = sh_xmalloc(n + 1);
  memcpy(copy, s, n);
  copy[n] = '\0';
  return copy;
}

static void buf_reserve(sh_buf* b, size_t extra) {
  if (b->len + extra + 1 <= b->cap) return;
  size_t cap = b->cap ? b->cap * 2 : 32;
  while (cap < b->len + extra + 1) cap *= 2;
  b->data = sh_xrealloc(b->data, cap);
  b->cap = cap;
}

void buf_push(sh_buf* b, char c) { buf_append(b, &c, 1); }

void buf_append(sh_buf* b, const char* s, size_t n) {
  buf_reserve(b, n);
  memcpy(b->data + b->len, s, n);
  b->len += n;
  b->data[b->len] = '\0';
}

void buf_puts(sh_buf* b, const char* s) { buf_append(b, s, strlen(s)); }

char* buf_take(sh_buf* b) {
  char* s = b->data ? b->data : sh_xstrdup("");
  b->data = NULL;
  b->len = b->cap = 0;
  return s;
}

void buf_clear(sh_buf* b) {
  b->len = 0;
  if (b->data) b->data[0] = '\0';
}

void buf_free(sh_buf* b) {
  free(b->data);
  b->data = NULL;
  b->len = b->cap = 0;
}

void vec_push(sh_vec* v, char* s) {
  if (v->len + 2 > v->cap) {
    v->cap = v->cap ? v->cap * 2 : 8;
    v->items = sh_xrealloc(v->items, v->cap * sizeof(char*));
  }
  v->items[v->len++] = s;
  v->items[v->len] = NULL;
}

void vec_free(sh_vec* v) {
  for (size_t i = 0; i < v->len; i++) free(v->items[i]);
  free(v->items);
  v->items = NULL;
  v->len = v->cap = 0;
}

static int compare_strings(const void* a, const void* b) {
  return strcmp(*(char* const*)a, *(char* const*)b);
}

void vec_sort(sh_vec* v) {
  if (v->len > 1) qsort(v->items, v->len, sizeof(char*), compare_strings);
}

/* Reads a whole file; NULL (errno set) if it cannot. */
char* sh_read_file(const char* path) {
  int fd = open(path, O_RDONLY);
  if (fd < 0) return NULL;
  sh_buf text = {0};
  char chunk[1024];
  ssize_t n;
  while ((n = read(fd, chunk, sizeof chunk)) > 0) buf_append(&text, chunk, (size_t)n);
  int saved = errno;
  close(fd);
  if (n < 0) {
    buf_free(&text);
    errno = saved;
    return NULL;
  }
  return buf_take(&text);
}

/* Growable strings and string vectors: the shell's only containers. An
 * allocation failure ends the shell with a message (a shell that cannot
 * allocate a few bytes cannot do anything useful either). */
#ifndef USERLAND_SHELL_UTIL_H_
#define USERLAND_SHELL_UTIL_H_

#include <stddef.h>

typedef struct {
  char* data; /* NUL-terminated once anything was added */
  size_t len;
  size_t cap;
} sh_buf;

typedef struct {
  char** items; /* NULL-terminated once anything was added */
  size_t len;
  size_t cap;
} sh_vec;

void* sh_xmalloc(size_t size);
void* sh_xrealloc(void* p, size_t size);
char* sh_xstrdup(const char* s);
char* sh_xstrndup(const char* s, size_t n);

void buf_push(sh_buf* b, char c);
void buf_append(sh_buf* b, const char* s, size_t n);
void buf_puts(sh_buf* b, const char* s);
/* The contents as a malloc'd string (never NULL); the buffer is empty after. */
char* buf_take(sh_buf* b);
void buf_clear(sh_buf* b);
void buf_free(sh_buf* b);

/* Takes ownership of s. */
void vec_push(sh_vec* v, char* s);
void vec_free(sh_vec* v);
void vec_sort(sh_vec* v);

/* A whole file as a malloc'd string; NULL (errno set) if it cannot be read. */
char* sh_read_file(const char* path);

#endif /* USERLAND_SHELL_UTIL_H_ */

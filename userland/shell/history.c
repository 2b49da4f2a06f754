#include "userland/shell/history.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "userland/shell/util.h"

void history_init(sh_history* h, size_t limit) {
  memset(h, 0, sizeof *h);
  h->limit = limit ? limit : 1;
}

void history_free(sh_history* h) {
  for (size_t i = 0; i < h->len; i++) free(h->items[i]);
  free(h->items);
  memset(h, 0, sizeof *h);
}

int history_add(sh_history* h, const char* line) {
  size_t n = strcspn(line, "\n");
  if (n == 0) return 0;
  if (h->len && strncmp(h->items[h->len - 1], line, n) == 0 && h->items[h->len - 1][n] == '\0')
    return 0;
  if (h->len == h->limit) {
    free(h->items[0]);
    memmove(h->items, h->items + 1, (h->len - 1) * sizeof(char*));
    h->len--;
  }
  if (h->len == h->cap) {
    h->cap = h->cap ? h->cap * 2 : 16;
    h->items = sh_xrealloc(h->items, h->cap * sizeof(char*));
  }
  h->items[h->len++] = sh_xstrndup(line, n);
  return 1;
}

const char* history_get(const sh_history* h, size_t i) { return i < h->len ? h->items[i] : NULL; }

int history_load(sh_history* h, const char* path) {
  int fd = open(path, O_RDONLY);
  if (fd < 0) return -1;
  sh_buf line = {0};
  char chunk[512];
  ssize_t n;
  while ((n = read(fd, chunk, sizeof chunk)) > 0) {
    for (ssize_t i = 0; i < n; i++) {
      if (chunk[i] == '\n') {
        if (line.len) history_add(h, line.data);
        buf_clear(&line);
      } else {
        buf_push(&line, chunk[i]);
      }
    }
  }
  if (line.len) history_add(h, line.data);
  buf_free(&line);
  close(fd);
  return 0;
}

int history_append_file(const char* path, const char* line) {
  int fd = open(path, O_WRONLY | O_CREAT | O_APPEND, 0600);
  if (fd < 0) return -1;
  size_t n = strcspn(line, "\n");
  int rc = 0;
  if (write(fd, line, n) != (ssize_t)n || write(fd, "\n", 1) != 1) rc = -1;
  close(fd);
  return rc;
}

int history_default_file(const char* home, char* out, size_t capacity) {
  struct stat s;
  if (!home || !*home || stat(home, &s) != 0 || !S_ISDIR(s.st_mode)) return -1;
  if (access(home, W_OK) != 0) return -1;
  const size_t n = strlen(home);
  const char* slash = home[n - 1] == '/' ? "" : "/";
  if ((size_t)snprintf(out, capacity, "%s%s.sh_history", home, slash) >= capacity) return -1;
  return 0;
}

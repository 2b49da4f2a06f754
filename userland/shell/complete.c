#include "userland/shell/complete.h"

#include <string.h>
#include <sys/stat.h>

#include "userland/shell/builtins.h"
#include "userland/shell/platform.h"
#include "userland/shell/vars.h"

static bool starts_with(const char* s, const char* prefix) {
  return strncmp(s, prefix, strlen(prefix)) == 0;
}

static void complete_file(const char* word, sh_vec* out) {
  const char* slash = strrchr(word, '/');
  sh_buf dir = {0};
  const char* base = word;
  if (slash) {
    buf_append(&dir, word, (size_t)(slash - word) + 1);
    base = slash + 1;
  }
  sh_vec names = {0};
  if (platform_list_dir(dir.len ? dir.data : ".", &names) == 0) {
    for (size_t i = 0; i < names.len; i++) {
      const char* name = names.items[i];
      if (!starts_with(name, base) || (name[0] == '.' && base[0] != '.')) continue;
      sh_buf full = {0};
      buf_append(&full, dir.data ? dir.data : "", dir.len);
      buf_puts(&full, name);
      struct stat st;
      if (stat(full.data, &st) == 0 && S_ISDIR(st.st_mode)) buf_push(&full, '/');
      vec_push(out, buf_take(&full));
    }
  }
  vec_free(&names);
  buf_free(&dir);
}

static void complete_command(const char* word, sh_vec* out) {
  for (const char* const* b = sh_builtin_names(); *b; b++)
    if (starts_with(*b, word)) vec_push(out, sh_xstrdup(*b));
  const char* path = var_get("PATH");
  if (!path) path = "/bin";
  sh_buf dir = {0};
  for (const char* p = path;;) {
    size_t n = strcspn(p, ":");
    buf_clear(&dir);
    if (n)
      buf_append(&dir, p, n);
    else
      buf_puts(&dir, ".");
    sh_vec names = {0};
    if (platform_list_dir(dir.data, &names) == 0)
      for (size_t i = 0; i < names.len; i++)
        if (starts_with(names.items[i], word)) vec_push(out, sh_xstrdup(names.items[i]));
    vec_free(&names);
    if (!p[n]) break;
    p += n + 1;
  }
  buf_free(&dir);
}

void sh_complete(void* context, const char* word, bool command, sh_vec* candidates) {
  (void)context;
  if (command && !strchr(word, '/'))
    complete_command(word, candidates);
  else
    complete_file(word, candidates);
}

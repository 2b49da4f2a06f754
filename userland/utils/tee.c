/* tee: copies stdin to stdout and to every FILE. A FILE that cannot be
 * opened or written is reported and dropped; the others go on. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "userland/utils/lib/util.h"

static const struct util_program kProgram = {
    .name = "tee",
    .usage = "[-a] [FILE]...",
    .help =
        "Copies stdin to stdout and to each FILE (created, or truncated).\n"
        "  -a  append to the FILEs instead of truncating them\n"};

int main(int argc, char** argv) {
  util_begin(&kProgram);
  struct util_options o;
  util_options_init(&o, argc, argv);
  int append = 0;
  for (int c; (c = util_next_option(&o, "a")) != -1;) append = 1;
  const int count = argc - o.index;
  FILE** files = calloc(count > 0 ? (size_t)count : 1, sizeof(*files));
  if (files == NULL) {
    util_error("out of memory");
    return UTIL_FAILURE;
  }
  int status = UTIL_OK;
  for (int i = 0; i < count; ++i) {
    files[i] = fopen(argv[o.index + i], append ? "a" : "w");
    if (files[i] == NULL) {
      util_errno("%s", argv[o.index + i]);
      status = UTIL_FAILURE;
    }
  }
  char buffer[4096];
  /* read(2), not fread: what arrives is passed on at once, so a tee in a
   * pipeline does not hold back a slow writer's lines. */
  for (;;) {
    const ssize_t n = read(STDIN_FILENO, buffer, sizeof(buffer));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      util_errno("read error");
      status = UTIL_FAILURE;
    }
    if (n <= 0) break;
    fwrite(buffer, 1, (size_t)n, stdout);
    fflush(stdout);
    for (int i = 0; i < count; ++i) {
      if (files[i] != NULL && fwrite(buffer, 1, (size_t)n, files[i]) != (size_t)n) {
        util_errno("%s", argv[o.index + i]);
        fclose(files[i]);
        files[i] = NULL;
        status = UTIL_FAILURE;
      }
    }
  }
  for (int i = 0; i < count; ++i) {
    if (files[i] != NULL && fclose(files[i]) != 0) {
      util_errno("%s", argv[o.index + i]);
      status = UTIL_FAILURE;
    }
  }
  free(files);
  return util_finish(status);
}

/* mkdir: makes directories; -p makes the missing parents too and accepts
 * ones that exist. */
#include <errno.h>
#include <string.h>

#include "userland/utils/lib/fs.h"
#include "userland/utils/lib/util.h"

static const struct util_program kProgram = {
    .name = "mkdir",
    .usage = "[-p] DIRECTORY...",
    .help =
        "Makes each DIRECTORY.\n"
        "  -p  make missing parent directories too; an existing one is no error\n"};

static int parents;

static int make(const char* path) {
  struct fs_info info;
  if (parents && fs_stat(path, &info, 1) == 0 && info.is_directory) return 0;
  if (fs_mkdir(path) == 0) return 0;
  util_errno("cannot create directory '%s'", path);
  return -1;
}

static int make_with_parents(char* path) {
  for (char* p = path + 1; *p != '\0'; ++p) {
    if (*p != '/' || p[-1] == '/') continue;
    *p = '\0';
    const int result = make(path);
    *p = '/';
    if (result != 0) return -1;
  }
  return make(path);
}

int main(int argc, char** argv) {
  util_begin(&kProgram);
  struct util_options o;
  util_options_init(&o, argc, argv);
  for (int c; (c = util_next_option(&o, "p")) != -1;) parents = 1;
  if (o.index == argc) util_usage_error("missing operand");
  int status = UTIL_OK;
  for (int i = o.index; i < argc; ++i) {
    if ((parents ? make_with_parents(argv[i]) : make(argv[i])) != 0) status = UTIL_FAILURE;
  }
  return util_finish(status);
}

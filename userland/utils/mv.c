/* mv: renames files; into a directory when the last operand is one. */
#include <stdio.h>

#include "userland/utils/lib/fs.h"
#include "userland/utils/lib/util.h"

static const struct util_program kProgram = {
    .name = "mv",
    .usage = "SOURCE DEST | SOURCE... DIRECTORY",
    .help =
        "Renames SOURCE to DEST, or moves each SOURCE into DIRECTORY (within one\n"
        "file system).\n"};

int main(int argc, char** argv) {
  util_begin(&kProgram);
  struct util_options o;
  util_options_init(&o, argc, argv);
  util_next_option(&o, "");
  const int operands = argc - o.index;
  if (operands == 0) util_usage_error("missing file operand");
  if (operands == 1) util_usage_error("missing destination file operand after '%s'", argv[o.index]);
  const char* target = argv[argc - 1];
  struct fs_info info;
  const int into_directory = fs_stat(target, &info, 1) == 0 && info.is_directory;
  if (operands > 2 && !into_directory) util_usage_error("target '%s' is not a directory", target);
  int status = UTIL_OK;
  for (int i = o.index; i < argc - 1; ++i) {
    char to[1024];
    if (into_directory) {
      util_join_path(to, sizeof(to), target, util_base_name(argv[i]));
    } else {
      snprintf(to, sizeof(to), "%s", target);
    }
    if (fs_rename(argv[i], to) != 0) {
      util_errno("cannot move '%s' to '%s'", argv[i], to);
      status = UTIL_FAILURE;
    }
  }
  return util_finish(status);
}

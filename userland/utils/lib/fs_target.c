/* fs_each_target (fs.h): the one place cp and mv read their operands. */
#include <stdio.h>

#include "userland/utils/lib/fs.h"
#include "userland/utils/lib/util.h"

int fs_each_target(int argc, char** argv, int first,
                   int (*each)(const char* from, const char* to)) {
  const int operands = argc - first;
  if (operands == 0) util_usage_error("missing file operand");
  if (operands == 1) util_usage_error("missing destination file operand after '%s'", argv[first]);
  const char* target = argv[argc - 1];
  struct fs_info info;
  const int into_directory = fs_stat(target, &info, 1) == 0 && info.is_directory;
  if (operands > 2 && !into_directory) util_usage_error("target '%s' is not a directory", target);
  int status = UTIL_OK;
  for (int i = first; i < argc - 1; ++i) {
    char to[1024];
    if (into_directory) {
      util_join_path(to, sizeof(to), target, util_base_name(argv[i]));
    } else {
      snprintf(to, sizeof(to), "%s", target);
    }
    if (each(argv[i], to) != 0) status = UTIL_FAILURE;
  }
  return status;
}

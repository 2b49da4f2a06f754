/* rmdir: removes empty directories. */
#include "userland/utils/lib/fs.h"
#include "userland/utils/lib/util.h"

static const struct util_program kProgram = {
    .name = "rmdir",
    .usage = "DIRECTORY...",
    .help = "Removes each DIRECTORY, which must be empty.\n"};

int main(int argc, char** argv) {
  util_begin(&kProgram);
  const int first = util_operands(argc, argv);
  if (first == argc) util_usage_error("missing operand");
  int status = UTIL_OK;
  for (int i = first; i < argc; ++i) {
    if (fs_rmdir(argv[i]) != 0) {
      util_errno("failed to remove '%s'", argv[i]);
      status = UTIL_FAILURE;
    }
  }
  return util_finish(status);
}

/* rmdir: removes empty directories. */
#include "userland/utils/lib/fs.h"
#include "userland/utils/lib/util.h"

static const struct util_program kProgram = {
    .name = "rmdir",
    .usage = "DIRECTORY...",
    .help = "Removes each DIRECTORY, which must be empty.\n"};

int main(int argc, char** argv) {
  util_begin(&kProgram);
  struct util_options o;
  util_options_init(&o, argc, argv);
  util_next_option(&o, "");
  if (o.index == argc) util_usage_error("missing operand");
  int status = UTIL_OK;
  for (int i = o.index; i < argc; ++i) {
    if (fs_rmdir(argv[i]) != 0) {
      util_errno("failed to remove '%s'", argv[i]);
      status = UTIL_FAILURE;
    }
  }
  return util_finish(status);
}

/* touch: creates empty files, or sets existing files' times to now. */
#include "userland/utils/lib/fs.h"
#include "userland/utils/lib/util.h"

static const struct util_program kProgram = {
    .name = "touch",
    .usage = "FILE...",
    .help =
        "Sets each FILE's access and modification times to now; creates it\n"
        "(empty) if it does not exist.\n"};

int main(int argc, char** argv) {
  util_begin(&kProgram);
  const int first = util_operands(argc, argv);
  if (first == argc) util_usage_error("missing file operand");
  int status = UTIL_OK;
  for (int i = first; i < argc; ++i) {
    if (fs_touch(argv[i]) != 0) {
      util_errno("cannot touch '%s'", argv[i]);
      status = UTIL_FAILURE;
    }
  }
  return util_finish(status);
}

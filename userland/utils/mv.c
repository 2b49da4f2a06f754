/* mv: renames files; into a directory when the last operand is one. */
#include "userland/utils/lib/fs.h"
#include "userland/utils/lib/util.h"

static const struct util_program kProgram = {
    .name = "mv",
    .usage = "SOURCE DEST | SOURCE... DIRECTORY",
    .help =
        "Renames SOURCE to DEST, or moves each SOURCE into DIRECTORY (within one\n"
        "file system).\n"};

static int move(const char* from, const char* to) {
  if (fs_rename(from, to) == 0) return 0;
  util_errno("cannot move '%s' to '%s'", from, to);
  return -1;
}

int main(int argc, char** argv) {
  util_begin(&kProgram);
  return util_finish(fs_each_target(argc, argv, util_operands(argc, argv), move));
}

/* sync: everything written so far reaches the disk. */
#include <unistd.h>

#include "userland/utils/lib/util.h"

static const struct util_program kProgram = {
    .name = "sync", .usage = "", .help = "Writes every file system's changes to its disk.\n"};

int main(int argc, char** argv) {
  util_begin(&kProgram);
  util_no_operands(argc, argv);
  sync();
  return util_finish(UTIL_OK);
}

/* ln: makes links: hard ones by default, symbolic with -s; -f replaces a
 * name that exists. */
#include <errno.h>
#include <unistd.h>

#include "userland/utils/lib/fs.h"
#include "userland/utils/lib/util.h"

static const struct util_program kProgram = {
    .name = "ln",
    .usage = "[-sf] TARGET LINK | [-sf] TARGET... DIRECTORY",
    .help =
        "Makes LINK a new name for TARGET (or DIRECTORY/the base name of each TARGET).\n"
        "  -s  a symbolic link, holding TARGET as written\n"
        "  -f  remove an existing LINK first\n"};

static int symbolic, force;

static int make(const char* target, const char* name) {
  if (force && unlink(name) != 0 && errno != ENOENT) {
    util_errno("cannot remove '%s'", name);
    return -1;
  }
  if ((symbolic ? symlink(target, name) : link(target, name)) == 0) return 0;
  util_errno("failed to create %s link '%s' -> '%s'", symbolic ? "symbolic" : "hard", name, target);
  return -1;
}

int main(int argc, char** argv) {
  util_begin(&kProgram);
  struct util_options o;
  util_options_init(&o, argc, argv);
  for (int c; (c = util_next_option(&o, "sf")) != -1;) {
    if (c == 's') symbolic = 1;
    if (c == 'f') force = 1;
  }
  return util_finish(fs_each_target(argc, argv, o.index, make));
}

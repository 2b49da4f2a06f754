/* rm: removes files; -r directories with everything in them. */
#include <errno.h>
#include <string.h>

#include "userland/utils/lib/fs.h"
#include "userland/utils/lib/util.h"

static const struct util_program kProgram = {
    .name = "rm",
    .usage = "[-rf] FILE...",
    .help =
        "Removes each FILE.\n"
        "  -r  remove directories and their contents (-R too)\n"
        "  -f  ignore files that do not exist; never a usage error for none\n"};

static int recursive, force;

static int remove_path(const char* path) {
  struct fs_info info;
  if (fs_stat(path, &info, 0) != 0) {
    if (force && errno == ENOENT) return 0;
    util_errno("cannot remove '%s'", path);
    return -1;
  }
  if (info.is_directory) {
    if (!recursive) {
      errno = EISDIR;
      util_errno("cannot remove '%s'", path);
      return -1;
    }
    struct fs_dir* dir = fs_dir_open(path);
    if (dir == NULL) {
      util_errno("cannot remove '%s'", path);
      return -1;
    }
    int result = 0;
    for (const char* name; (name = fs_dir_next(dir)) != NULL;) {
      char child[1024];
      util_join_path(child, sizeof(child), path, name);
      if (remove_path(child) != 0) result = -1;
    }
    if (errno != 0) {
      util_errno("cannot read directory '%s'", path);
      result = -1;
    }
    fs_dir_close(dir);
    if (result != 0) return -1;
    if (fs_rmdir(path) == 0) return 0;
  } else if (fs_unlink(path) == 0) {
    return 0;
  }
  util_errno("cannot remove '%s'", path);
  return -1;
}

int main(int argc, char** argv) {
  util_begin(&kProgram);
  struct util_options o;
  util_options_init(&o, argc, argv);
  for (int c; (c = util_next_option(&o, "rRf")) != -1;) {
    recursive |= c == 'r' || c == 'R';
    force |= c == 'f';
  }
  if (o.index == argc && !force) util_usage_error("missing operand");
  int status = UTIL_OK;
  for (int i = o.index; i < argc; ++i) {
    const char* base = util_base_name(argv[i]);
    if (strcmp(base, ".") == 0 || strcmp(base, "..") == 0 || strcmp(argv[i], "/") == 0) {
      util_error("refusing to remove '%s'", argv[i]);
      status = UTIL_FAILURE;
    } else if (remove_path(argv[i]) != 0) {
      status = UTIL_FAILURE;
    }
  }
  return util_finish(status);
}

/* cp: copies files; into a directory when the last operand is one; -r
 * copies directories with everything in them. */
#include <errno.h>
#include <stdio.h>
#include <unistd.h>

#include "userland/utils/lib/fs.h"
#include "userland/utils/lib/util.h"

static const struct util_program kProgram = {
    .name = "cp",
    .usage = "[-r] SOURCE DEST | [-r] SOURCE... DIRECTORY",
    .help =
        "Copies SOURCE to DEST, or each SOURCE into DIRECTORY.\n"
        "  -r  copy directories and their contents (-R too)\n"};

static int recursive;

static int write_all(int fd, const char* bytes, size_t size) {
  while (size > 0) {
    const ssize_t n = write(fd, bytes, size);
    if (n < 0) return -1;
    bytes += n;
    size -= (size_t)n;
  }
  return 0;
}

/* The copy gets the source's permission bits, less the umask (POSIX). */
static int copy_file(const char* from, const char* to, uint32_t mode) {
  FILE* in = fopen(from, "r");
  if (in == NULL) {
    util_errno("cannot open '%s' for reading", from);
    return -1;
  }
  const int out = fs_create(to, mode & 0777);
  if (out < 0) {
    util_errno("cannot create regular file '%s'", to);
    fclose(in);
    return -1;
  }
  int result = 0;
  char buffer[8192];
  for (size_t n; (n = fread(buffer, 1, sizeof(buffer), in)) > 0;) {
    if (write_all(out, buffer, n) != 0) {
      util_errno("error writing '%s'", to);
      result = -1;
      break;
    }
  }
  if (ferror(in)) {
    util_errno("error reading '%s'", from);
    result = -1;
  }
  fclose(in);
  if (close(out) != 0 && result == 0) {
    util_errno("error writing '%s'", to);
    result = -1;
  }
  return result;
}

static int copy(const char* from, const char* to) {
  struct fs_info info;
  if (fs_stat(from, &info, 1) != 0) {
    util_errno("cannot stat '%s'", from);
    return -1;
  }
  if (!info.is_directory) return copy_file(from, to, info.mode);
  if (!recursive) {
    util_error("-r not specified; omitting directory '%s'", from);
    return -1;
  }
  struct fs_info existing;
  if (fs_mkdir(to) != 0 &&
      !(errno == EEXIST && fs_stat(to, &existing, 1) == 0 && existing.is_directory)) {
    util_errno("cannot create directory '%s'", to);
    return -1;
  }
  struct fs_dir* dir = fs_dir_open(from);
  if (dir == NULL) {
    util_errno("cannot open directory '%s'", from);
    return -1;
  }
  int result = 0;
  for (const char* name; (name = fs_dir_next(dir)) != NULL;) {
    char child_from[1024], child_to[1024];
    util_join_path(child_from, sizeof(child_from), from, name);
    util_join_path(child_to, sizeof(child_to), to, name);
    if (copy(child_from, child_to) != 0) result = -1;
  }
  if (errno != 0) {
    util_errno("cannot read directory '%s'", from);
    result = -1;
  }
  fs_dir_close(dir);
  return result;
}

int main(int argc, char** argv) {
  util_begin(&kProgram);
  struct util_options o;
  util_options_init(&o, argc, argv);
  for (int c; (c = util_next_option(&o, "rR")) != -1;) recursive = 1;
  return util_finish(fs_each_target(argc, argv, o.index, copy));
}

/* ls: the entries of directories, sorted by name; -l adds mode, size and
 * modification time. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "userland/utils/lib/fs.h"
#include "userland/utils/lib/util.h"

static const struct util_program kProgram = {
    .name = "ls",
    .usage = "[-1al] [FILE]...",
    .help =
        "Lists each directory FILE's entries (none: \".\"), sorted by name, and\n"
        "names each other FILE; with more than one operand, each directory\n"
        "after a \"DIR:\" header.\n"
        "  -1  one name per line (the only layout)\n"
        "  -a  include names that start with '.'\n"
        "  -l  long form: mode, size in bytes, modification time (UTC), name\n"};

static int all, long_form;

static void print_entry(const char* path, const char* name) {
  if (!long_form) {
    puts(name);
    return;
  }
  struct fs_info info;
  if (fs_stat(path, &info, 0) != 0) {
    util_errno("cannot access '%s'", path);
    return;
  }
  char mode[11] = "----------";
  mode[0] = info.is_directory ? 'd' : info.is_symlink ? 'l' : '-';
  for (int i = 0; i < 9; ++i) {
    if (info.mode & (0400u >> i)) mode[1 + i] = "rwx"[i % 3];
  }
  const time_t mtime = (time_t)info.mtime;
  char when[32];
  strftime(when, sizeof(when), "%Y-%m-%d %H:%M", gmtime(&mtime));
  printf("%s %10llu %s %s\n", mode, (unsigned long long)info.size, when, name);
}

static int list_directory(const char* path) {
  struct fs_names names;
  const int listed = fs_dir_sorted(path, &names);
  if (listed < 0) {
    util_errno("cannot open directory '%s'", path);
    fs_names_free(&names);
    return UTIL_FAILURE;
  }
  if (listed > 0) util_errno("cannot read directory '%s'", path);
  for (size_t i = 0; i < names.count; ++i) {
    if (!all && names.names[i][0] == '.') continue;
    char full[1024];
    util_join_path(full, sizeof(full), path, names.names[i]);
    print_entry(full, names.names[i]);
  }
  fs_names_free(&names);
  return listed == 0 ? UTIL_OK : UTIL_FAILURE;
}

int main(int argc, char** argv) {
  util_begin(&kProgram);
  struct util_options o;
  util_options_init(&o, argc, argv);
  for (int c; (c = util_next_option(&o, "1al")) != -1;) {
    all |= c == 'a';
    long_form |= c == 'l';
  }
  if (o.index == argc) return util_finish(list_directory("."));
  /* Files first, then directories, each group in the order given. */
  int status = UTIL_OK, directories = 0;
  for (int i = o.index; i < argc; ++i) {
    struct fs_info info;
    if (fs_stat(argv[i], &info, 1) != 0) {
      util_errno("cannot access '%s'", argv[i]);
      status = UTIL_FAILURE;
    } else if (info.is_directory) {
      ++directories;
    } else {
      print_entry(argv[i], argv[i]);
    }
  }
  const int headers = argc - o.index > 1;
  int shown = argc - o.index - directories;
  for (int i = o.index; i < argc; ++i) {
    struct fs_info info;
    if (fs_stat(argv[i], &info, 1) != 0 || !info.is_directory) continue;
    if (headers) printf("%s%s:\n", shown++ > 0 ? "\n" : "", argv[i]);
    if (list_directory(argv[i]) != UTIL_OK) status = UTIL_FAILURE;
  }
  return util_finish(status);
}

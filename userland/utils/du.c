/* du: the space files and directory trees take, in KiB, from the blocks
 * the file system reports (st_blocks, 512 bytes each), not their sizes:
 * a sparse or small file counts what it really holds. Symbolic links are
 * not followed; a file with several links counts once; a directory's
 * entries are visited in name order. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "userland/utils/lib/fs.h"
#include "userland/utils/lib/util.h"

/* ViperDOS's libc has it; picolibc declares it only for some systems. */
int lstat(const char* path, struct stat* status);

static const struct util_program kProgram = {
    .name = "du",
    .usage = "[-ask] [FILE]...",
    .help =
        "Writes the disk space, in KiB, of each directory below each FILE (none:\n"
        "\".\") and of the FILE itself, after its contents.\n"
        "  -a  every file too, not only directories\n"
        "  -s  only each FILE's total\n"
        "  -k  in KiB (the default, accepted)\n"};

static int all, summary;
static int status = UTIL_OK;

/* Files with more than one link already counted: a file's blocks count
 * once, at its first name, as coreutils. */
struct file_id {
  dev_t device;
  ino_t inode;
};
static struct file_id* seen;
static size_t seen_count, seen_capacity;

/* Whether (device, inode) was counted before; remembers it if not. */
static int counted_before(const struct stat* s) {
  for (size_t i = 0; i < seen_count; ++i) {
    if (seen[i].device == s->st_dev && seen[i].inode == s->st_ino) return 1;
  }
  if (seen_count == seen_capacity) {
    const size_t grown = seen_capacity ? seen_capacity * 2 : 16;
    struct file_id* bigger = realloc(seen, grown * sizeof(*seen));
    if (bigger == NULL) return 0; /* out of memory: counted again, not lost */
    seen = bigger;
    seen_capacity = grown;
  }
  seen[seen_count++] = (struct file_id){s->st_dev, s->st_ino};
  return 0;
}

/* The 512-byte blocks below `path` (summed before rounding, as coreutils);
 * prints the lines `depth` asks for. */
static unsigned long long walk(const char* path, int depth) {
  struct stat s;
  if (lstat(path, &s) != 0) {
    util_errno("cannot access '%s'", path);
    status = UTIL_FAILURE;
    return 0;
  }
  if (!S_ISDIR(s.st_mode) && s.st_nlink > 1 && counted_before(&s)) return 0;
  unsigned long long blocks = (unsigned long long)s.st_blocks;
  if (S_ISDIR(s.st_mode)) {
    struct fs_names names;
    const int listed = fs_dir_sorted(path, &names);
    if (listed != 0) {
      util_errno("cannot read directory '%s'", path);
      status = UTIL_FAILURE;
    }
    for (size_t i = 0; i < names.count; ++i) {
      char child[1024];
      util_join_path(child, sizeof(child), path, names.names[i]);
      blocks += walk(child, depth + 1);
    }
    fs_names_free(&names);
  }
  if (depth == 0 || (!summary && (all || S_ISDIR(s.st_mode)))) {
    printf("%llu\t%s\n", (blocks + 1) / 2, path);
  }
  return blocks;
}

int main(int argc, char** argv) {
  util_begin(&kProgram);
  struct util_options o;
  util_options_init(&o, argc, argv);
  for (int c; (c = util_next_option(&o, "ask")) != -1;) {
    if (c == 'a') all = 1;
    if (c == 's') summary = 1;
  }
  if (all && summary) util_usage_error("cannot both summarize and show all entries");
  if (o.index == argc) {
    walk(".", 0);
  } else {
    for (int i = o.index; i < argc; ++i) walk(argv[i], 0);
  }
  return util_finish(status);
}

/* find: walks each PATH's tree, depth first, each directory's entries in
 * name order (so the output does not depend on the file system's order),
 * and prints the names for which every test of the expression holds. The
 * tests are ANDed in the order given; without a -print, one is added at
 * the end. Symbolic links are not followed. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "userland/utils/lib/fnmatch.h"
#include "userland/utils/lib/fs.h"
#include "userland/utils/lib/util.h"

/* ViperDOS's libc has it; picolibc declares it only for some systems. */
int lstat(const char* path, struct stat* status);

static const struct util_program kProgram = {
    .name = "find",
    .usage = "[PATH]... [-maxdepth N] [-mindepth N] [-name PATTERN] [-type f|d|l] [-print]",
    .help =
        "Writes the names below each PATH (none: \".\"), itself first, for which the\n"
        "tests hold, all of them, in the order given.\n"
        "  -name PATTERN  the last component matches PATTERN (* ? [...], quote it)\n"
        "  -type f|d|l    a regular file, a directory, a symbolic link\n"
        "  -print         write the name (added at the end when there is none)\n"
        "  -maxdepth N    descend at most N levels below PATH (0: PATH only)\n"
        "  -mindepth N    test nothing less than N levels below PATH\n"};

enum kind { kName, kType, kPrint };

struct test {
  enum kind kind;
  const char* pattern; /* kName */
  char type;           /* kType: 'f', 'd' or 'l' */
};

enum { kMaxTests = 32 };
static struct test tests[kMaxTests];
static int test_count;
static uint64_t max_depth = UINT64_MAX, min_depth;
static int status = UTIL_OK;

static char type_of(mode_t mode) {
  return S_ISDIR(mode) ? 'd' : S_ISLNK(mode) ? 'l' : S_ISREG(mode) ? 'f' : '?';
}

static void evaluate(const char* path, mode_t mode) {
  const char* start;
  const size_t length = util_last_component(path, &start); /* "a/b/" is "b" */
  char base[256];
  snprintf(base, sizeof(base), "%.*s", (int)length, start);
  for (int i = 0; i < test_count; ++i) {
    const struct test* t = &tests[i];
    if (t->kind == kName && !fnmatch_match(t->pattern, base)) return;
    if (t->kind == kType && t->type != type_of(mode)) return;
    if (t->kind == kPrint) printf("%s\n", path);
  }
}

static void walk(const char* path, uint64_t depth) {
  struct stat s;
  if (lstat(path, &s) != 0) {
    util_errno("'%s'", path);
    status = UTIL_FAILURE;
    return;
  }
  if (depth >= min_depth) evaluate(path, s.st_mode);
  if (!S_ISDIR(s.st_mode) || depth >= max_depth) return;
  struct fs_names names;
  if (fs_dir_sorted(path, &names) != 0) {
    util_errno("'%s'", path);
    status = UTIL_FAILURE;
  }
  for (size_t i = 0; i < names.count; ++i) {
    char child[1024];
    util_join_path(child, sizeof(child), path, names.names[i]);
    walk(child, depth + 1);
  }
  fs_names_free(&names);
}

static const char* argument(int argc, char** argv, int* i) {
  if (*i + 1 >= argc) util_usage_error("missing argument to '%s'", argv[*i]);
  return argv[++*i];
}

static void add_test(struct test t) {
  if (test_count == kMaxTests) util_usage_error("too many tests");
  tests[test_count++] = t;
}

int main(int argc, char** argv) {
  util_begin(&kProgram);
  int first = 1;
  if (first < argc && strcmp(argv[first], "--help") == 0) util_help();
  if (first < argc && strcmp(argv[first], "--") == 0) ++first;
  int paths_end = first;
  while (paths_end < argc && argv[paths_end][0] != '-') ++paths_end;
  int printing = 0;
  for (int i = paths_end; i < argc; ++i) {
    const char* word = argv[i];
    if (strcmp(word, "-name") == 0) {
      add_test((struct test){.kind = kName, .pattern = argument(argc, argv, &i)});
    } else if (strcmp(word, "-type") == 0) {
      const char* type = argument(argc, argv, &i);
      if (strlen(type) != 1 || strchr("fdl", type[0]) == NULL) {
        util_usage_error("invalid argument '%s' to '-type'", type);
      }
      add_test((struct test){.kind = kType, .type = type[0]});
    } else if (strcmp(word, "-print") == 0) {
      add_test((struct test){.kind = kPrint});
      printing = 1;
    } else if (strcmp(word, "-maxdepth") == 0) {
      max_depth = util_parse_number(argument(argc, argv, &i), "-maxdepth", UINT32_MAX);
    } else if (strcmp(word, "-mindepth") == 0) {
      min_depth = util_parse_number(argument(argc, argv, &i), "-mindepth", UINT32_MAX);
    } else if (word[0] == '-') {
      util_usage_error("unknown predicate '%s'", word);
    } else {
      util_usage_error("paths must precede expression: '%s'", word);
    }
  }
  if (!printing) add_test((struct test){.kind = kPrint});
  if (paths_end == first) {
    walk(".", 0);
  } else {
    for (int i = first; i < paths_end; ++i) walk(argv[i], 0);
  }
  return util_finish(status);
}

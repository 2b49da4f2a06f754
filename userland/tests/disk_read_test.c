/* Files made on the host read byte-exact in the guest: the image of
 * testing/disk/interop_image.py (mke2fs -d: a dense file into the double
 * indirect blocks, a sparse one into the triple indirect range and past
 * 4 GiB, holes, 5 000 entries in a directory, hard links, symbolic links,
 * odd names) mounted by fsd as "/" (etc/disk-read-test.conf). The guest
 * describes every entry it finds, in the manifest's own line format, and
 * the lists must be equal: /.manifest/MANIFEST is e2fsprogs' reading of
 * the same image and the host's checksums of the same bytes. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "userland/testing/utest.h"
#include "userland/utils/lib/crc.h"

int lstat(const char* path, struct stat* status);

#define MANIFEST "/.manifest/MANIFEST"
#define WHOLE_LIMIT (64ull << 20) /* as interop_image.py: larger files by region */

struct lines {
  char** at;
  size_t count, capacity;
};

static void add_line(struct lines* l, const char* text) {
  if (l->count == l->capacity) {
    l->capacity = l->capacity ? 2 * l->capacity : 1024;
    l->at = realloc(l->at, l->capacity * sizeof(char*));
  }
  l->at[l->count++] = strdup(text);
}

static int by_bytes(const void* a, const void* b) {
  return strcmp(*(char* const*)a, *(char* const*)b);
}

/* The manifest's lines: entries into `entries`, region lines into `regions`. */
static int load_manifest(struct lines* entries, struct lines* regions) {
  FILE* f = fopen(MANIFEST, "r");
  if (!f) return -1;
  static char line[4096];
  while (fgets(line, sizeof(line), f)) {
    line[strcspn(line, "\n")] = 0;
    add_line(strncmp(line, "region\t", 7) == 0 ? regions : entries, line);
  }
  fclose(f);
  return 0;
}

/* The POSIX cksum of `length` bytes from `offset` (pread), or -1. */
static int64_t range_cksum(int fd, uint64_t offset, uint64_t length) {
  static unsigned char buffer[65536];
  struct crc_state s;
  crc_begin(&s);
  while (length > 0) {
    const size_t want = length < sizeof(buffer) ? (size_t)length : sizeof(buffer);
    const ssize_t n = pread(fd, buffer, want, (off_t)offset);
    if (n <= 0) return -1;
    crc_add(&s, buffer, (size_t)n);
    offset += (uint64_t)n;
    length -= (uint64_t)n;
  }
  return crc_end(&s);
}

/* A file's cksum read with read() to the end, or -1. */
static int64_t file_cksum(const char* path) {
  const int fd = open(path, O_RDONLY);
  if (fd < 0) return -1;
  static unsigned char buffer[65536];
  struct crc_state s;
  crc_begin(&s);
  ssize_t n;
  while ((n = read(fd, buffer, sizeof(buffer))) > 0) crc_add(&s, buffer, (size_t)n);
  close(fd);
  return n < 0 ? -1 : crc_end(&s);
}

struct entry {
  char* path;
  struct stat st;
  char content[512];
};

struct entries {
  struct entry* at;
  size_t count, capacity;
};

static int failures_seen;

static void walk(struct entries* out, const char* path) {
  struct stat st;
  if (lstat(path, &st) != 0) {
    utest_log("lstat %s: %s", path, strerror(errno));
    ++failures_seen;
    return;
  }
  if (out->count == out->capacity) {
    out->capacity = out->capacity ? 2 * out->capacity : 1024;
    out->at = realloc(out->at, out->capacity * sizeof(struct entry));
  }
  struct entry* e = &out->at[out->count++];
  e->path = strdup(path);
  e->st = st;
  e->content[0] = 0;
  if (S_ISLNK(st.st_mode)) {
    const ssize_t n = readlink(path, e->content, sizeof(e->content) - 1);
    e->content[n < 0 ? 0 : n] = 0;
    if (n < 0) snprintf(e->content, sizeof(e->content), "readlink: %s", strerror(errno));
  } else if (S_ISREG(st.st_mode)) {
    if ((uint64_t)st.st_size > WHOLE_LIMIT) {
      strcpy(e->content, "-");
    } else {
      snprintf(e->content, sizeof(e->content), "%lld", (long long)file_cksum(path));
    }
  } else if (S_ISDIR(st.st_mode)) {
    DIR* d = opendir(path);
    if (!d) {
      snprintf(e->content, sizeof(e->content), "opendir: %s", strerror(errno));
      return;
    }
    long count = 0;
    struct lines names = {0};
    for (struct dirent* de; (de = readdir(d));) {
      if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0) continue;
      ++count;
      add_line(&names, de->d_name);
    }
    closedir(d);
    /* e may move as the walk grows the array: its index from here on. */
    const size_t self = (size_t)(e - out->at);
    for (size_t i = 0; i < names.count; ++i) {
      char child[1024]; /* on the stack: the walk recurses */
      snprintf(child, sizeof(child), "%s/%s", strcmp(path, "/") == 0 ? "" : path, names.at[i]);
      /* The manifest describes the rest, not itself; /bin and /boot are
       * the boot archive's mounts, not the disk's. */
      const int mount = strcmp(child, "/bin") == 0 || strcmp(child, "/boot") == 0;
      if (mount) --count;
      if (strncmp(child, "/.manifest/", 11) != 0 && !mount) walk(out, child);
      free(names.at[i]);
    }
    free(names.at);
    snprintf(out->at[self].content, sizeof(out->at[self].content), "%ld", count);
  }
}

static int by_path(const void* a, const void* b) {
  return strcmp(((const struct entry*)a)->path, ((const struct entry*)b)->path);
}

/* The guest's lines, in the manifest's format. */
static void describe(struct entries* all, struct lines* out) {
  qsort(all->at, all->count, sizeof(struct entry), by_path);
  static char line[8192];
  for (size_t i = 0; i < all->count; ++i) {
    const struct entry* e = &all->at[i];
    const struct stat* st = &e->st;
    const char kind = S_ISREG(st->st_mode)   ? 'f'
                      : S_ISDIR(st->st_mode) ? 'd'
                      : S_ISLNK(st->st_mode) ? 'l'
                                             : '?';
    int n = snprintf(line, sizeof(line), "%s\t%c %o %lu %lld %lld %s", e->path, kind,
                     (unsigned)(st->st_mode & 07777), (unsigned long)st->st_nlink,
                     (long long)st->st_size, (long long)st->st_blocks, e->content);
    if (kind == 'f' && st->st_nlink > 1) {
      /* The first (bytewise) name of the same inode: the sort put it first. */
      for (size_t j = 0; j <= i; ++j) {
        if (all->at[j].st.st_ino == st->st_ino && S_ISREG(all->at[j].st.st_mode)) {
          snprintf(line + n, sizeof(line) - (size_t)n, " =%s", all->at[j].path);
          break;
        }
      }
    }
    add_line(out, line);
  }
  qsort(out->at, out->count, sizeof(char*), by_bytes);
}

static struct lines expected_entries, expected_regions;

UTEST(interop, the_manifest_is_there) {
  UASSERT(load_manifest(&expected_entries, &expected_regions) == 0);
  UEXPECT(expected_entries.count > 1000);
  UEXPECT(expected_regions.count > 0);
}

UTEST(interop, every_entry_reads_as_the_host_made_it) {
  struct entries all = {0};
  walk(&all, "/");
  UEXPECT_EQ(failures_seen, 0);
  struct lines got = {0};
  describe(&all, &got);
  size_t i = 0, j = 0;
  int shown = 0;
  while (i < got.count || j < expected_entries.count) {
    const int order = i == got.count                ? 1
                      : j == expected_entries.count ? -1
                                                    : strcmp(got.at[i], expected_entries.at[j]);
    if (order == 0) {
      ++i, ++j;
      continue;
    }
    /* Lines of one path that differ are shown side by side. */
    if (shown++ < 12) {
      utest_log("%s: %s", order < 0 ? "guest has" : "host has ",
                order < 0 ? got.at[i] : expected_entries.at[j]);
    }
    order < 0 ? ++i : ++j;
  }
  UEXPECT_EQ(shown, 0);
  UEXPECT_EQ(got.count, expected_entries.count);
  utest_log("interop: %zu entries as the host made them", got.count - (size_t)shown);
}

UTEST(interop, large_file_regions_read_as_the_host_made_them) {
  for (size_t i = 0; i < expected_regions.count; ++i) {
    char path[1024];
    unsigned long long offset, length, crc;
    UASSERT(sscanf(expected_regions.at[i], "region\t%1023[^\t]\t%llu %llu %llu", path, &offset,
                   &length, &crc) == 4);
    const int fd = open(path, O_RDONLY);
    UASSERT(fd >= 0);
    const int64_t got = range_cksum(fd, offset, length);
    if (!UEXPECT_EQ(got, (int64_t)crc)) utest_log("region %s @%llu+%llu", path, offset, length);
    close(fd);
  }
}

UTEST(interop, reads_past_the_end_and_bad_names_fail_cleanly) {
  const int fd = open("/sparse/huge", O_RDONLY);
  UASSERT(fd >= 0);
  struct stat st;
  UASSERT(fstat(fd, &st) == 0);
  char byte;
  UEXPECT_EQ(pread(fd, &byte, 1, st.st_size), 0);            /* at the end: nothing */
  UEXPECT_EQ(pread(fd, &byte, 1, st.st_size + 4096), 0);     /* past it: nothing */
  UEXPECT(pread(fd, &byte, 1, -1) == -1 && errno == EINVAL); /* a negative offset */
  close(fd);
  char name[300];
  memset(name, 'n', sizeof(name));
  memcpy(name, "/odd/", 5);
  name[5 + 256] = 0; /* one byte over ext2's 255 */
  UEXPECT(open(name, O_RDONLY) == -1 && errno == ENAMETOOLONG);
  UEXPECT(open("/many/entry-5000", O_RDONLY) == -1 && errno == ENOENT);
  UEXPECT(open("/links/dangling", O_RDONLY) == -1 && errno == ENOENT);
  UEXPECT(open("/many/entry-0001/x", O_RDONLY) == -1 && errno == ENOTDIR);
}

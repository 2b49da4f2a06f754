/* The file-system operations the file utilities need, behind one seam:
 * fs_posix.c, on the host and on ViperDOS (whose libc serves the disk and
 * the read-only boot archive: a change there fails with EROFS), and
 * fs_viperdos.c, the boot archive alone (its host test's model). The
 * system's names: system_name_posix.c, system_name_viperdos.c.
 *
 * Each returns 0 (or a value) on success and -1 with errno on failure. */
#ifndef VIPERDOS_UTILS_FS_H_
#define VIPERDOS_UTILS_FS_H_

#include <stddef.h>
#include <stdint.h>

struct fs_info {
  int is_directory;
  int is_symlink;
  uint64_t size;
  int64_t mtime; /* seconds since 1970 */
  uint32_t mode; /* permission bits */
};

/* `follow` = 0 describes a symbolic link itself (rm, cp), 1 its target. */
int fs_stat(const char* path, struct fs_info* info, int follow);

/* Directory entries, without "." and "..", in no particular order. */
struct fs_dir;
struct fs_dir* fs_dir_open(const char* path);
/* The next entry's name (valid until the next call); NULL at the end
 * (errno 0) or on an error (errno says which), as readdir. */
const char* fs_dir_next(struct fs_dir* dir);
void fs_dir_close(struct fs_dir* dir);

/* A directory's names (without "." and ".."), sorted bytewise
 * (fs_sorted.c). Returns 0; -1 with errno if it cannot be opened; 1 with
 * errno if reading it failed part way (`names` holds what was read).
 * Free with fs_names_free in every case. */
struct fs_names {
  char** names;
  size_t count;
};
int fs_dir_sorted(const char* path, struct fs_names* names);
void fs_names_free(struct fs_names* names);

int fs_mkdir(const char* path);
int fs_rmdir(const char* path);
int fs_unlink(const char* path);
int fs_rename(const char* from, const char* to);
/* Creates an empty file if there is none; sets its times to now. */
int fs_touch(const char* path);
/* A descriptor open for writing `path`, created (with `mode`, less the
 * umask) or truncated. */
int fs_create(const char* path, uint32_t mode);
/* Sets the permission bits (07777) of `path`, links followed. */
int fs_chmod(const char* path, uint32_t mode);

/* cp's and mv's operands from `first`: SOURCE DEST, or SOURCE...
 * DIRECTORY (each to DIRECTORY/its base name). Wrong counts are usage
 * errors; calls `each` for every pair and returns 1 if any failed. */
int fs_each_target(int argc, char** argv, int first, int (*each)(const char* from, const char* to));

/* The system's names, as uname(2) has them. */
struct fs_system_name {
  char sysname[32];
  char nodename[64];
  char release[64];
  char version[64];
  char machine[32];
};
int fs_system_name(struct fs_system_name* name);

#endif /* VIPERDOS_UTILS_FS_H_ */

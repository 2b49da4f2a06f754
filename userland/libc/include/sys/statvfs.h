/* statvfs (POSIX): picolibc has none, ViperDOS's disk can say. */
#ifndef VIPERDOS_SYS_STATVFS_H_
#define VIPERDOS_SYS_STATVFS_H_

#include <sys/types.h> /* fsblkcnt_t, fsfilcnt_t */

#ifdef __cplusplus
extern "C" {
#endif

struct statvfs {
  unsigned long f_bsize;  /* block size */
  unsigned long f_frsize; /* fundamental block size: the same */
  fsblkcnt_t f_blocks, f_bfree, f_bavail;
  fsfilcnt_t f_files, f_ffree, f_favail;
  unsigned long f_fsid;
  unsigned long f_flag; /* ST_RDONLY */
  unsigned long f_namemax;
};

#define ST_RDONLY 1ul
#define ST_NOSUID 2ul

int statvfs(const char* path, struct statvfs* out);
int fstatvfs(int fd, struct statvfs* out);

#ifdef __cplusplus
}
#endif

#endif /* VIPERDOS_SYS_STATVFS_H_ */

/* Directories (POSIX <dirent.h>): picolibc ships the interface but no
 * struct dirent for a bare-metal target, so ViperDOS defines both here.
 * opendir/readdir/closedir list the boot archive's directories
 * (userland/libc/dirent.c). */
#ifndef _DIRENT_H_
#define _DIRENT_H_

#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif

#define DT_UNKNOWN 0
#define DT_FIFO 1
#define DT_CHR 2
#define DT_DIR 4
#define DT_REG 8
#define DT_LNK 10

#define MAXNAMLEN 255

struct dirent {
  ino_t d_ino;          /* the entry's position in its directory, from 1 */
  unsigned char d_type; /* DT_REG or DT_DIR */
  char d_name[MAXNAMLEN + 1];
};

typedef struct __viper_dir DIR;

DIR* opendir(const char* path);
struct dirent* readdir(DIR* directory);
void rewinddir(DIR* directory);
int closedir(DIR* directory);
int dirfd(DIR* directory);

#ifdef __cplusplus
}
#endif

#endif /* _DIRENT_H_ */

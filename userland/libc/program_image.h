/* Programs on the disk. The kernel loads the boot archive's programs by
 * name; any other program file libc reads into a memory object and hands
 * over with the spawn or exec (viper_spawn_args.image). Internal to libc. */
#ifndef VIPERDOS_LIBC_PROGRAM_IMAGE_H_
#define VIPERDOS_LIBC_PROGRAM_IMAGE_H_

#include <stdint.h>
#include <viperdos/viper.h>

struct program_image {
  viper_handle_t vmo; /* 0: none (a program of the archive) */
  uint64_t bytes;
};

/* The file at `path` (on the disk) read into a new memory object: 0, or
 * -EACCES when it is not a regular file with an execute bit, -ENOEXEC
 * when it is empty, -EFBIG beyond VIPER_SPAWN_IMAGE_MAX, -ENOMEM, or the
 * error opening or reading it. */
int __viper_program_image(const char* path, struct program_image* image);

/* Whether `path` names a program spawn or exec may try: a file of the
 * archive, or a regular file with an execute bit on the disk. */
int __viper_is_program(const char* path);

struct script;

/* What spawn and exec hand the kernel for `path`: a program of the archive
 * by its name; on the disk, a script's interpreter (of the archive; *argv
 * becomes the script's) or the file read into `image`, `name` then only
 * the program's name. 0 or -errno. */
int __viper_find_program(const char* path, char* const** argv, struct script* script,
                         struct program_image* image, char name[]);

/* Closes the object (a zeroed struct program_image is fine). */
void __viper_program_image_free(struct program_image* image);

#endif /* VIPERDOS_LIBC_PROGRAM_IMAGE_H_ */

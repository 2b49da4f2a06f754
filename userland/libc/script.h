/* Scripts as programs: a file whose first line is `#!INTERPRETER
 * [ARGUMENT]` runs as INTERPRETER [ARGUMENT] PATH ARGV[1]..., as Linux's
 * execve runs it (everything after the interpreter is one argument). The
 * kernel loads ELF files only, so libc reads the line itself: posix_spawn
 * and execve ask for it when the kernel refused a file of the archive as
 * no ELF, and before reading a file on the disk in as a program
 * (program_image.h). One level: the interpreter must be a program of the
 * archive, not another script (ENOEXEC). */
#ifndef VIPERDOS_LIBC_SCRIPT_H_
#define VIPERDOS_LIBC_SCRIPT_H_

#include <stdint.h>

#define SCRIPT_LINE_MAX 256 /* Linux's BINPRM_BUF_SIZE: a longer line is cut */

struct script {
  char line[SCRIPT_LINE_MAX]; /* the first line, split in place */
  char** argv;                /* malloc'd: interpreter, [argument], path, argv[1..], NULL */
  uint64_t argc;
};

/* 1 with *s filled when `path` is a script, 0 when it is not one or cannot
 * be read, -ENOMEM. `path` and argv's strings must outlive s->argv. */
int __viper_script(struct script* s, const char* path, char* const argv[]);

/* Frees what __viper_script allocated (a zeroed struct script is fine). */
void __viper_script_free(struct script* s);

#endif /* VIPERDOS_LIBC_SCRIPT_H_ */

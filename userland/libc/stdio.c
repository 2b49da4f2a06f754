/* stdin, stdout and stderr: buffered streams on fds 0, 1 and 2. stdout and
 * stderr are line-buffered: a console wants whole lines, and one write per
 * line is what keeps lines of concurrent writers from interleaving
 * (picolibc's bufio cannot run without a buffer, so "unbuffered" is not an
 * option anyway). Buffers are flushed at exit (picolibc 1.8's exit() does
 * not). */
#include <stdio-bufio.h>
#include <stdio.h>
#include <unistd.h>

static char stdin_buffer[BUFSIZ];
static char stdout_buffer[BUFSIZ];
static char stderr_buffer[BUFSIZ];

static struct __file_bufio stdin_file = FDEV_SETUP_BUFIO(
    STDIN_FILENO, stdin_buffer, BUFSIZ, read, write, lseek, close, __SRD, 0);
static struct __file_bufio stdout_file = FDEV_SETUP_BUFIO(
    STDOUT_FILENO, stdout_buffer, BUFSIZ, read, write, lseek, close, __SWR, __BLBF);
static struct __file_bufio stderr_file = FDEV_SETUP_BUFIO(
    STDERR_FILENO, stderr_buffer, BUFSIZ, read, write, lseek, close, __SWR, __BLBF);

FILE* const stdin = &stdin_file.xfile.cfile.file;
FILE* const stdout = &stdout_file.xfile.cfile.file;
FILE* const stderr = &stderr_file.xfile.cfile.file;

__attribute__((destructor)) static void flush_standard_streams(void) {
  fflush(stdout);
  fflush(stderr);
}

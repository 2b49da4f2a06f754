/* stdin, stdout and stderr on fds 0, 1 and 2 (fdio: whatever the program
 * was given — a pipe, a console session, a boot file — or the kernel
 * console).
 *
 * stdout and stderr are line-buffered per thread: each thread collects its
 * own line and hands it to write() whole, in one write, which a stream fd
 * sends as one message and the kernel console as one debug write, so lines
 * of concurrent threads never interleave mid-line (USER-002: the
 * predecessor's stdout state was shared and unprotected; picolibc's bufio
 * locks each character, not each printf; thread_line.c keeps the lines).
 * A longer line than THREAD_LINE_BYTES goes out in pieces. stderr is
 * line-buffered too, for the same reason; fflush writes the calling
 * thread's partial line, exit and pthread_exit flush theirs. stdin is picolibc's bufio on read(0).
 *
 * The streams keep bufio's shape (fd, seek, setvbuf), so fileno() and
 * friends work; only put and flush are this file's. */
#include <stdio-bufio.h>
#include <stdio.h>
#include <unistd.h>

#include "thread_line.h"

static enum thread_line_stream line_of(FILE* f) {
  return f == stderr ? THREAD_LINE_STDERR : THREAD_LINE_STDOUT;
}
static int fd_of(FILE* f) { return f == stderr ? STDERR_FILENO : STDOUT_FILENO; }

static int console_put(char c, FILE* f) {
  const int put = thread_line_put(line_of(f), c, fd_of(f), write);
  return put < 0 ? EOF : put;
}

static int console_flush(FILE* f) {
  return thread_line_flush(line_of(f), fd_of(f), write) < 0 ? EOF : 0;
}

static char stdin_buffer[BUFSIZ];

static struct __file_bufio stdin_file =
    FDEV_SETUP_BUFIO(STDIN_FILENO, stdin_buffer, BUFSIZ, read, write, lseek, close, __SRD, 0);

#define CONSOLE_STREAM(_fd)                                                           \
  {                                                                                   \
      .xfile = FDEV_SETUP_EXT(console_put, __bufio_get, console_flush, __bufio_close, \
                              __bufio_seek, __bufio_setvbuf, __SWR | __SBUF),         \
      .fd = (_fd),                                                                    \
      .dir = 0,                                                                       \
      .bflags = __BLBF,                                                               \
      .pos = 0,                                                                       \
      .buf = 0,                                                                       \
      .size = 0,                                                                      \
      .len = 0,                                                                       \
      .off = 0,                                                                       \
      .read = read,                                                                   \
      .write = write,                                                                 \
      .lseek = lseek,                                                                 \
      .close = close,                                                                 \
  }
static struct __file_bufio stdout_file = CONSOLE_STREAM(STDOUT_FILENO);
static struct __file_bufio stderr_file = CONSOLE_STREAM(STDERR_FILENO);

FILE* const stdin = &stdin_file.xfile.cfile.file;
FILE* const stdout = &stdout_file.xfile.cfile.file;
FILE* const stderr = &stderr_file.xfile.cfile.file;

__attribute__((destructor)) static void flush_standard_streams(void) {
  fflush(stdout);
  fflush(stderr);
}

/* POSIX: fflush(NULL) flushes every output stream. picolibc's tinystdio
 * fflush dereferences the null stream instead (the shell's first pipeline
 * crashed on it), so libc's own fflush takes its place: a stream flushes
 * through its own flush function, as picolibc's does; NULL means stdout
 * and stderr — the output streams that buffer (files on the boot archive
 * are read-only). */
int fflush(FILE* stream) {
  if (stream == NULL) {
    const int out = fflush(stdout);
    const int err = fflush(stderr);
    return out == 0 && err == 0 ? 0 : EOF;
  }
  return stream->flush ? stream->flush(stream) : 0;
}

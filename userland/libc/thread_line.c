/* Per-thread output lines (thread_line.h). */
#include "thread_line.h"

struct line {
  int length;
  char bytes[THREAD_LINE_BYTES];
};
static _Thread_local struct line lines[THREAD_LINE_STREAMS]; /* this thread's */

int thread_line_flush(enum thread_line_stream stream, int fd, thread_line_writer write_fn) {
  struct line* l = &lines[stream];
  int done = 0;
  while (done < l->length) {
    const ssize_t n = write_fn(fd, l->bytes + done, (size_t)(l->length - done));
    if (n <= 0) {
      l->length = 0;
      return -1;
    }
    done += (int)n;
  }
  l->length = 0;
  return 0;
}

int thread_line_put(enum thread_line_stream stream, char c, int fd, thread_line_writer write_fn) {
  struct line* l = &lines[stream];
  l->bytes[l->length++] = c;
  if ((c == '\n' || l->length == THREAD_LINE_BYTES) && thread_line_flush(stream, fd, write_fn) != 0)
    return -1;
  return (unsigned char)c;
}

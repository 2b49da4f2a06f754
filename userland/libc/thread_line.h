/* Output lines collected per thread (USER-002): stdout and stderr keep one
 * line buffer per stream in each thread's TLS and hand a line to the
 * writer whole, in one call, so lines of concurrent threads never
 * interleave mid-line. The predecessor kept this state in globals that
 * every thread shared unprotected. Portable C: stdio.c uses it with
 * write(2); the host test (thread_line_test.cc) with its own writer. */
#ifndef VIPERDOS_LIBC_THREAD_LINE_H_
#define VIPERDOS_LIBC_THREAD_LINE_H_

#include <stddef.h>
#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif

#define THREAD_LINE_BYTES 4096 /* a longer line goes out in pieces this size */

enum thread_line_stream { THREAD_LINE_STDOUT, THREAD_LINE_STDERR, THREAD_LINE_STREAMS };

/* write(2)'s shape: returns the bytes taken, or <= 0 on failure. */
typedef ssize_t (*thread_line_writer)(int fd, const void* bytes, size_t count);

/* Appends c to this thread's line of the stream; at '\n' or a full buffer
 * writes the line to fd. Returns c as an unsigned char, or -1 when the
 * write failed (the line is then dropped, as a failed write loses it). */
int thread_line_put(enum thread_line_stream stream, char c, int fd, thread_line_writer write_fn);

/* Writes this thread's partial line, if any. 0, or -1 when the write failed. */
int thread_line_flush(enum thread_line_stream stream, int fd, thread_line_writer write_fn);

#ifdef __cplusplus
}
#endif

#endif /* VIPERDOS_LIBC_THREAD_LINE_H_ */

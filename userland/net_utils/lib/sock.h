/* The socket chores fetch, httpd and nc share, over POSIX sockets only
 * (the host's, or libc's over netd on ViperDOS). Timeouts are in
 * milliseconds, -1 for none. Failures return -1 with errno set, except
 * where a name did not resolve: sock_connect's `why` then says so in
 * getaddrinfo's words (errno is left at 0). */
#ifndef VIPERDOS_NET_UTILS_SOCK_H_
#define VIPERDOS_NET_UTILS_SOCK_H_

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* A connected socket to HOST:PORT (a name or an address), trying each
 * address getaddrinfo gives; `type` SOCK_STREAM or SOCK_DGRAM. On
 * failure *why (if not NULL) describes it. */
int sock_connect(const char* host, uint16_t port, int type, int timeout_ms, const char** why);

/* A socket bound to ADDR:PORT (NULL: every address; PORT 0: any free
 * one), listening if it is a stream. *bound is the port it got. */
int sock_listen(const char* addr, uint16_t port, int type, uint16_t* bound);

/* Waits until `fd` is ready for `events` (POLLIN, POLLOUT). Returns 1,
 * or 0 after timeout_ms with errno ETIMEDOUT, -1 on error. */
int sock_wait(int fd, short events, int timeout_ms);

/* Writes all of `len` bytes (a blocking socket, or a non-blocking one
 * waited for), each wait at most timeout_ms. Returns 0 or -1. */
int sock_write_all(int fd, const void* data, size_t len, int timeout_ms);

/* read() with a timeout: the bytes read, 0 at the end, -1 (ETIMEDOUT). */
ssize_t sock_read(int fd, void* buf, size_t len, int timeout_ms);

/* O_NONBLOCK on or off. Returns 0 or -1. */
int sock_set_nonblocking(int fd, int on);

/* A decimal port 1..65535 (0 too if allow_zero); -1 if it is not one. */
int sock_parse_port(const char* text, int allow_zero);

#endif /* VIPERDOS_NET_UTILS_SOCK_H_ */

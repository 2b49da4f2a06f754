/* BSD sockets (POSIX <sys/socket.h>): IPv4 TCP and UDP through netd
 * (<viperdos/net_protocol.h>; userland/libc/sockets.c). picolibc ships no
 * socket interface for a bare-metal target, so ViperDOS defines it; the
 * values are Linux's, so ported code that hard-codes them still works. */
#ifndef _SYS_SOCKET_H_
#define _SYS_SOCKET_H_

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef uint32_t socklen_t;
typedef uint16_t sa_family_t;

struct sockaddr {
  sa_family_t sa_family;
  char sa_data[14];
};

struct sockaddr_storage {
  sa_family_t ss_family;
  char __ss_padding[126];
};

struct iovec;

#define AF_UNSPEC 0
#define AF_INET 2
#define PF_UNSPEC AF_UNSPEC
#define PF_INET AF_INET

#define SOCK_STREAM 1
#define SOCK_DGRAM 2
/* Or-ed into socket()'s type. */
#define SOCK_NONBLOCK 0x800
#define SOCK_CLOEXEC 0x80000

#define SOL_SOCKET 1
#define SO_REUSEADDR 2
#define SO_TYPE 3
#define SO_ERROR 4
#define SO_SNDBUF 7
#define SO_RCVBUF 8
#define SO_KEEPALIVE 9
#define SO_RCVTIMEO 20
#define SO_SNDTIMEO 21

#define MSG_PEEK 0x2
#define MSG_TRUNC 0x20
#define MSG_DONTWAIT 0x40
#define MSG_WAITALL 0x100
#define MSG_NOSIGNAL 0x4000

#define SHUT_RD 0
#define SHUT_WR 1
#define SHUT_RDWR 2

#define SOMAXCONN 128

int socket(int domain, int type, int protocol);
int bind(int fd, const struct sockaddr* address, socklen_t length);
int listen(int fd, int backlog);
int accept(int fd, struct sockaddr* address, socklen_t* length);
int accept4(int fd, struct sockaddr* address, socklen_t* length, int flags);
int connect(int fd, const struct sockaddr* address, socklen_t length);
ssize_t send(int fd, const void* bytes, size_t size, int flags);
ssize_t recv(int fd, void* buffer, size_t size, int flags);
ssize_t sendto(int fd, const void* bytes, size_t size, int flags, const struct sockaddr* to,
               socklen_t length);
ssize_t recvfrom(int fd, void* buffer, size_t size, int flags, struct sockaddr* from,
                 socklen_t* length);
int shutdown(int fd, int how);
int getsockname(int fd, struct sockaddr* address, socklen_t* length);
int getpeername(int fd, struct sockaddr* address, socklen_t* length);
int setsockopt(int fd, int level, int name, const void* value, socklen_t length);
int getsockopt(int fd, int level, int name, void* value, socklen_t* length);

#ifdef __cplusplus
}
#endif

#endif /* _SYS_SOCKET_H_ */

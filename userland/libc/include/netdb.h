/* Name resolution (POSIX <netdb.h>): getaddrinfo/getnameinfo for IPv4.
 * Numeric hosts and "localhost" need no network; other names are asked
 * of the interface's DNS server (A records, over UDP, again over TCP when
 * the answer is truncated, with timeouts and retries: netdb.c). */
#ifndef _NETDB_H_
#define _NETDB_H_

#include <netinet/in.h>
#include <sys/socket.h>

#ifdef __cplusplus
extern "C" {
#endif

struct addrinfo {
  int ai_flags;
  int ai_family;
  int ai_socktype;
  int ai_protocol;
  socklen_t ai_addrlen;
  struct sockaddr* ai_addr;
  char* ai_canonname;
  struct addrinfo* ai_next;
};

#define AI_PASSIVE 0x01
#define AI_CANONNAME 0x02
#define AI_NUMERICHOST 0x04
#define AI_NUMERICSERV 0x400
#define AI_ADDRCONFIG 0x20

#define NI_NUMERICHOST 0x01
#define NI_NUMERICSERV 0x02
#define NI_NAMEREQD 0x08
#define NI_DGRAM 0x10
#define NI_MAXHOST 1025
#define NI_MAXSERV 32

/* Linux's values. */
#define EAI_BADFLAGS (-1)
#define EAI_NONAME (-2)
#define EAI_AGAIN (-3)
#define EAI_FAIL (-4)
#define EAI_FAMILY (-6)
#define EAI_SOCKTYPE (-7)
#define EAI_SERVICE (-8)
#define EAI_MEMORY (-10)
#define EAI_SYSTEM (-11)
#define EAI_OVERFLOW (-12)

int getaddrinfo(const char* node, const char* service, const struct addrinfo* hints,
                struct addrinfo** result);
void freeaddrinfo(struct addrinfo* list);
const char* gai_strerror(int error);
int getnameinfo(const struct sockaddr* address, socklen_t length, char* host, socklen_t host_size,
                char* service, socklen_t service_size, int flags);

#ifdef __cplusplus
}
#endif

#endif /* _NETDB_H_ */

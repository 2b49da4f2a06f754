/* Internet addresses (POSIX <netinet/in.h>): IPv4. Linux's values. */
#ifndef _NETINET_IN_H_
#define _NETINET_IN_H_

#include <arpa/inet.h>
#include <stdint.h>
#include <sys/socket.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef uint16_t in_port_t;
typedef uint32_t in_addr_t;

struct in_addr {
  in_addr_t s_addr; /* network byte order */
};

struct sockaddr_in {
  sa_family_t sin_family; /* AF_INET */
  in_port_t sin_port;     /* network byte order */
  struct in_addr sin_addr;
  unsigned char sin_zero[8];
};

#define IPPROTO_IP 0
#define IPPROTO_ICMP 1
#define IPPROTO_TCP 6
#define IPPROTO_UDP 17

#define INADDR_ANY ((in_addr_t)0x00000000)
#define INADDR_BROADCAST ((in_addr_t)0xffffffff)
#define INADDR_NONE ((in_addr_t)0xffffffff)
#define INADDR_LOOPBACK ((in_addr_t)0x7f000001) /* host order, as on Linux */

#define INET_ADDRSTRLEN 16

#ifdef __cplusplus
}
#endif

#endif /* _NETINET_IN_H_ */

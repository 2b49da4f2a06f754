/* TCP options (<netinet/tcp.h>): setsockopt(fd, IPPROTO_TCP, ...). */
#ifndef _NETINET_TCP_H_
#define _NETINET_TCP_H_

#define TCP_NODELAY 1

#endif /* _NETINET_TCP_H_ */

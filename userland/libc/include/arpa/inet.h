/* <arpa/inet.h>: picolibc's byte-order macros (htons, ntohl, ...) and the
 * address conversions it leaves out (userland/libc/inet.c). */
#ifndef _VIPERDOS_ARPA_INET_H_
#define _VIPERDOS_ARPA_INET_H_

#include_next <arpa/inet.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

struct in_addr;

int inet_pton(int family, const char* text, void* out);
const char* inet_ntop(int family, const void* address, char* out, uint32_t size);
uint32_t inet_addr(const char* text);
int inet_aton(const char* text, struct in_addr* out);
char* inet_ntoa(struct in_addr address);

#ifdef __cplusplus
}
#endif

#endif /* _VIPERDOS_ARPA_INET_H_ */

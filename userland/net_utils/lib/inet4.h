/* An IPv4 address in host byte order, as <viperdos/net.h> keeps them, in
 * dotted decimal (INET4_TEXT bytes with the NUL). */
#ifndef VIPERDOS_NET_UTILS_INET4_H_
#define VIPERDOS_NET_UTILS_INET4_H_

#include <stdint.h>
#include <stdio.h>

#define INET4_TEXT 16

static inline const char* inet4_format(uint32_t addr, char out[INET4_TEXT]) {
  snprintf(out, INET4_TEXT, "%u.%u.%u.%u", (unsigned)(addr >> 24), (unsigned)(addr >> 16 & 255),
           (unsigned)(addr >> 8 & 255), (unsigned)(addr & 255));
  return out;
}

#endif /* VIPERDOS_NET_UTILS_INET4_H_ */

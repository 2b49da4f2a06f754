/* netd's command line (init.conf: `net bin/netd [ARGS]`):
 *
 *   --address=A.B.C.D/PREFIX  a static address instead of DHCP
 *   --gateway=A.B.C.D         its default route (with --address)
 *   --dns=A.B.C.D             its resolver (with --address)
 *   --loss=PERCENT            drop that share of frames in each direction,
 *                             on purpose (a test knob; counted)
 *   --reorder=PERCENT         hold that share of sent frames back behind
 *                             the next one (a test knob)
 *   --loopback                no NIC: loopback only (127.0.0.0/8), for
 *                             tests of sockets on a machine without one;
 *                             the bootstrap carries no "nic" message
 *
 * Portable (host-tested): parsing only. */
#ifndef NETD_NETD_OPTIONS_H_
#define NETD_NETD_OPTIONS_H_

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

struct netd_options {
  uint32_t addr, netmask, gateway, dns; /* addr 0: DHCP */
  int loss_percent, reorder_percent;    /* 0..100 */
  int loopback_only;
};

/* 0, or -1 with the offending argument in *bad. */
int netd_parse_options(int argc, char** argv, struct netd_options* out, const char** bad);
/* A dotted quad: 0 and the address (host order), or -1. */
int netd_parse_ipv4(const char* text, uint32_t* out);

#ifdef __cplusplus
}
#endif

#endif /* NETD_NETD_OPTIONS_H_ */

/* A DHCP client state machine (RFC 2131) for one interface, without I/O:
 * netd sends what dhcp_poll produces from UDP port 68 to port 67 (at the
 * address it gives: broadcast, or the server while renewing), hands every
 * datagram from port 67 to dhcp_input, and applies the lease when it
 * returns DHCP_EVENT_BOUND (netstack_set_address) or removes it on
 * DHCP_EVENT_LOST.
 *
 *   INIT -> SELECTING (DISCOVER sent) -> REQUESTING (OFFER taken, REQUEST
 *   sent) -> BOUND (ACK) -> RENEWING at T1 (unicast REQUEST) -> REBINDING
 *   at T2 (broadcast REQUEST) -> INIT when the lease ends; NAK -> INIT.
 *
 * Retransmission backs off 4, 8, 16, 32, 64 s (RFC 2131 4.1, without the
 * random jitter: the clock is the caller's and tests are deterministic).
 * Replies are checked: op, hardware type, our transaction ID and MAC, the
 * magic cookie, option lengths, and the offered address and netmask. */
#ifndef NETD_DHCP_H_
#define NETD_DHCP_H_

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define DHCP_SERVER_PORT 67
#define DHCP_CLIENT_PORT 68
#define DHCP_MESSAGE_MAX 576

enum dhcp_state {
  DHCP_INIT,
  DHCP_SELECTING,
  DHCP_REQUESTING,
  DHCP_BOUND,
  DHCP_RENEWING,
  DHCP_REBINDING,
};

enum dhcp_event {
  DHCP_EVENT_NONE = 0,
  DHCP_EVENT_BOUND = 1,   /* a lease was obtained or renewed: apply it */
  DHCP_EVENT_LOST = 2,    /* the lease is gone: unconfigure */
  DHCP_EVENT_IGNORED = 3, /* the datagram was not for us or malformed */
};

struct dhcp_lease {
  uint32_t addr, netmask, router, server;
  uint32_t dns[2];
  int dns_count;
  uint32_t lease_seconds, t1_seconds, t2_seconds;
};

struct dhcp_client {
  int state;
  uint8_t mac[6];
  uint32_t xid;
  uint64_t next_send;   /* when to (re)transmit */
  uint64_t interval;    /* the current retransmission interval */
  int attempts;         /* in REQUESTING, before starting over */
  uint64_t lease_start; /* BOUND and after: T1, T2 and the end count from here */
  struct dhcp_lease offer, lease;
};

/* `xid` should be random (it is what matches replies to us). */
void dhcp_init(struct dhcp_client* client, const uint8_t mac[6], uint32_t xid, uint64_t now_ns);
/* If a message is due at `now_ns`, writes it to `out` (DHCP_MESSAGE_MAX
 * bytes) and returns its size, with the destination address in *dst;
 * else 0. May also return a state change through *event (the lease ran
 * out: DHCP_EVENT_LOST). */
size_t dhcp_poll(struct dhcp_client* client, uint64_t now_ns, uint8_t* out, uint32_t* dst,
                 int* event);
int dhcp_input(struct dhcp_client* client, uint64_t now_ns, const uint8_t* message, size_t size);
/* When dhcp_poll next has something to do. (NULL arguments anywhere:
 * nothing happens, 0 / DHCP_EVENT_IGNORED / UINT64_MAX.) */
uint64_t dhcp_deadline(const struct dhcp_client* client);

#ifdef __cplusplus
}
#endif

#endif /* NETD_DHCP_H_ */

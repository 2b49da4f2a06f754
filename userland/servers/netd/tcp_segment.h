/* A parsed, checked TCP segment, and the input steps that share it. */
#ifndef NETD_TCP_SEGMENT_H_
#define NETD_TCP_SEGMENT_H_

#include "net_internal.h"

struct tcp_segment {
  uint32_t src, dst;
  uint16_t sport, dport;
  uint32_t seq, ack;
  uint8_t flags;
  uint16_t window;
  const uint8_t* data;
  uint32_t size;
  bool has_mss, has_wscale;
  uint16_t mss;
  uint8_t wscale;
};

/* The sequence space it occupies: data plus SYN and FIN. */
static inline uint32_t tcp_segment_length(const struct tcp_segment* seg) {
  return seg->size + ((seg->flags & TCP_SYN) ? 1 : 0) + ((seg->flags & TCP_FIN) ? 1 : 0);
}

/* Checks a segment (checksum, offset, flags, options); false if dropped. */
bool tcp_parse(struct netstack* stack, uint32_t src, uint32_t dst, const uint8_t* p, size_t size,
               struct tcp_segment* seg);
void tcp_init_connection(struct netstack* stack, struct net_socket* s);
void tcp_take_syn(struct netstack* stack, struct net_socket* s, const struct tcp_segment* seg);
void tcp_synchronized_input(struct netstack* stack, struct net_socket* s, struct tcp_segment* seg);
void tcp_enter_time_wait(struct netstack* stack, struct net_socket* s);
/* ACK processing; false if the segment is to be dropped after it. */
bool tcp_ack_input(struct netstack* stack, struct net_socket* s, const struct tcp_segment* seg);

#endif /* NETD_TCP_SEGMENT_H_ */

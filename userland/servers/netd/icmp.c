/* ICMP (RFC 792): echo both ways and destination unreachable (port) for
 * UDP. Other messages are counted and dropped: we route nothing, and
 * acting on redirects or unreachables from the wire (RFC 5927) would let
 * anyone tear down connections. */
#include <string.h>

#include "net_internal.h"

#define ICMP_ECHO_REPLY 0
#define ICMP_UNREACHABLE 3
#define ICMP_ECHO_REQUEST 8
#define ICMP_PORT_UNREACHABLE 3
#define ICMP_HEADER 8

static int icmp_send(struct netstack* stack, uint32_t dst, uint8_t type, uint8_t code,
                     uint32_t rest, const uint8_t* data, size_t size) {
  uint8_t packet[FRAME_MAX];
  if (size > (size_t)stack->config.mtu - IP_HEADER - ICMP_HEADER) return NET_EMSGSIZE;
  uint8_t* m = packet + IP_HEADER;
  m[0] = type;
  m[1] = code;
  wire_put16(m + 2, 0);
  wire_put32(m + 4, rest);
  if (size) memcpy(m + ICMP_HEADER, data, size);
  wire_put16(m + 2, wire_checksum_finish(wire_sum(0, m, ICMP_HEADER + size)));
  return ip_output(stack, dst, IP_PROTO_ICMP, m, ICMP_HEADER + size);
}

void icmp_input(struct netstack* stack, uint32_t src, uint32_t dst, const uint8_t* m, size_t size) {
  if (size < ICMP_HEADER) {
    NET_DROP(stack, ICMP_TRUNCATED);
    return;
  }
  if (wire_checksum_finish(wire_sum(0, m, size)) != 0) {
    NET_DROP(stack, ICMP_BAD_CHECKSUM);
    return;
  }
  if (m[0] == ICMP_ECHO_REQUEST && m[1] == 0) {
    NET_COUNT(stack, ICMP_ECHO_REQUESTS_IN);
    /* Broadcast pings are not answered (smurf amplification). */
    if (!ip_is_local(stack, dst)) {
      NET_DROP(stack, ICMP_UNHANDLED_TYPE);
      return;
    }
    icmp_send(stack, src, ICMP_ECHO_REPLY, 0, wire_get32(m + 4), m + ICMP_HEADER,
              size - ICMP_HEADER);
  } else if (m[0] == ICMP_ECHO_REPLY && m[1] == 0) {
    NET_COUNT(stack, ICMP_ECHO_REPLIES_IN);
    stack->echo_reply_seen = true;
    stack->echo_from = src;
    stack->echo_id = wire_get16(m + 4);
    stack->echo_sequence = wire_get16(m + 6);
  } else {
    NET_DROP(stack, ICMP_UNHANDLED_TYPE);
  }
}

void icmp_port_unreachable(struct netstack* stack, const uint8_t* ip_header, const uint8_t* payload,
                           size_t size) {
  uint32_t dst = wire_get32(ip_header + 16);
  /* RFC 1122 3.2.2: never about a broadcast or to a non-unicast source. */
  if (!ip_is_local(stack, dst)) return;
  uint8_t quote[IP_HEADER + 8];
  memcpy(quote, ip_header, IP_HEADER);
  size_t n = size < 8 ? size : 8;
  memcpy(quote + IP_HEADER, payload, n);
  NET_COUNT(stack, ICMP_UNREACHABLE_OUT);
  icmp_send(stack, wire_get32(ip_header + 12), ICMP_UNREACHABLE, ICMP_PORT_UNREACHABLE, 0, quote,
            IP_HEADER + n);
}

int net_ping(struct netstack* stack, uint32_t addr, uint16_t id, uint16_t sequence,
             const void* payload, size_t size) {
  if (stack == NULL || addr == 0 || (payload == NULL && size != 0)) return NET_EINVAL;
  return icmp_send(stack, addr, ICMP_ECHO_REQUEST, 0, ((uint32_t)id << 16) | sequence, payload,
                   size);
}

bool net_last_echo_reply(const struct netstack* stack, uint32_t* from, uint16_t* id,
                         uint16_t* sequence) {
  if (stack == NULL || !stack->echo_reply_seen) return false;
  if (from) *from = stack->echo_from;
  if (id) *id = stack->echo_id;
  if (sequence) *sequence = stack->echo_sequence;
  return true;
}

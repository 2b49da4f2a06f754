/* IPv4 (RFC 791): header checks, local delivery, routing to the next hop
 * (on-link or the gateway) and output. No forwarding, no options (a packet
 * with options is dropped and counted: nothing we serve needs them, and
 * source routing is an attack vector). Outgoing packets are never
 * fragmented: TCP sizes to the MTU, and a larger UDP datagram is refused
 * with NET_EMSGSIZE. */
#include <string.h>

#include "net_internal.h"

#define IP_FLAG_DF 0x4000
#define IP_FLAG_MF 0x2000
#define IP_OFFSET_MASK 0x1fff
#define IP_LOOPBACK 0x7f000001u

/* One of this host's addresses: the interface's, or the loopback net. */
bool ip_is_local(const struct netstack* stack, uint32_t addr) {
  return (addr != 0 && addr == stack->config.addr) || ip_is_loopback(addr);
}

bool ip_is_broadcast(const struct netstack* stack, uint32_t addr) {
  if (addr == 0xffffffffu) return true;
  uint32_t mask = stack->config.netmask;
  return stack->config.addr != 0 && mask != 0xffffffffu &&
         (addr & mask) == (stack->config.addr & mask) && (addr | mask) == 0xffffffffu;
}

static void ip_deliver(struct netstack* stack, const uint8_t* header, const uint8_t* payload,
                       size_t size) {
  uint32_t src = wire_get32(header + 12);
  uint32_t dst = wire_get32(header + 16);
  switch (header[9]) {
    case IP_PROTO_ICMP:
      icmp_input(stack, src, dst, payload, size);
      break;
    case IP_PROTO_UDP:
      udp_input(stack, header, payload, size);
      break;
    case IP_PROTO_TCP:
      tcp_input(stack, src, dst, payload, size);
      break;
    default:
      NET_DROP(stack, IP_UNKNOWN_PROTOCOL);
  }
}

uint32_t ip_source(const struct netstack* stack, uint32_t bound, uint32_t dst) {
  if (bound) return bound;
  return ip_is_loopback(dst) ? IP_LOOPBACK : stack->config.addr;
}

/* The header checks both paths share: the header's size, or 0 (dropped). */
static size_t ip_check(struct netstack* stack, const uint8_t* p, size_t size) {
  if (size < IP_HEADER) {
    NET_DROP(stack, IP_TRUNCATED);
    return 0;
  }
  if ((p[0] >> 4) != 4) {
    NET_DROP(stack, IP_BAD_VERSION);
    return 0;
  }
  size_t header_size = (size_t)(p[0] & 0xf) * 4;
  if (header_size < IP_HEADER || header_size > size) {
    NET_DROP(stack, IP_BAD_HEADER_LENGTH);
    return 0;
  }
  size_t total = wire_get16(p + 2);
  /* Ethernet pads short frames: the IP length, not the frame's, counts. */
  if (total < header_size || total > size) {
    NET_DROP(stack, IP_BAD_TOTAL_LENGTH);
    return 0;
  }
  if (wire_checksum_finish(wire_sum(0, p, header_size)) != 0) {
    NET_DROP(stack, IP_BAD_CHECKSUM);
    return 0;
  }
  if (header_size != IP_HEADER) {
    NET_DROP(stack, IP_OPTIONS);
    return 0;
  }
  return total;
}

static void ip_accept(struct netstack* stack, const uint8_t* p, size_t total);

void ip_input_local(struct netstack* stack, const uint8_t* p, size_t size) {
  const size_t total = ip_check(stack, p, size);
  if (total) ip_accept(stack, p, total);
}

void ip_input(struct netstack* stack, const uint8_t* p, size_t size) {
  const size_t total = ip_check(stack, p, size);
  if (total == 0) return;
  uint32_t src = wire_get32(p + 12);
  uint32_t dst = wire_get32(p + 16);
  /* Martians (RFC 1812 5.3.7): a source that is broadcast, multicast,
   * loopback or ourselves is forged; replying to it would reflect. */
  if (ip_is_broadcast(stack, src) || (src >> 28) == 0xe || (src >> 24) == 127 ||
      ip_is_local(stack, src)) {
    NET_DROP(stack, IP_BAD_SOURCE);
    return;
  }
  /* Unconfigured, we take broadcasts and anything sent to our MAC (a
   * DHCP server may unicast the offer to the address it offers). The
   * loopback net is ours, but never from the wire (RFC 1122 3.2.1.3). */
  bool for_us = ip_is_local(stack, dst) || ip_is_broadcast(stack, dst) ||
                (stack->config.addr == 0 && dst != 0);
  if (!for_us || ip_is_loopback(dst)) {
    NET_DROP(stack, IP_NOT_FOR_US);
    return;
  }
  ip_accept(stack, p, total);
}

static void ip_accept(struct netstack* stack, const uint8_t* p, size_t total) {
  size_t header_size = IP_HEADER;
  NET_COUNT(stack, IP_PACKETS_IN);
  uint16_t flags_offset = wire_get16(p + 6);
  const uint8_t* payload = p + header_size;
  size_t payload_size = total - header_size;
  if ((flags_offset & (IP_FLAG_MF | IP_OFFSET_MASK)) != 0) {
    NET_COUNT(stack, IP_FRAGMENTS_IN);
    const uint8_t* whole = NULL;
    size_t whole_size = frag_input(stack, p, payload, payload_size, &whole);
    if (whole == NULL) return;
    NET_COUNT(stack, IP_REASSEMBLED);
    ip_deliver(stack, p, whole, whole_size);
    return;
  }
  ip_deliver(stack, p, payload, payload_size);
}

int ip_output(struct netstack* stack, uint32_t dst, uint8_t protocol, uint8_t* payload,
              size_t size) {
  return ip_output_from(stack, ip_source(stack, 0, dst), dst, protocol, payload, size);
}

int ip_output_from(struct netstack* stack, uint32_t src, uint32_t dst, uint8_t protocol,
                   uint8_t* payload, size_t size) {
  if (size + IP_HEADER > stack->config.mtu) return NET_EMSGSIZE;
  const bool local = ip_is_local(stack, dst);
  bool broadcast = ip_is_broadcast(stack, dst);
  if (stack->config.addr == 0 && dst != 0xffffffffu && !local) return NET_ENETUNREACH;
  uint32_t next_hop = dst;
  if (!local && !broadcast &&
      (dst & stack->config.netmask) != (stack->config.addr & stack->config.netmask)) {
    if (stack->config.gateway == 0) {
      NET_DROP(stack, IP_NO_ROUTE);
      return NET_ENETUNREACH;
    }
    next_hop = stack->config.gateway;
  }
  uint8_t* h = payload - IP_HEADER;
  h[0] = 0x45;
  h[1] = 0;
  wire_put16(h + 2, (uint16_t)(size + IP_HEADER));
  wire_put16(h + 4, stack->ip_id++);
  wire_put16(h + 6, protocol == IP_PROTO_TCP ? IP_FLAG_DF : 0);
  h[8] = IP_DEFAULT_TTL;
  h[9] = protocol;
  wire_put16(h + 10, 0);
  wire_put32(h + 12, src);
  wire_put32(h + 16, dst);
  wire_put16(h + 10, wire_checksum_finish(wire_sum(0, h, IP_HEADER)));
  NET_COUNT(stack, IP_PACKETS_OUT);
  if (local) {
    loop_output(stack, h, size + IP_HEADER);
  } else {
    arp_output(stack, next_hop, h, size + IP_HEADER);
  }
  return NET_OK;
}

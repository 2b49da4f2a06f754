/* UDP (RFC 768): checked datagrams queued per socket, bounded by the
 * socket's receive buffer and UDP_QUEUE_MAX; port unreachable for a
 * datagram no socket takes. */
#include <stdlib.h>
#include <string.h>

#include "net_internal.h"

static struct net_socket* udp_lookup(struct netstack* stack, uint32_t dst, uint16_t port,
                                     uint32_t src, uint16_t sport) {
  struct net_socket* best = NULL;
  for (int i = 0; i < NET_MAX_SOCKETS; i++) {
    struct net_socket* s = &stack->sockets[i];
    if (!s->used || s->type != NET_SOCK_DGRAM || !s->bound || s->local.port != port) continue;
    if (s->local.addr != 0 && s->local.addr != dst) continue;
    if (s->connected) {
      if (s->remote.addr != src || s->remote.port != sport) continue;
      return s; /* the most specific match wins */
    }
    if (best == NULL || s->local.addr != 0) best = s;
  }
  return best;
}

void udp_input(struct netstack* stack, const uint8_t* ip_header, const uint8_t* u, size_t size) {
  if (size < UDP_HEADER) {
    NET_DROP(stack, UDP_TRUNCATED);
    return;
  }
  size_t length = wire_get16(u + 4);
  if (length < UDP_HEADER || length > size) {
    NET_DROP(stack, UDP_BAD_LENGTH);
    return;
  }
  uint32_t src = wire_get32(ip_header + 12);
  uint32_t dst = wire_get32(ip_header + 16);
  uint16_t sport = wire_get16(u);
  uint16_t dport = wire_get16(u + 2);
  /* A zero checksum means none was computed (RFC 768). */
  if (wire_get16(u + 6) != 0 &&
      wire_checksum_finish(
          wire_sum(wire_pseudo_sum(src, dst, IP_PROTO_UDP, (uint16_t)length), u, length)) != 0) {
    NET_DROP(stack, UDP_BAD_CHECKSUM);
    return;
  }
  if (sport == 0 || dport == 0) {
    NET_DROP(stack, UDP_BAD_LENGTH);
    return;
  }
  NET_COUNT(stack, UDP_DATAGRAMS_IN);
  struct net_socket* s = udp_lookup(stack, dst, dport, src, sport);
  if (s == NULL) {
    NET_DROP(stack, UDP_NO_SOCKET);
    icmp_port_unreachable(stack, ip_header, u, length);
    return;
  }
  size_t data_size = length - UDP_HEADER;
  if (s->rx_count >= UDP_QUEUE_MAX || s->rx_bytes + data_size > s->rcvbuf_size) {
    NET_DROP(stack, UDP_QUEUE_FULL);
    return;
  }
  struct udp_datagram* d = malloc(sizeof(*d) + data_size);
  if (d == NULL) {
    NET_DROP(stack, UDP_QUEUE_FULL);
    return;
  }
  d->next = NULL;
  d->from.addr = src;
  d->from.port = sport;
  d->size = (uint32_t)data_size;
  memcpy(d->data, u + UDP_HEADER, data_size);
  if (s->rx_tail)
    s->rx_tail->next = d;
  else
    s->rx_head = d;
  s->rx_tail = d;
  s->rx_count++;
  s->rx_bytes += (uint32_t)data_size;
}

void udp_socket_free(struct net_socket* s) {
  while (s->rx_head) {
    struct udp_datagram* next = s->rx_head->next;
    free(s->rx_head);
    s->rx_head = next;
  }
  s->rx_tail = NULL;
  s->rx_count = 0;
  s->rx_bytes = 0;
}

static int udp_autobind(struct netstack* stack, struct net_socket* s) {
  if (s->bound) return NET_OK;
  uint16_t port = ephemeral_port(stack, NET_SOCK_DGRAM);
  if (port == 0) return NET_EADDRINUSE;
  s->local.addr = 0;
  s->local.port = port;
  s->bound = true;
  return NET_OK;
}

long udp_sendto(struct netstack* stack, struct net_socket* s, const void* data, size_t size,
                const struct net_endpoint* remote) {
  if (remote == NULL) {
    if (!s->connected) return NET_ENOTCONN;
    remote = &s->remote;
  }
  if (remote->addr == 0 || remote->port == 0) return NET_EINVAL;
  if (size > (size_t)stack->config.mtu - IP_HEADER - UDP_HEADER) return NET_EMSGSIZE;
  if (size > s->sndbuf_size) return NET_EMSGSIZE;
  int err = udp_autobind(stack, s);
  if (err) return err;
  uint8_t packet[FRAME_MAX];
  uint8_t* u = packet + IP_HEADER;
  uint16_t length = (uint16_t)(UDP_HEADER + size);
  wire_put16(u, s->local.port);
  wire_put16(u + 2, remote->port);
  wire_put16(u + 4, length);
  wire_put16(u + 6, 0);
  if (size) memcpy(u + UDP_HEADER, data, size);
  uint32_t src = ip_source(stack, s->local.addr, remote->addr);
  uint16_t sum = wire_checksum_finish(
      wire_sum(wire_pseudo_sum(src, remote->addr, IP_PROTO_UDP, length), u, length));
  wire_put16(u + 6, sum == 0 ? 0xffff : sum); /* 0 would mean "no checksum" */
  err = ip_output_from(stack, src, remote->addr, IP_PROTO_UDP, u, length);
  if (err) return err;
  NET_COUNT(stack, UDP_DATAGRAMS_OUT);
  return (long)size;
}

long udp_recvfrom(struct net_socket* s, void* data, size_t size, struct net_endpoint* remote) {
  struct udp_datagram* d = s->rx_head;
  if (d == NULL) return s->error ? s->error : NET_EAGAIN;
  size_t n = d->size < size ? d->size : size;
  if (n) memcpy(data, d->data, n);
  if (remote) *remote = d->from;
  s->rx_head = d->next;
  if (s->rx_head == NULL) s->rx_tail = NULL;
  s->rx_count--;
  s->rx_bytes -= d->size;
  free(d);
  return (long)n;
}

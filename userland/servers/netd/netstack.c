/* The stack's lifetime, its clock and the Ethernet layer. */
#include <stdlib.h>
#include <string.h>

#include "net_internal.h"

static const uint8_t kBroadcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};

struct netstack* netstack_create(const struct netstack_config* config, uint64_t now_ns) {
  if (config == NULL || config->send_frame == NULL || config->random == NULL) return NULL;
  uint16_t mtu = config->mtu ? config->mtu : 1500;
  if (mtu < 576 || mtu > 1500) return NULL;
  if (config->mac[0] & 1) return NULL; /* a multicast address is no station's */
  struct netstack* stack = calloc(1, sizeof(*stack));
  if (stack == NULL) return NULL;
  stack->config = *config;
  stack->config.mtu = mtu;
  stack->now = now_ns;
  stack->ip_id = (uint16_t)config->random(config->context);
  stack->next_port = (uint16_t)(TCP_EPHEMERAL_FIRST +
                                config->random(config->context) % (65536 - TCP_EPHEMERAL_FIRST));
  return stack;
}

void netstack_destroy(struct netstack* stack) {
  if (stack == NULL) return;
  for (int i = 0; i < NET_MAX_SOCKETS; i++) {
    if (stack->sockets[i].used) socket_free(stack, &stack->sockets[i]);
  }
  arp_clear(stack);
  frag_clear(stack);
  loop_clear(stack);
  free(stack);
}

int netstack_set_address(struct netstack* stack, uint32_t addr, uint32_t netmask,
                         uint32_t gateway) {
  if (stack == NULL) return NET_EINVAL;
  /* A netmask is contiguous ones; the gateway must be on the subnet. */
  if (netmask != 0 && ((~netmask + 1) & ~netmask) != 0) return NET_EINVAL;
  if (addr != 0 && (netmask == 0 || (addr & ~netmask) == 0 || (addr | netmask) == 0xffffffffu))
    return NET_EINVAL;
  if (gateway != 0 && (addr == 0 || (gateway & netmask) != (addr & netmask))) return NET_EINVAL;
  stack->config.addr = addr;
  stack->config.netmask = netmask;
  stack->config.gateway = gateway;
  arp_clear(stack); /* entries learnt on another subnet mean nothing now */
  return NET_OK;
}

void eth_send(struct netstack* stack, const uint8_t mac[6], uint16_t type, const uint8_t* payload,
              size_t size) {
  uint8_t frame[FRAME_MAX];
  if (size > (size_t)stack->config.mtu) return;
  memcpy(frame, mac, 6);
  memcpy(frame + 6, stack->config.mac, 6);
  wire_put16(frame + 12, type);
  memcpy(frame + ETH_HEADER, payload, size);
  size_t total = ETH_HEADER + size;
  if (total < 60) { /* the minimum frame, padded with zeros */
    memset(frame + total, 0, 60 - total);
    total = 60;
  }
  NET_COUNT(stack, FRAMES_OUT);
  stack->config.send_frame(stack->config.context, frame, total);
}

void netstack_input(struct netstack* stack, const uint8_t* frame, size_t size) {
  if (stack == NULL || (frame == NULL && size != 0)) return;
  NET_COUNT(stack, FRAMES_IN);
  if (size < ETH_HEADER) {
    NET_DROP(stack, ETH_TRUNCATED);
    return;
  }
  if (memcmp(frame, stack->config.mac, 6) != 0 && memcmp(frame, kBroadcast, 6) != 0) {
    NET_DROP(stack, ETH_NOT_FOR_US);
    return;
  }
  if (frame[6] & 1) { /* a multicast source address is forged */
    NET_DROP(stack, ETH_NOT_FOR_US);
    return;
  }
  uint16_t type = wire_get16(frame + 12);
  const uint8_t* payload = frame + ETH_HEADER;
  size_t payload_size = size - ETH_HEADER;
  if (type == ETH_TYPE_ARP) {
    arp_input(stack, payload, payload_size);
  } else if (type == ETH_TYPE_IPV4) {
    ip_input(stack, payload, payload_size);
  } else {
    NET_DROP(stack, ETH_UNKNOWN_TYPE);
  }
}

void netstack_tick(struct netstack* stack, uint64_t now_ns) {
  if (stack == NULL) return;
  if (now_ns > stack->now) stack->now = now_ns;
  loop_tick(stack);
  arp_tick(stack);
  frag_tick(stack);
  for (int i = 0; i < NET_MAX_SOCKETS; i++) {
    struct net_socket* socket = &stack->sockets[i];
    if (socket->used && socket->type == NET_SOCK_STREAM) tcp_tick(stack, socket);
  }
}

uint64_t netstack_next_deadline(const struct netstack* stack) {
  if (stack == NULL) return UINT64_MAX;
  if (stack->loop_head) return stack->now; /* looped packets wait: at once */
  uint64_t next = arp_deadline(stack);
  uint64_t frag = frag_deadline(stack);
  if (frag < next) next = frag;
  for (int i = 0; i < NET_MAX_SOCKETS; i++) {
    const struct net_socket* socket = &stack->sockets[i];
    if (!socket->used || socket->type != NET_SOCK_STREAM) continue;
    uint64_t t = tcp_deadline(socket);
    if (t < next) next = t;
  }
  return next;
}

uint64_t netstack_counter(const struct netstack* stack, enum net_counter counter) {
  if (stack == NULL || (unsigned)counter >= NET_COUNTER_COUNT) return 0;
  return stack->counters[counter];
}

uint64_t netstack_drops(const struct netstack* stack, enum net_drop reason) {
  if (stack == NULL || (unsigned)reason >= NET_DROP_COUNT) return 0;
  return stack->drops[reason];
}

#define NET_NAME(name) #name,
static const char* const kCounterNames[] = {NET_COUNTER_LIST(NET_NAME)};
static const char* const kDropNames[] = {NET_DROP_LIST(NET_NAME)};
#undef NET_NAME

const char* net_counter_name(enum net_counter counter) {
  return (unsigned)counter < NET_COUNTER_COUNT ? kCounterNames[counter] : NULL;
}

const char* net_drop_name(enum net_drop reason) {
  return (unsigned)reason < NET_DROP_COUNT ? kDropNames[reason] : NULL;
}

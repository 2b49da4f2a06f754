/* ARP (RFC 826) for IPv4 over Ethernet: a bounded cache whose entries time
 * out, requests retried while unresolved, and a few packets per
 * destination queued meanwhile (the rest dropped and counted). */
#include <stdlib.h>
#include <string.h>

#include "net_internal.h"

#define ARP_SIZE 28
#define ARP_OP_REQUEST 1
#define ARP_OP_REPLY 2

static const uint8_t kBroadcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};

static void entry_release(struct arp_entry* entry) {
  for (int i = 0; i < entry->pending_count; i++) free(entry->pending[i]);
  memset(entry, 0, sizeof(*entry));
}

void arp_clear(struct netstack* stack) {
  for (int i = 0; i < ARP_ENTRIES; i++) entry_release(&stack->arp[i]);
}

static struct arp_entry* arp_find(struct netstack* stack, uint32_t addr) {
  for (int i = 0; i < ARP_ENTRIES; i++) {
    if (stack->arp[i].state != ARP_FREE && stack->arp[i].addr == addr) return &stack->arp[i];
  }
  return NULL;
}

/* A free entry, else the resolved one that expires first (pending ones are
 * kept: evicting them would drop packets somebody waits for). */
static struct arp_entry* arp_slot(struct netstack* stack) {
  struct arp_entry* victim = NULL;
  for (int i = 0; i < ARP_ENTRIES; i++) {
    struct arp_entry* e = &stack->arp[i];
    if (e->state == ARP_FREE) return e;
    if (e->state == ARP_RESOLVED && (victim == NULL || e->expires < victim->expires)) victim = e;
  }
  if (victim != NULL) entry_release(victim);
  return victim;
}

static void arp_send(struct netstack* stack, uint16_t op, const uint8_t target_mac[6],
                     uint32_t target_addr) {
  uint8_t p[ARP_SIZE];
  wire_put16(p, 1); /* Ethernet */
  wire_put16(p + 2, ETH_TYPE_IPV4);
  p[4] = 6;
  p[5] = 4;
  wire_put16(p + 6, op);
  memcpy(p + 8, stack->config.mac, 6);
  wire_put32(p + 14, stack->config.addr);
  memcpy(p + 18, op == ARP_OP_REQUEST ? (const uint8_t[6]){0} : target_mac, 6);
  wire_put32(p + 24, target_addr);
  if (op == ARP_OP_REQUEST) {
    NET_COUNT(stack, ARP_REQUESTS_OUT);
    eth_send(stack, kBroadcast, ETH_TYPE_ARP, p, sizeof(p));
  } else {
    NET_COUNT(stack, ARP_REPLIES_OUT);
    eth_send(stack, target_mac, ETH_TYPE_ARP, p, sizeof(p));
  }
}

static void arp_flush(struct netstack* stack, struct arp_entry* entry) {
  for (int i = 0; i < entry->pending_count; i++) {
    eth_send(stack, entry->mac, ETH_TYPE_IPV4, entry->pending[i], entry->pending_size[i]);
    free(entry->pending[i]);
    entry->pending[i] = NULL;
  }
  entry->pending_count = 0;
}

void arp_input(struct netstack* stack, const uint8_t* p, size_t size) {
  if (size < ARP_SIZE || wire_get16(p) != 1 || wire_get16(p + 2) != ETH_TYPE_IPV4 || p[4] != 6 ||
      p[5] != 4) {
    NET_DROP(stack, ARP_MALFORMED);
    return;
  }
  uint16_t op = wire_get16(p + 6);
  const uint8_t* sender_mac = p + 8;
  uint32_t sender = wire_get32(p + 14);
  uint32_t target = wire_get32(p + 24);
  if ((op != ARP_OP_REQUEST && op != ARP_OP_REPLY) || (sender_mac[0] & 1) ||
      ip_is_broadcast(stack, sender) || (sender != 0 && sender == stack->config.addr)) {
    /* A multicast sender or our own address claimed by another is a
     * forgery or a conflict: never cache it. */
    NET_DROP(stack, ARP_MALFORMED);
    return;
  }
  if (stack->config.addr == 0 || target != stack->config.addr) {
    NET_DROP(stack, ARP_NOT_FOR_US);
    return;
  }
  if (sender != 0) {
    /* RFC 826's merge: update an existing entry, add one since the sender
     * is talking to us (it will want our reply answered). */
    struct arp_entry* entry = arp_find(stack, sender);
    if (entry == NULL) entry = arp_slot(stack);
    if (entry != NULL) {
      bool was_pending = entry->state == ARP_PENDING;
      entry->addr = sender;
      memcpy(entry->mac, sender_mac, 6);
      entry->state = ARP_RESOLVED;
      entry->expires = stack->now + ARP_ENTRY_TTL;
      entry->retries = 0;
      entry->refreshing = false;
      if (was_pending) NET_COUNT(stack, ARP_RESOLVED);
      arp_flush(stack, entry);
    }
  }
  if (op == ARP_OP_REQUEST) arp_send(stack, ARP_OP_REPLY, sender_mac, sender);
}

void arp_output(struct netstack* stack, uint32_t next_hop, const uint8_t* packet, size_t size) {
  if (ip_is_broadcast(stack, next_hop)) {
    eth_send(stack, kBroadcast, ETH_TYPE_IPV4, packet, size);
    return;
  }
  struct arp_entry* entry = arp_find(stack, next_hop);
  if (entry != NULL && entry->state == ARP_RESOLVED) {
    /* In use near its end: ask again now, so a busy connection does not
     * stall (and queue, and drop) when the entry expires. */
    if (!entry->refreshing && stack->now + ARP_REFRESH_BEFORE >= entry->expires) {
      entry->refreshing = true;
      arp_send(stack, ARP_OP_REQUEST, NULL, next_hop);
    }
    eth_send(stack, entry->mac, ETH_TYPE_IPV4, packet, size);
    return;
  }
  if (entry == NULL) {
    entry = arp_slot(stack);
    if (entry == NULL) {
      NET_DROP(stack, ARP_QUEUE_FULL);
      return;
    }
    entry->state = ARP_PENDING;
    entry->addr = next_hop;
    entry->retries = 0;
    entry->next_retry = stack->now + ARP_RETRY_INTERVAL;
    arp_send(stack, ARP_OP_REQUEST, NULL, next_hop);
  }
  if (entry->pending_count == ARP_PENDING_PER_ENTRY) {
    NET_DROP(stack, ARP_QUEUE_FULL);
    return;
  }
  uint8_t* copy = malloc(size);
  if (copy == NULL) {
    NET_DROP(stack, ARP_QUEUE_FULL);
    return;
  }
  memcpy(copy, packet, size);
  entry->pending[entry->pending_count] = copy;
  entry->pending_size[entry->pending_count] = (uint16_t)size;
  entry->pending_count++;
}

void arp_tick(struct netstack* stack) {
  for (int i = 0; i < ARP_ENTRIES; i++) {
    struct arp_entry* e = &stack->arp[i];
    if (e->state == ARP_RESOLVED && stack->now >= e->expires) {
      entry_release(e); /* the next packet asks again */
    } else if (e->state == ARP_PENDING && stack->now >= e->next_retry) {
      if (e->retries >= ARP_RETRIES) {
        NET_COUNT(stack, ARP_TIMEOUTS);
        stack->drops[NET_DROP_ARP_UNRESOLVED] += (uint64_t)e->pending_count;
        entry_release(e);
      } else {
        e->retries++;
        e->next_retry = stack->now + ARP_RETRY_INTERVAL;
        arp_send(stack, ARP_OP_REQUEST, NULL, e->addr);
      }
    }
  }
}

uint64_t arp_deadline(const struct netstack* stack) {
  uint64_t next = UINT64_MAX;
  for (int i = 0; i < ARP_ENTRIES; i++) {
    const struct arp_entry* e = &stack->arp[i];
    uint64_t t = e->state == ARP_RESOLVED  ? e->expires
                 : e->state == ARP_PENDING ? e->next_retry
                                           : UINT64_MAX;
    if (t < next) next = t;
  }
  return next;
}

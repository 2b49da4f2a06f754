/* IPv4 fragment reassembly with bounded memory: FRAG_SLOTS datagrams in
 * flight, FRAG_MAX_RANGES pieces each, each gone after FRAG_TIMEOUT.
 * Fragments may come in any order, and an exact duplicate is ignored; one
 * that overlaps another differently is refused and the whole datagram
 * dropped (the overlap attacks of RFC 1858/3128 rewrite headers that a
 * filter already passed: there is no legitimate reason to send one). */
#include <stdlib.h>
#include <string.h>

#include "net_internal.h"

#define IP_FLAG_MF 0x2000
#define IP_OFFSET_MASK 0x1fff

static void slot_release(struct frag_slot* slot) {
  free(slot->data);
  memset(slot, 0, sizeof(*slot));
}

void frag_clear(struct netstack* stack) {
  for (int i = 0; i < FRAG_SLOTS; i++) slot_release(&stack->frags[i]);
}

void frag_tick(struct netstack* stack) {
  for (int i = 0; i < FRAG_SLOTS; i++) {
    struct frag_slot* slot = &stack->frags[i];
    if (slot->used && stack->now >= slot->deadline) {
      NET_COUNT(stack, IP_REASSEMBLY_TIMEOUTS);
      slot_release(slot);
    }
  }
}

uint64_t frag_deadline(const struct netstack* stack) {
  uint64_t next = UINT64_MAX;
  for (int i = 0; i < FRAG_SLOTS; i++) {
    if (stack->frags[i].used && stack->frags[i].deadline < next) next = stack->frags[i].deadline;
  }
  return next;
}

static struct frag_slot* slot_for(struct netstack* stack, uint32_t src, uint32_t dst, uint16_t id,
                                  uint8_t protocol) {
  struct frag_slot* free_slot = NULL;
  for (int i = 0; i < FRAG_SLOTS; i++) {
    struct frag_slot* s = &stack->frags[i];
    if (s->used && s->src == src && s->dst == dst && s->id == id && s->protocol == protocol)
      return s;
    if (!s->used && free_slot == NULL) free_slot = s;
  }
  if (free_slot == NULL) {
    NET_DROP(stack, FRAG_NO_SLOT);
    return NULL;
  }
  free_slot->data = malloc(IP_MAX_DATAGRAM);
  if (free_slot->data == NULL) {
    NET_DROP(stack, FRAG_NO_SLOT);
    return NULL;
  }
  free_slot->used = true;
  free_slot->src = src;
  free_slot->dst = dst;
  free_slot->id = id;
  free_slot->protocol = protocol;
  free_slot->total = -1;
  free_slot->range_count = 0;
  free_slot->deadline = stack->now + FRAG_TIMEOUT;
  return free_slot;
}

static size_t covered(const struct frag_slot* slot) {
  size_t sum = 0;
  for (int i = 0; i < slot->range_count; i++) sum += slot->ranges[i].end - slot->ranges[i].start;
  return sum;
}

size_t frag_input(struct netstack* stack, const uint8_t* header, const uint8_t* payload,
                  size_t size, const uint8_t** out) {
  *out = NULL;
  uint16_t flags_offset = wire_get16(header + 6);
  bool more = (flags_offset & IP_FLAG_MF) != 0;
  size_t start = (size_t)(flags_offset & IP_OFFSET_MASK) * 8;
  size_t end = start + size;
  /* Every fragment but the last carries a multiple of 8 bytes; none is
   * empty, and the datagram fits the 16-bit total length. */
  if (size == 0 || (more && size % 8 != 0)) {
    NET_DROP(stack, FRAG_BAD_OFFSET);
    return 0;
  }
  if (end + IP_HEADER > IP_MAX_DATAGRAM) {
    NET_DROP(stack, FRAG_TOO_BIG);
    return 0;
  }
  struct frag_slot* slot = slot_for(stack, wire_get32(header + 12), wire_get32(header + 16),
                                    wire_get16(header + 4), header[9]);
  if (slot == NULL) return 0;
  /* The last fragment fixes the length: data past it, or a second
   * different end, is a lie. */
  if ((!more && slot->total >= 0 && (size_t)slot->total != end) ||
      (slot->total >= 0 && end > (size_t)slot->total)) {
    NET_DROP(stack, FRAG_OVERLAP);
    slot_release(slot);
    return 0;
  }
  int insert = slot->range_count;
  for (int i = 0; i < slot->range_count; i++) {
    struct frag_range* r = &slot->ranges[i];
    if (r->start == start && r->end == end) {
      return 0; /* an exact duplicate: nothing new */
    }
    if (start < r->end && r->start < end) {
      NET_DROP(stack, FRAG_OVERLAP);
      slot_release(slot);
      return 0;
    }
    if (insert == slot->range_count && start < r->start) insert = i;
  }
  if (!more) {
    /* No piece may lie beyond the end. */
    for (int i = 0; i < slot->range_count; i++) {
      if (slot->ranges[i].end > end) {
        NET_DROP(stack, FRAG_OVERLAP);
        slot_release(slot);
        return 0;
      }
    }
    slot->total = (int)end;
  }
  if (slot->range_count == FRAG_MAX_RANGES) {
    NET_DROP(stack, FRAG_TOO_MANY);
    slot_release(slot);
    return 0;
  }
  memmove(&slot->ranges[insert + 1], &slot->ranges[insert],
          (size_t)(slot->range_count - insert) * sizeof(slot->ranges[0]));
  slot->ranges[insert].start = (uint16_t)start;
  slot->ranges[insert].end = (uint16_t)end;
  slot->range_count++;
  memcpy(slot->data + start, payload, size);
  if (start == 0) memcpy(slot->header, header, IP_HEADER);
  if (slot->total < 0 || covered(slot) != (size_t)slot->total) return 0;
  /* Complete: the slot is free for the next datagram at once. */
  size_t total = (size_t)slot->total;
  memcpy(stack->reassembled, slot->data, total);
  slot_release(slot);
  *out = stack->reassembled;
  return total;
}

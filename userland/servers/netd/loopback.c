/* Loopback: packets to 127.0.0.0/8 or to our own address never reach the
 * wire. ip_output queues them here (copied; at most LOOP_QUEUE_MAX), and
 * netstack_tick delivers them through ip_input's local path, so two
 * processes on one machine talk TCP and UDP through one stack. Queued,
 * not delivered at once: output runs inside TCP's and the socket calls'
 * own operations, and re-entering the stack there would break them (the
 * same reason send_frame must queue). netstack_next_deadline is "now"
 * while packets wait. */
#include <stdlib.h>
#include <string.h>

#include "net_internal.h"

struct loop_packet {
  struct loop_packet* next;
  size_t size;
  uint8_t bytes[];
};

bool ip_is_loopback(uint32_t addr) { return (addr >> 24) == 127; }

void loop_output(struct netstack* stack, const uint8_t* packet, size_t size) {
  struct loop_packet* p;
  if (stack->loop_count >= LOOP_QUEUE_MAX || !(p = malloc(sizeof(*p) + size))) {
    NET_DROP(stack, LOOP_QUEUE_FULL); /* as a full interface queue would */
    return;
  }
  p->next = NULL;
  p->size = size;
  memcpy(p->bytes, packet, size);
  if (stack->loop_tail) {
    stack->loop_tail->next = p;
  } else {
    stack->loop_head = p;
  }
  stack->loop_tail = p;
  stack->loop_count++;
  NET_COUNT(stack, LOOPBACK_PACKETS);
}

void loop_tick(struct netstack* stack) {
  /* Only what was queued before: what delivery sends waits its turn. */
  struct loop_packet* p = stack->loop_head;
  stack->loop_head = stack->loop_tail = NULL;
  stack->loop_count = 0;
  while (p) {
    struct loop_packet* next = p->next;
    ip_input_local(stack, p->bytes, p->size);
    free(p);
    p = next;
  }
}

void loop_clear(struct netstack* stack) {
  struct loop_packet* p = stack->loop_head;
  while (p) {
    struct loop_packet* next = p->next;
    free(p);
    p = next;
  }
  stack->loop_head = stack->loop_tail = NULL;
  stack->loop_count = 0;
}

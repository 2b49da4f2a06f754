/* A byte ring for TCP's send and receive buffers. */
#include <stdlib.h>
#include <string.h>

#include "net_internal.h"

int ring_init(struct ring* ring, uint32_t capacity) {
  ring->data = malloc(capacity);
  if (ring->data == NULL) return NET_ENOMEM;
  ring->capacity = capacity;
  ring->head = 0;
  ring->size = 0;
  return NET_OK;
}

void ring_free(struct ring* ring) {
  free(ring->data);
  memset(ring, 0, sizeof(*ring));
}

static void copy_in(struct ring* ring, uint32_t position, const uint8_t* data, uint32_t size) {
  position %= ring->capacity;
  uint32_t first = ring->capacity - position < size ? ring->capacity - position : size;
  memcpy(ring->data + position, data, first);
  memcpy(ring->data, data + first, size - first);
}

uint32_t ring_write(struct ring* ring, const uint8_t* data, uint32_t size) {
  uint32_t n = size < ring_free_space(ring) ? size : ring_free_space(ring);
  if (n == 0) return 0;
  copy_in(ring, ring->head + ring->size, data, n);
  ring->size += n;
  return n;
}

void ring_write_at(struct ring* ring, uint32_t offset, const uint8_t* data, uint32_t size) {
  copy_in(ring, ring->head + ring->size + offset, data, size);
}

void ring_peek(const struct ring* ring, uint32_t offset, uint8_t* out, uint32_t size) {
  uint32_t position = (ring->head + offset) % ring->capacity;
  uint32_t first = ring->capacity - position < size ? ring->capacity - position : size;
  memcpy(out, ring->data + position, first);
  memcpy(out + first, ring->data, size - first);
}

void ring_consume(struct ring* ring, uint32_t size) {
  ring->head = (ring->head + size) % ring->capacity;
  ring->size -= size;
}

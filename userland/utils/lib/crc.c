#include "userland/utils/lib/crc.h"

/* A table of the 256 byte remainders, made on first use (no constructor). */
static uint32_t table[256];
static int table_made;

static void make_table(void) {
  for (uint32_t i = 0; i < 256; ++i) {
    uint32_t r = i << 24;
    for (int bit = 0; bit < 8; ++bit) r = (r & 0x80000000u) ? (r << 1) ^ 0x04C11DB7u : r << 1;
    table[i] = r;
  }
  table_made = 1;
}

void crc_begin(struct crc_state* s) {
  if (!table_made) make_table();
  s->crc = 0;
  s->length = 0;
}

static uint32_t step(uint32_t crc, uint8_t byte) { return (crc << 8) ^ table[(crc >> 24) ^ byte]; }

void crc_add(struct crc_state* s, const void* bytes, size_t count) {
  const uint8_t* p = bytes;
  uint32_t crc = s->crc;
  for (size_t i = 0; i < count; ++i) crc = step(crc, p[i]);
  s->crc = crc;
  s->length += count;
}

uint32_t crc_end(struct crc_state* s) {
  uint32_t crc = s->crc;
  for (uint64_t n = s->length; n != 0; n >>= 8) crc = step(crc, (uint8_t)n);
  return ~crc;
}

#include "wire.h"

uint32_t wire_sum(uint32_t sum, const uint8_t* data, size_t size) {
  /* 64-bit accumulator: no carry is lost for any frame size. */
  uint64_t acc = sum;
  size_t i = 0;
  for (; i + 1 < size; i += 2) acc += (uint32_t)((data[i] << 8) | data[i + 1]);
  if (i < size) acc += (uint32_t)data[i] << 8;
  while (acc >> 32) acc = (acc & 0xffffffffu) + (acc >> 32);
  return (uint32_t)acc;
}

uint16_t wire_checksum_finish(uint32_t sum) {
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  return (uint16_t)~sum;
}

uint32_t wire_pseudo_sum(uint32_t src, uint32_t dst, uint8_t protocol, uint16_t length) {
  uint64_t acc = (src >> 16) + (src & 0xffff) + (dst >> 16) + (dst & 0xffff);
  acc += protocol;
  acc += length;
  return (uint32_t)acc;
}

/* Reading and writing big-endian wire fields, and the internet checksum
 * (RFC 1071). Every parser reads through these, never through casts of
 * packet bytes to structs (alignment and byte order stay explicit). */
#ifndef NETD_WIRE_H_
#define NETD_WIRE_H_

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

static inline uint16_t wire_get16(const uint8_t* p) { return (uint16_t)((p[0] << 8) | p[1]); }
static inline uint32_t wire_get32(const uint8_t* p) {
  return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}
static inline void wire_put16(uint8_t* p, uint16_t v) {
  p[0] = (uint8_t)(v >> 8);
  p[1] = (uint8_t)v;
}
static inline void wire_put32(uint8_t* p, uint32_t v) {
  p[0] = (uint8_t)(v >> 24);
  p[1] = (uint8_t)(v >> 16);
  p[2] = (uint8_t)(v >> 8);
  p[3] = (uint8_t)v;
}

/* The one's-complement sum of `size` bytes added to `sum` (not folded):
 * chain calls for a pseudo-header and a payload. An odd final byte is
 * padded with zero (RFC 1071). */
uint32_t wire_sum(uint32_t sum, const uint8_t* data, size_t size);
/* Folds a sum to 16 bits and complements it: the checksum field's value.
 * Over data that includes a correct checksum it yields 0. */
uint16_t wire_checksum_finish(uint32_t sum);
/* The TCP/UDP pseudo-header's sum (RFC 793 3.1, RFC 768). */
uint32_t wire_pseudo_sum(uint32_t src, uint32_t dst, uint8_t protocol, uint16_t length);

#ifdef __cplusplus
}
#endif

#endif /* NETD_WIRE_H_ */

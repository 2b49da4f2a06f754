/* The POSIX `cksum` checksum: CRC-32 with the polynomial 0x04C11DB7, most
 * significant bit first, over the bytes and then the length (least
 * significant byte first, no trailing zero bytes), complemented. What
 * coreutils' `cksum` prints, so a file checked on the host and in the
 * guest gives the same number (the disk interop tests rely on it). */
#ifndef VIPERDOS_UTILS_CRC_H_
#define VIPERDOS_UTILS_CRC_H_

#include <stddef.h>
#include <stdint.h>

struct crc_state {
  uint32_t crc;
  uint64_t length;
};

void crc_begin(struct crc_state* s);
void crc_add(struct crc_state* s, const void* bytes, size_t count);
/* The checksum of everything added; `s` is spent. */
uint32_t crc_end(struct crc_state* s);

#endif /* VIPERDOS_UTILS_CRC_H_ */

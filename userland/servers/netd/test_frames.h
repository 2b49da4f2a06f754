// Hand-built frames for the layer tests: each builder produces a correct
// frame that a test then breaks one field at a time.
#ifndef NETD_TEST_FRAMES_H_
#define NETD_TEST_FRAMES_H_

#include <cstdint>
#include <cstring>
#include <vector>

#include "userland/servers/netd/wire.h"

namespace netd_test {

using Bytes = std::vector<uint8_t>;

inline void Put16(Bytes& b, size_t at, uint16_t v) { wire_put16(&b[at], v); }
inline void Put32(Bytes& b, size_t at, uint32_t v) { wire_put32(&b[at], v); }

inline Bytes Ethernet(const uint8_t dst[6], const uint8_t src[6], uint16_t type,
                      const Bytes& payload) {
  Bytes f(14);
  std::memcpy(&f[0], dst, 6);
  std::memcpy(&f[6], src, 6);
  Put16(f, 12, type);
  f.insert(f.end(), payload.begin(), payload.end());
  return f;
}

// An IPv4 header (checksummed) in front of `payload`.
inline Bytes Ipv4(uint32_t src, uint32_t dst, uint8_t protocol, const Bytes& payload,
                  uint16_t id = 1, uint16_t flags_offset = 0, uint8_t ttl = 64) {
  Bytes p(20);
  p[0] = 0x45;
  Put16(p, 2, static_cast<uint16_t>(20 + payload.size()));
  Put16(p, 4, id);
  Put16(p, 6, flags_offset);
  p[8] = ttl;
  p[9] = protocol;
  Put32(p, 12, src);
  Put32(p, 16, dst);
  Put16(p, 10, wire_checksum_finish(wire_sum(0, p.data(), 20)));
  p.insert(p.end(), payload.begin(), payload.end());
  return p;
}

inline void FixIpChecksum(Bytes& ip, size_t at = 0) {
  Put16(ip, at + 10, 0);
  Put16(ip, at + 10, wire_checksum_finish(wire_sum(0, &ip[at], (ip[at] & 0xf) * 4u)));
}

inline Bytes Udp(uint32_t src, uint32_t dst, uint16_t sport, uint16_t dport, const Bytes& data) {
  Bytes u(8);
  Put16(u, 0, sport);
  Put16(u, 2, dport);
  Put16(u, 4, static_cast<uint16_t>(8 + data.size()));
  u.insert(u.end(), data.begin(), data.end());
  uint16_t sum = wire_checksum_finish(
      wire_sum(wire_pseudo_sum(src, dst, 17, static_cast<uint16_t>(u.size())), u.data(), u.size()));
  Put16(u, 6, sum ? sum : 0xffff);
  return u;
}

inline Bytes Icmp(uint8_t type, uint8_t code, uint32_t rest, const Bytes& data) {
  Bytes m(8);
  m[0] = type;
  m[1] = code;
  Put32(m, 4, rest);
  m.insert(m.end(), data.begin(), data.end());
  Put16(m, 2, wire_checksum_finish(wire_sum(0, m.data(), m.size())));
  return m;
}

inline Bytes Tcp(uint32_t src, uint32_t dst, uint16_t sport, uint16_t dport, uint32_t seq,
                 uint32_t ack, uint8_t flags, uint16_t window, const Bytes& data = {},
                 const Bytes& options = {}) {
  Bytes t(20);
  Put16(t, 0, sport);
  Put16(t, 2, dport);
  Put32(t, 4, seq);
  Put32(t, 8, ack);
  t[12] = static_cast<uint8_t>(((20 + options.size()) / 4) << 4);
  t[13] = flags;
  Put16(t, 14, window);
  t.insert(t.end(), options.begin(), options.end());
  t.insert(t.end(), data.begin(), data.end());
  Put16(t, 16,
        wire_checksum_finish(wire_sum(wire_pseudo_sum(src, dst, 6, static_cast<uint16_t>(t.size())),
                                      t.data(), t.size())));
  return t;
}

}  // namespace netd_test

#endif  // NETD_TEST_FRAMES_H_

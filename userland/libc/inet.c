/* IPv4 address text (<arpa/inet.h>): inet_pton/ntop, inet_addr/aton/ntoa.
 * Strict dotted quads for inet_pton (as POSIX asks); inet_aton also takes
 * the classic shorter forms ("127.1", "0x7f000001"). */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

int inet_pton(int family, const char* text, void* out) {
  if (family != AF_INET) {
    errno = EAFNOSUPPORT;
    return -1;
  }
  if (!text || !out) return 0;
  uint32_t addr = 0;
  const char* p = text;
  for (int part = 0; part < 4; ++part) {
    int digits = 0, value = 0;
    while (*p >= '0' && *p <= '9') {
      if (digits > 0 && value == 0) return 0; /* no leading zeros: not octal */
      value = value * 10 + (*p++ - '0');
      if (++digits > 3 || value > 255) return 0;
    }
    if (digits == 0 || *p != (part < 3 ? '.' : '\0')) return 0;
    if (part < 3) ++p;
    addr = addr << 8 | (uint32_t)value;
  }
  const uint32_t network = htonl(addr);
  memcpy(out, &network, sizeof(network));
  return 1;
}

const char* inet_ntop(int family, const void* address, char* out, uint32_t size) {
  if (family != AF_INET) {
    errno = EAFNOSUPPORT;
    return 0;
  }
  uint32_t network;
  memcpy(&network, address, sizeof(network));
  const uint32_t a = ntohl(network);
  char text[INET_ADDRSTRLEN];
  const int n = snprintf(text, sizeof(text), "%u.%u.%u.%u", a >> 24, (a >> 16) & 255,
                         (a >> 8) & 255, a & 255);
  if (n < 0 || (uint32_t)n >= size) {
    errno = ENOSPC;
    return 0;
  }
  memcpy(out, text, (size_t)n + 1);
  return out;
}

/* One number of inet_aton's forms: decimal, 0octal, 0xhex. */
static int number(const char** p, uint32_t* out) {
  const char* s = *p;
  uint64_t value = 0;
  int base = 10, digits = 0;
  if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
    base = 16;
    s += 2;
  } else if (s[0] == '0') {
    base = 8;
  }
  for (;; ++s, ++digits) {
    int d;
    if (*s >= '0' && *s <= '9') {
      d = *s - '0';
    } else if (base == 16 && *s >= 'a' && *s <= 'f') {
      d = *s - 'a' + 10;
    } else if (base == 16 && *s >= 'A' && *s <= 'F') {
      d = *s - 'A' + 10;
    } else {
      break;
    }
    if (d >= base || (value = value * (uint64_t)base + (uint64_t)d) > 0xffffffffu) return -1;
  }
  if (digits == 0 && base != 8) return -1;
  *p = s;
  *out = (uint32_t)value;
  return 0;
}

int inet_aton(const char* text, struct in_addr* out) {
  uint32_t parts[4];
  int count = 0;
  const char* p = text;
  if (!p) return 0;
  for (;;) {
    if (count == 4 || number(&p, &parts[count++]) != 0) return 0;
    if (*p == '\0') break;
    if (*p++ != '.') return 0;
  }
  uint32_t addr = parts[count - 1];
  const uint32_t limit = count == 1   ? 0xffffffffu
                         : count == 2 ? 0xffffffu
                         : count == 3 ? 0xffffu
                                      : 0xffu;
  if (addr > limit) return 0;
  for (int i = 0; i < count - 1; ++i) {
    if (parts[i] > 255) return 0;
    addr |= parts[i] << (24 - 8 * i);
  }
  if (out) out->s_addr = htonl(addr);
  return 1;
}

uint32_t inet_addr(const char* text) {
  struct in_addr a;
  return inet_aton(text, &a) ? a.s_addr : INADDR_NONE;
}

char* inet_ntoa(struct in_addr address) {
  static __thread char text[INET_ADDRSTRLEN];
  inet_ntop(AF_INET, &address.s_addr, text, sizeof(text));
  return text;
}

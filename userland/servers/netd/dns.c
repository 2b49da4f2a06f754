#include "dns.h"

#include <string.h>

#include "wire.h"

#define DNS_HEADER 12
#define TYPE_A 1
#define TYPE_CNAME 5
#define CLASS_IN 1

int dns_build_query(uint16_t id, const char* name, uint8_t* out, size_t capacity) {
  if (name == NULL || out == NULL) return DNS_ERR_BAD_NAME;
  size_t length = strlen(name);
  if (length > 0 && name[length - 1] == '.') length--; /* a rooted name */
  if (length == 0 || length > DNS_NAME_MAX) return DNS_ERR_BAD_NAME;
  size_t needed = DNS_HEADER + length + 2 + 4;
  if (capacity < needed) return DNS_ERR_NO_SPACE;
  memset(out, 0, DNS_HEADER);
  wire_put16(out, id);
  out[2] = 0x01;          /* RD */
  wire_put16(out + 4, 1); /* QDCOUNT */
  uint8_t* p = out + DNS_HEADER;
  size_t start = 0;
  for (size_t i = 0; i <= length; i++) {
    if (i < length && name[i] != '.') continue;
    size_t label = i - start;
    if (label == 0 || label > 63) return DNS_ERR_BAD_NAME;
    *p++ = (uint8_t)label;
    memcpy(p, name + start, label);
    p += label;
    start = i + 1;
  }
  *p++ = 0;
  wire_put16(p, TYPE_A);
  wire_put16(p + 2, CLASS_IN);
  return (int)needed;
}

int dns_tcp_frame(const uint8_t* message, size_t size, uint8_t* out, size_t capacity) {
  if (message == NULL || out == NULL || size > 0xffff || capacity < size + 2)
    return DNS_ERR_NO_SPACE;
  wire_put16(out, (uint16_t)size);
  memmove(out + 2, message, size);
  return (int)(size + 2);
}

/* Reads the (possibly compressed) name at *offset into `name` as dotted
 * lower-case text and moves *offset past it. False if malformed. */
static bool read_name(const uint8_t* m, size_t size, size_t* offset, char* name) {
  size_t at = *offset;
  size_t end = 0; /* where the name ends in the record, once a pointer is taken */
  size_t length = 0;
  int pointers = 0;
  for (;;) {
    if (at >= size) return false;
    uint8_t label = m[at];
    if ((label & 0xc0) == 0xc0) {
      if (at + 1 >= size) return false;
      size_t target = ((size_t)(label & 0x3f) << 8) | m[at + 1];
      /* Strictly backwards, and few: no loop, no unbounded walk. */
      if (target >= at || ++pointers > DNS_MAX_POINTERS) return false;
      if (end == 0) end = at + 2;
      at = target;
      continue;
    }
    if (label & 0xc0) return false; /* 0x40 and 0x80 are reserved */
    if (label == 0) {
      if (end == 0) end = at + 1;
      break;
    }
    if (at + 1 + label > size) return false;
    if (length + (length ? 1 : 0) + label > DNS_NAME_MAX) return false;
    if (length) name[length++] = '.';
    for (size_t i = 0; i < label; i++) {
      char c = (char)m[at + 1 + i];
      if (c >= 'A' && c <= 'Z') c = (char)(c - 'A' + 'a');
      if (c == '\0' || c == '.') return false; /* could not be compared as text */
      name[length++] = c;
    }
    at += 1 + (size_t)label;
  }
  name[length] = '\0';
  *offset = end;
  return true;
}

static bool same_name(const char* wire_name, const char* text) {
  size_t length = strlen(text);
  if (length > 0 && text[length - 1] == '.') length--;
  if (strlen(wire_name) != length) return false;
  for (size_t i = 0; i < length; i++) {
    char c = text[i];
    if (c >= 'A' && c <= 'Z') c = (char)(c - 'A' + 'a');
    if (wire_name[i] != c) return false;
  }
  return true;
}

int dns_parse_response(const uint8_t* m, size_t size, uint16_t id, const char* name,
                       struct dns_answer* answer) {
  if (m == NULL || name == NULL || answer == NULL) return DNS_ERR_MALFORMED;
  memset(answer, 0, sizeof(*answer));
  if (size < DNS_HEADER) return DNS_ERR_MALFORMED;
  if (wire_get16(m) != id || !(m[2] & 0x80)) return DNS_ERR_MISMATCH; /* QR: a response */
  if ((m[2] >> 3 & 0xf) != 0) return DNS_ERR_MISMATCH;                /* a standard query */
  if (m[2] & 0x02) return DNS_ERR_TRUNCATED;
  int rcode = m[3] & 0xf;
  uint16_t questions = wire_get16(m + 4);
  uint16_t answers = wire_get16(m + 6);
  if (questions != 1) return DNS_ERR_MISMATCH;
  size_t offset = DNS_HEADER;
  char owner[DNS_NAME_MAX + 1];
  if (!read_name(m, size, &offset, owner)) return DNS_ERR_MALFORMED;
  if (offset + 4 > size) return DNS_ERR_MALFORMED;
  if (!same_name(owner, name) || wire_get16(m + offset) != TYPE_A ||
      wire_get16(m + offset + 2) != CLASS_IN)
    return DNS_ERR_MISMATCH;
  offset += 4;
  if (rcode == 3) return DNS_ERR_NO_NAME;
  if (rcode != 0) return DNS_ERR_SERVER;
  /* The name whose A records count: the query, then each CNAME target. */
  char target[DNS_NAME_MAX + 1];
  strcpy(target, owner);
  int cnames = 0;
  uint32_t ttl = UINT32_MAX;
  for (uint16_t i = 0; i < answers; i++) {
    if (!read_name(m, size, &offset, owner)) return DNS_ERR_MALFORMED;
    if (offset + 10 > size) return DNS_ERR_MALFORMED;
    uint16_t type = wire_get16(m + offset);
    uint16_t klass = wire_get16(m + offset + 2);
    uint32_t record_ttl = wire_get32(m + offset + 4);
    uint16_t length = wire_get16(m + offset + 8);
    offset += 10;
    if (offset + length > size) return DNS_ERR_MALFORMED;
    size_t data = offset;
    offset += length;
    if (klass != CLASS_IN || strcmp(owner, target) != 0) continue;
    if (record_ttl > 0x7fffffff) record_ttl = 0; /* RFC 2181 8: treat as zero */
    if (type == TYPE_CNAME) {
      if (++cnames > DNS_MAX_CNAMES) return DNS_ERR_MALFORMED;
      size_t at = data;
      char next[DNS_NAME_MAX + 1];
      if (!read_name(m, size, &at, next) || at != data + length) return DNS_ERR_MALFORMED;
      strcpy(target, next);
      if (record_ttl < ttl) ttl = record_ttl;
    } else if (type == TYPE_A) {
      if (length != 4) return DNS_ERR_MALFORMED;
      if (answer->count < DNS_MAX_ADDRS) answer->addrs[answer->count++] = wire_get32(m + data);
      if (record_ttl < ttl) ttl = record_ttl;
    }
  }
  if (answer->count == 0) return DNS_ERR_NO_DATA;
  answer->ttl = ttl;
  return DNS_OK;
}

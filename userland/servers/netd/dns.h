/* DNS resolver messages (RFC 1035): an A query for a name, and the checked
 * parse of its response. No I/O: netd sends the query over UDP, retries
 * and times out, and falls back to TCP (dns_tcp_frame's 2-byte length
 * prefix, RFC 1035 4.2.2) when the answer says it was truncated.
 *
 * The response parser trusts nothing: every length, count and pointer is
 * checked against the message; compression pointers must point strictly
 * backwards (so they cannot loop) and at most DNS_MAX_POINTERS are
 * followed per name; the answer must echo our ID and question; CNAME
 * chains are followed up to DNS_MAX_CNAMES. */
#ifndef NETD_DNS_H_
#define NETD_DNS_H_

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define DNS_PORT 53
#define DNS_NAME_MAX 253
#define DNS_MAX_ADDRS 8
#define DNS_MAX_POINTERS 16
#define DNS_MAX_CNAMES 8
#define DNS_UDP_MAX 512

enum {
  DNS_OK = 0,
  DNS_ERR_BAD_NAME = -1,  /* the name to look up is not a valid host name */
  DNS_ERR_NO_SPACE = -2,  /* the output buffer is too small */
  DNS_ERR_MALFORMED = -3, /* the response breaks the format */
  DNS_ERR_MISMATCH = -4,  /* not the answer to our query (ID or question) */
  DNS_ERR_TRUNCATED = -5, /* TC set: ask again over TCP */
  DNS_ERR_NO_NAME = -6,   /* NXDOMAIN */
  DNS_ERR_SERVER = -7,    /* SERVFAIL, REFUSED, ... */
  DNS_ERR_NO_DATA = -8,   /* the name exists but has no A record */
};

struct dns_answer {
  uint32_t addrs[DNS_MAX_ADDRS]; /* host byte order */
  int count;
  uint32_t ttl; /* the smallest TTL of the records used */
};

/* Writes an A/IN query with recursion desired; returns its size or an
 * error. */
int dns_build_query(uint16_t id, const char* name, uint8_t* out, size_t capacity);
/* Prefixes a message with its 2-byte length for DNS over TCP: `out` must
 * hold size + 2 bytes. Returns size + 2 or DNS_ERR_NO_SPACE. */
int dns_tcp_frame(const uint8_t* message, size_t size, uint8_t* out, size_t capacity);
/* Parses the response to query (id, name). DNS_OK with at least one
 * address, or an error. */
int dns_parse_response(const uint8_t* message, size_t size, uint16_t id, const char* name,
                       struct dns_answer* answer);

#ifdef __cplusplus
}
#endif

#endif /* NETD_DNS_H_ */

#include "dhcp.h"

#include <string.h>

#include "wire.h"

#define NS_PER_S 1000000000ull
#define BOOTP_FIXED 236
#define COOKIE 0x63825363u
#define INTERVAL_FIRST (4 * NS_PER_S)
#define INTERVAL_MAX (64 * NS_PER_S)
#define RENEW_RETRY (60 * NS_PER_S)
#define REQUEST_ATTEMPTS 4

enum { DISCOVER = 1, OFFER = 2, REQUEST = 3, ACK = 5, NAK = 6 };
enum {
  OPT_PAD = 0,
  OPT_NETMASK = 1,
  OPT_ROUTER = 3,
  OPT_DNS = 6,
  OPT_REQUESTED = 50,
  OPT_LEASE = 51,
  OPT_TYPE = 53,
  OPT_SERVER = 54,
  OPT_PARAMS = 55,
  OPT_T1 = 58,
  OPT_T2 = 59,
  OPT_END = 255,
};

void dhcp_init(struct dhcp_client* c, const uint8_t mac[6], uint32_t xid, uint64_t now) {
  if (c == NULL || mac == NULL) return;
  memset(c, 0, sizeof(*c));
  memcpy(c->mac, mac, 6);
  c->xid = xid;
  c->state = DHCP_INIT;
  c->next_send = now;
  c->interval = INTERVAL_FIRST;
}

static uint64_t lease_time(const struct dhcp_client* c, uint32_t seconds) {
  return c->lease_start + (uint64_t)seconds * NS_PER_S;
}

uint64_t dhcp_deadline(const struct dhcp_client* c) {
  if (c == NULL) return UINT64_MAX;
  switch (c->state) {
    case DHCP_BOUND:
      return lease_time(c, c->lease.t1_seconds);
    case DHCP_RENEWING: {
      uint64_t t2 = lease_time(c, c->lease.t2_seconds);
      return c->next_send < t2 ? c->next_send : t2;
    }
    case DHCP_REBINDING: {
      uint64_t end = lease_time(c, c->lease.lease_seconds);
      return c->next_send < end ? c->next_send : end;
    }
    default:
      return c->next_send;
  }
}

static size_t build(const struct dhcp_client* c, uint8_t type, uint32_t ciaddr, bool with_request,
                    uint8_t* out) {
  memset(out, 0, DHCP_MESSAGE_MAX);
  out[0] = 1; /* BOOTREQUEST */
  out[1] = 1; /* Ethernet */
  out[2] = 6;
  wire_put32(out + 4, c->xid);
  /* Broadcast flag unless we have an address: replies must reach us
   * before we can take unicast (RFC 2131 4.1). */
  if (ciaddr == 0) wire_put16(out + 10, 0x8000);
  wire_put32(out + 12, ciaddr);
  memcpy(out + 28, c->mac, 6);
  wire_put32(out + BOOTP_FIXED, COOKIE);
  uint8_t* o = out + BOOTP_FIXED + 4;
  *o++ = OPT_TYPE;
  *o++ = 1;
  *o++ = type;
  if (with_request) {
    *o++ = OPT_REQUESTED;
    *o++ = 4;
    wire_put32(o, c->offer.addr);
    o += 4;
    *o++ = OPT_SERVER;
    *o++ = 4;
    wire_put32(o, c->offer.server);
    o += 4;
  }
  *o++ = OPT_PARAMS;
  *o++ = 4;
  *o++ = OPT_NETMASK;
  *o++ = OPT_ROUTER;
  *o++ = OPT_DNS;
  *o++ = OPT_LEASE;
  *o++ = OPT_END;
  size_t size = (size_t)(o - out);
  return size < 300 ? 300 : size; /* the BOOTP minimum some relays insist on */
}

static void backoff(struct dhcp_client* c, uint64_t now) {
  c->next_send = now + c->interval;
  c->interval = c->interval * 2 > INTERVAL_MAX ? INTERVAL_MAX : c->interval * 2;
}

size_t dhcp_poll(struct dhcp_client* c, uint64_t now, uint8_t* out, uint32_t* dst, int* event) {
  if (c == NULL || out == NULL || dst == NULL || event == NULL) return 0;
  *event = DHCP_EVENT_NONE;
  *dst = 0xffffffffu;
  switch (c->state) {
    case DHCP_INIT:
      if (now < c->next_send) return 0;
      c->state = DHCP_SELECTING;
      c->interval = INTERVAL_FIRST;
      backoff(c, now);
      return build(c, DISCOVER, 0, false, out);
    case DHCP_SELECTING:
      if (now < c->next_send) return 0;
      backoff(c, now);
      return build(c, DISCOVER, 0, false, out);
    case DHCP_REQUESTING:
      if (now < c->next_send) return 0;
      if (++c->attempts > REQUEST_ATTEMPTS) { /* the server went quiet: start over */
        c->state = DHCP_SELECTING;
        c->interval = INTERVAL_FIRST;
        backoff(c, now);
        return build(c, DISCOVER, 0, false, out);
      }
      backoff(c, now);
      return build(c, REQUEST, 0, true, out);
    case DHCP_BOUND:
      if (now < lease_time(c, c->lease.t1_seconds)) return 0;
      c->state = DHCP_RENEWING;
      c->next_send = now;
      /* fall through */
    case DHCP_RENEWING:
      if (now >= lease_time(c, c->lease.t2_seconds)) {
        c->state = DHCP_REBINDING;
        c->next_send = now;
        return dhcp_poll(c, now, out, dst, event);
      }
      if (now < c->next_send) return 0;
      c->next_send = now + RENEW_RETRY;
      *dst = c->lease.server;
      return build(c, REQUEST, c->lease.addr, false, out);
    case DHCP_REBINDING:
      if (now >= lease_time(c, c->lease.lease_seconds)) {
        dhcp_init(c, c->mac, c->xid + 1, now);
        *event = DHCP_EVENT_LOST;
        return 0;
      }
      if (now < c->next_send) return 0;
      c->next_send = now + RENEW_RETRY;
      return build(c, REQUEST, c->lease.addr, false, out);
    default:
      return 0;
  }
}

static bool usable_address(uint32_t a) {
  uint8_t first = (uint8_t)(a >> 24);
  return a != 0 && a != 0xffffffffu && first != 127 && first < 224 && first != 0;
}

static bool contiguous_mask(uint32_t m) { return m != 0 && ((~m + 1) & ~m) == 0; }

/* Parses the options; false if malformed. */
static bool parse(const uint8_t* m, size_t size, int* type, struct dhcp_lease* lease) {
  memset(lease, 0, sizeof(*lease));
  *type = 0;
  lease->addr = wire_get32(m + 16); /* yiaddr */
  size_t i = BOOTP_FIXED + 4;
  while (i < size) {
    uint8_t code = m[i++];
    if (code == OPT_PAD) continue;
    if (code == OPT_END) return *type != 0;
    if (i >= size) return false;
    uint8_t length = m[i++];
    if (i + length > size) return false;
    const uint8_t* v = m + i;
    i += length;
    switch (code) {
      case OPT_TYPE:
        if (length != 1) return false;
        *type = v[0];
        break;
      case OPT_NETMASK:
        if (length != 4) return false;
        lease->netmask = wire_get32(v);
        break;
      case OPT_ROUTER:
        if (length < 4 || length % 4) return false;
        lease->router = wire_get32(v);
        break;
      case OPT_DNS:
        if (length < 4 || length % 4) return false;
        for (int k = 0; k < length / 4 && lease->dns_count < 2; k++)
          lease->dns[lease->dns_count++] = wire_get32(v + 4 * k);
        break;
      case OPT_SERVER:
        if (length != 4) return false;
        lease->server = wire_get32(v);
        break;
      case OPT_LEASE:
      case OPT_T1:
      case OPT_T2: {
        if (length != 4) return false;
        uint32_t seconds = wire_get32(v);
        if (code == OPT_LEASE)
          lease->lease_seconds = seconds;
        else if (code == OPT_T1)
          lease->t1_seconds = seconds;
        else
          lease->t2_seconds = seconds;
        break;
      }
      default:
        break; /* options we did not ask for */
    }
  }
  return false; /* no END option */
}

/* Fills in what the server left out and refuses what cannot be used. */
static bool check_lease(struct dhcp_lease* lease) {
  if (!usable_address(lease->addr) || !usable_address(lease->server)) return false;
  if (lease->netmask == 0) lease->netmask = 0xffffff00; /* RFC 1122's classful guess, simplified */
  if (!contiguous_mask(lease->netmask) || lease->netmask == 0xffffffffu) return false;
  if ((lease->addr & ~lease->netmask) == 0 || (lease->addr | lease->netmask) == 0xffffffffu)
    return false;
  if (lease->router != 0 && (lease->router & lease->netmask) != (lease->addr & lease->netmask))
    lease->router = 0; /* an off-link router is unreachable: no default route */
  if (lease->lease_seconds == 0) return false;
  /* A lease of a few seconds would have netd renew in a loop. */
  if (lease->lease_seconds < 16) lease->lease_seconds = 16;
  if (lease->lease_seconds > 0x7fffffffu) lease->lease_seconds = 0x7fffffffu; /* "infinite" */
  if (lease->t1_seconds == 0 || lease->t1_seconds >= lease->lease_seconds)
    lease->t1_seconds = lease->lease_seconds / 2;
  if (lease->t2_seconds <= lease->t1_seconds || lease->t2_seconds >= lease->lease_seconds)
    lease->t2_seconds = (uint32_t)((uint64_t)lease->lease_seconds * 7 / 8);
  if (lease->t2_seconds <= lease->t1_seconds) lease->t2_seconds = lease->t1_seconds + 1;
  return true;
}

int dhcp_input(struct dhcp_client* c, uint64_t now, const uint8_t* m, size_t size) {
  if (c == NULL || m == NULL || size < BOOTP_FIXED + 4 || size > 65535) return DHCP_EVENT_IGNORED;
  if (m[0] != 2 || m[1] != 1 || m[2] != 6 || wire_get32(m + 4) != c->xid ||
      memcmp(m + 28, c->mac, 6) != 0 || wire_get32(m + BOOTP_FIXED) != COOKIE)
    return DHCP_EVENT_IGNORED;
  int type;
  struct dhcp_lease lease;
  if (!parse(m, size, &type, &lease)) return DHCP_EVENT_IGNORED;
  switch (c->state) {
    case DHCP_SELECTING:
      if (type != OFFER || !check_lease(&lease)) return DHCP_EVENT_IGNORED;
      c->offer = lease;
      c->state = DHCP_REQUESTING;
      c->attempts = 0;
      c->interval = INTERVAL_FIRST;
      c->next_send = now; /* the REQUEST goes out on the next poll */
      return DHCP_EVENT_NONE;
    case DHCP_REQUESTING:
    case DHCP_RENEWING:
    case DHCP_REBINDING: {
      bool requesting = c->state == DHCP_REQUESTING;
      uint32_t expected = requesting ? c->offer.server : c->lease.server;
      if (type == NAK) {
        if (requesting && lease.server != expected) return DHCP_EVENT_IGNORED;
        bool had_lease = !requesting;
        dhcp_init(c, c->mac, c->xid + 1, now);
        return had_lease ? DHCP_EVENT_LOST : DHCP_EVENT_NONE;
      }
      if (type != ACK || !check_lease(&lease)) return DHCP_EVENT_IGNORED;
      if (c->state != DHCP_REBINDING && lease.server != expected) return DHCP_EVENT_IGNORED;
      if (requesting && lease.addr != c->offer.addr) return DHCP_EVENT_IGNORED;
      c->lease = lease;
      c->lease_start = now;
      c->state = DHCP_BOUND;
      return DHCP_EVENT_BOUND;
    }
    default:
      return DHCP_EVENT_IGNORED;
  }
}

/* netd's command line (netd_options.h). */
#include "userland/servers/netd/netd_options.h"

#include <string.h>

/* A decimal in [0, max] ending at `end` (or NUL): the value, or -1. */
static long number(const char* p, const char** end, long max) {
  long value = 0;
  const char* start = p;
  while (*p >= '0' && *p <= '9' && p - start < 4) value = value * 10 + (*p++ - '0');
  if (p == start || value > max) return -1;
  *end = p;
  return value;
}

int netd_parse_ipv4(const char* text, uint32_t* out) {
  uint32_t addr = 0;
  const char* p = text;
  for (int i = 0; i < 4; ++i) {
    const long part = number(p, &p, 255);
    if (part < 0 || *p != (i < 3 ? '.' : '\0')) return -1;
    addr = addr << 8 | (uint32_t)part;
    if (i < 3) ++p;
  }
  *out = addr;
  return 0;
}

static int percent(const char* text, int* out) {
  const char* end;
  const long value = number(text, &end, 100);
  if (value < 0 || *end) return -1;
  *out = (int)value;
  return 0;
}

static int address(const char* text, struct netd_options* o) {
  char quad[16];
  const char* slash = strchr(text, '/');
  if (!slash || (size_t)(slash - text) >= sizeof(quad)) return -1;
  memcpy(quad, text, (size_t)(slash - text));
  quad[slash - text] = 0;
  const char* end;
  const long prefix = number(slash + 1, &end, 32);
  if (netd_parse_ipv4(quad, &o->addr) != 0 || prefix < 1 || prefix > 30 || *end) return -1;
  o->netmask = 0xffffffffu << (32 - prefix);
  return 0;
}

int netd_parse_options(int argc, char** argv, struct netd_options* o, const char** bad) {
  memset(o, 0, sizeof(*o));
  for (int i = 1; i < argc; ++i) {
    const char* a = argv[i];
    int error;
    if (strncmp(a, "--address=", 10) == 0) {
      error = address(a + 10, o);
    } else if (strncmp(a, "--gateway=", 10) == 0) {
      error = netd_parse_ipv4(a + 10, &o->gateway);
    } else if (strncmp(a, "--dns=", 6) == 0) {
      error = netd_parse_ipv4(a + 6, &o->dns);
    } else if (strncmp(a, "--loss=", 7) == 0) {
      error = percent(a + 7, &o->loss_percent);
    } else if (strncmp(a, "--reorder=", 10) == 0) {
      error = percent(a + 10, &o->reorder_percent);
    } else if (strcmp(a, "--loopback") == 0) {
      o->loopback_only = 1;
      error = 0;
    } else {
      error = -1;
    }
    if (error) {
      *bad = a;
      return -1;
    }
  }
  /* A route or resolver needs an address to hang on. */
  if (!o->addr && (o->gateway || o->dns)) {
    *bad = o->gateway ? "--gateway without --address" : "--dns without --address";
    return -1;
  }
  if (o->loopback_only && o->addr) {
    *bad = "--address with --loopback";
    return -1;
  }
  if (o->gateway && (o->gateway & o->netmask) != (o->addr & o->netmask)) {
    *bad = "--gateway off the --address subnet";
    return -1;
  }
  return 0;
}

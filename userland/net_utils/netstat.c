/* netstat: every socket netd has (viper_net_sockets), those of every
 * process and the connections no descriptor holds any more; with -s the
 * stack's counters instead (viper_net_counters), by name. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <viperdos/net.h>

#include "userland/net_utils/lib/inet4.h"
#include "userland/utils/lib/util.h"

static const struct util_program kProgram = {
    .name = "netstat",
    .usage = "[-s]",
    .help =
        "Lists the sockets of the system: protocol, local and remote address,\n"
        "TCP state, bytes waiting to be read (Recv-Q) and not yet acknowledged\n"
        "(Send-Q); \"orphan\" marks a connection no descriptor holds.\n"
        "  -s  the stack's counters instead (retransmissions, drops, ...)\n"};

static int network_error(void) {
  util_errno(errno == ENETDOWN ? "no network (is netd running?)" : "cannot ask netd");
  return UTIL_FAILURE;
}

/* The list calls return how many there are, which may exceed what fit:
 * ask again with room for all (they can grow between the calls). */
static int all_sockets(struct viper_net_socket** out) {
  int capacity = 64, count = -1;
  for (;;) {
    struct viper_net_socket* grown = realloc(*out, (size_t)capacity * sizeof(**out));
    if (grown == NULL) return -1;
    *out = grown;
    count = viper_net_sockets(*out, capacity);
    if (count <= capacity) return count;
    capacity = count + 16;
  }
}

static int all_counters(struct viper_net_counter** out) {
  int capacity = 128, count = -1;
  for (;;) {
    struct viper_net_counter* grown = realloc(*out, (size_t)capacity * sizeof(**out));
    if (grown == NULL) return -1;
    *out = grown;
    count = viper_net_counters(*out, capacity);
    if (count <= capacity) return count;
    capacity = count + 16;
  }
}

static void endpoint(char* out, size_t size, uint32_t addr, uint16_t port) {
  char text[INET4_TEXT];
  if (port == 0) {
    snprintf(out, size, "%s:*", addr != 0 ? inet4_format(addr, text) : "*");
  } else {
    snprintf(out, size, "%s:%u", inet4_format(addr, text), (unsigned)port);
  }
}

static int sockets(void) {
  struct viper_net_socket* s = NULL;
  const int n = all_sockets(&s);
  if (n < 0) {
    free(s);
    return network_error();
  }
  printf("%-5s %-21s %-21s %-12s %7s %7s\n", "Proto", "Local Address", "Foreign Address", "State",
         "Recv-Q", "Send-Q");
  for (int i = 0; i < n; ++i) {
    char local[32], remote[32];
    endpoint(local, sizeof(local), s[i].local_addr, s[i].local_port);
    endpoint(remote, sizeof(remote), s[i].remote_addr, s[i].remote_port);
    printf("%-5s %-21s %-21s %-12.12s %7u %7u%s\n", s[i].type == SOCK_STREAM ? "tcp" : "udp", local,
           remote, s[i].state_name, (unsigned)s[i].received, (unsigned)s[i].unsent,
           s[i].has_descriptor ? "" : " orphan");
  }
  free(s);
  return util_finish(UTIL_OK);
}

static int counters(void) {
  struct viper_net_counter* c = NULL;
  const int n = all_counters(&c);
  if (n < 0) {
    free(c);
    return network_error();
  }
  for (int i = 0; i < n; ++i) {
    printf("%-40.40s %llu\n", c[i].name, (unsigned long long)c[i].value);
  }
  free(c);
  return util_finish(UTIL_OK);
}

int main(int argc, char** argv) {
  util_begin(&kProgram);
  int stats = 0;
  struct util_options o;
  util_options_init(&o, argc, argv);
  for (int opt; (opt = util_next_option(&o, "s")) != -1;) {
    if (opt == 's') stats = 1;
  }
  if (o.index != argc) util_usage_error("extra operand '%s'", argv[o.index]);
  return stats ? counters() : sockets();
}

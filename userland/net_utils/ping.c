/* ping: ICMP echo requests to HOST (an address, or a name getaddrinfo
 * resolves) through netd's viper_net_ping, one a second (-i), with a
 * summary at the end. Status 0 when any reply came, 1 when none did (or
 * there is no network), 2 for a usage error. */
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <viperdos/net.h>

#include "userland/net_utils/lib/inet4.h"
#include "userland/utils/lib/util.h"

static const struct util_program kProgram = {
    .name = "ping",
    .usage = "[-c COUNT] [-s SIZE] [-W SECONDS] [-i SECONDS] HOST",
    .help =
        "Sends ICMP echo requests to HOST and says how long each reply took.\n"
        "  -c COUNT    requests sent (default 4)\n"
        "  -s SIZE     data bytes in each (default 56, at most 1472)\n"
        "  -W SECONDS  the wait for each reply (default 2)\n"
        "  -i SECONDS  the time from one request to the next (default 1; 0: at once)\n"};

#define MAX_PAYLOAD 1472 /* one Ethernet frame: 1500 - IP 20 - ICMP 8 */

/* HOST as an address in host byte order; 0 if it does not resolve. */
static uint32_t resolve(const char* host) {
  struct in_addr a;
  if (inet_pton(AF_INET, host, &a) == 1) return ntohl(a.s_addr);
  struct addrinfo hints = {.ai_family = AF_INET, .ai_socktype = SOCK_DGRAM};
  struct addrinfo* list = NULL;
  const int gai = getaddrinfo(host, NULL, &hints, &list);
  if (gai != 0) {
    util_error("%s: %s", host, gai_strerror(gai));
    return 0;
  }
  const uint32_t addr = ntohl(((const struct sockaddr_in*)list->ai_addr)->sin_addr.s_addr);
  freeaddrinfo(list);
  return addr;
}

static uint64_t now_ns(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

int main(int argc, char** argv) {
  util_begin(&kProgram);
  uint64_t count = 4, size = 56, wait_s = 2, interval_s = 1;
  struct util_options o;
  util_options_init(&o, argc, argv);
  for (int opt; (opt = util_next_option(&o, "c:s:W:i:")) != -1;) {
    switch (opt) {
      case 'c':
        count = util_parse_number(o.arg, "count", 1000000);
        break;
      case 's':
        size = util_parse_number(o.arg, "size", MAX_PAYLOAD);
        break;
      case 'W':
        wait_s = util_parse_number(o.arg, "wait", 3600);
        break;
      case 'i':
        interval_s = util_parse_number(o.arg, "interval", 3600);
        break;
    }
  }
  if (o.index == argc) util_usage_error("missing HOST");
  if (argc - o.index > 1) util_usage_error("extra operand '%s'", argv[o.index + 1]);
  if (count == 0) util_usage_error("invalid count '0'");
  if (wait_s == 0) util_usage_error("invalid wait '0'");
  const char* host = argv[o.index];
  const uint32_t addr = resolve(host);
  if (addr == 0) return UTIL_FAILURE;
  char text[INET4_TEXT];
  printf("PING %s (%s): %llu data bytes\n", host, inet4_format(addr, text),
         (unsigned long long)size);
  fflush(stdout); /* before any error on stderr */
  uint64_t received = 0, min = UINT64_MAX, max = 0, total = 0;
  uint64_t seq = 0;
  for (; seq < count; ++seq) {
    const uint64_t started = now_ns();
    uint64_t rtt = 0;
    if (viper_net_ping(addr, (uint16_t)(seq + 1), (size_t)size, wait_s * 1000000000u, &rtt) == 0) {
      ++received;
      total += rtt;
      min = rtt < min ? rtt : min;
      max = rtt > max ? rtt : max;
      printf("%llu bytes from %s: icmp_seq=%llu time=%.3f ms\n", (unsigned long long)size + 8, text,
             (unsigned long long)seq + 1, (double)rtt / 1e6);
    } else if (errno == ETIMEDOUT) {
      printf("Request timeout for icmp_seq %llu\n", (unsigned long long)seq + 1);
    } else if (errno == EHOSTUNREACH) {
      printf("From %s icmp_seq=%llu Destination Host Unreachable\n", text,
             (unsigned long long)seq + 1);
    } else {
      util_errno("cannot ping %s", text); /* ENETDOWN: no netd */
      return UTIL_FAILURE;
    }
    fflush(stdout);
    const uint64_t elapsed = now_ns() - started;
    if (seq + 1 < count && elapsed < interval_s * 1000000000u) {
      const uint64_t rest = interval_s * 1000000000u - elapsed;
      const struct timespec t = {.tv_sec = (time_t)(rest / 1000000000u),
                                 .tv_nsec = (long)(rest % 1000000000u)};
      nanosleep(&t, NULL);
    }
  }
  printf("--- %s ping statistics ---\n", host);
  printf("%llu packets transmitted, %llu received, %llu%% packet loss\n", (unsigned long long)seq,
         (unsigned long long)received, (unsigned long long)((seq - received) * 100 / seq));
  if (received > 0) {
    printf("round-trip min/avg/max = %.3f/%.3f/%.3f ms\n", (double)min / 1e6,
           (double)total / (double)received / 1e6, (double)max / 1e6);
  }
  return util_finish(received > 0 ? UTIL_OK : UTIL_FAILURE);
}

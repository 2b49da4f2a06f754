/* ifconfig: the interface netd runs (there is one, eth0): its state,
 * address, mask, gateway, DNS server, MAC, MTU and the NIC's counters,
 * from viper_net_interface. Read-only: netd's arguments in init.conf
 * configure it. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <viperdos/net.h>

#include "userland/net_utils/lib/inet4.h"
#include "userland/utils/lib/util.h"

static const struct util_program kProgram = {
    .name = "ifconfig",
    .usage = "[INTERFACE]",
    .help =
        "Shows the network interface (eth0): flags, IPv4 address, netmask,\n"
        "gateway, DNS server, DHCP lease, MAC address, MTU and counters.\n"};

static void flag(int* first, const char* name) {
  printf("%s%s", *first ? "" : ",", name);
  *first = 0;
}

int main(int argc, char** argv) {
  util_begin(&kProgram);
  const int first = util_operands(argc, argv);
  if (argc - first > 1) util_usage_error("extra operand '%s'", argv[first + 1]);
  struct viper_net_interface i;
  if (viper_net_interface(&i) != 0) {
    util_errno(errno == ENETDOWN ? "no network (is netd running?)" : "cannot ask netd");
    return UTIL_FAILURE;
  }
  if (first < argc && strncmp(argv[first], i.name, sizeof(i.name)) != 0) {
    util_error("%s: no such interface", argv[first]);
    return UTIL_FAILURE;
  }
  printf("%.8s: flags=%u<", i.name, (unsigned)i.flags);
  int none = 1;
  if (i.flags & VIPER_NET_IF_UP) flag(&none, "UP");
  if (i.flags & VIPER_NET_IF_CONFIGURED) flag(&none, "CONFIGURED");
  if (i.flags & VIPER_NET_IF_DHCP) flag(&none, "DHCP");
  printf("> mtu %u\n", (unsigned)i.mtu);
  char a[INET4_TEXT], m[INET4_TEXT], gw[INET4_TEXT], dns[INET4_TEXT];
  if (i.addr != 0) {
    printf("        inet %s netmask %s gateway %s dns %s\n", inet4_format(i.addr, a),
           inet4_format(i.netmask, m), i.gateway != 0 ? inet4_format(i.gateway, gw) : "none",
           i.dns != 0 ? inet4_format(i.dns, dns) : "none");
  } else {
    printf("        inet none\n");
  }
  if (i.flags & VIPER_NET_IF_DHCP) {
    printf("        lease %llu s left\n", (unsigned long long)i.lease_seconds_left);
  }
  printf("        ether %02x:%02x:%02x:%02x:%02x:%02x\n", i.mac[0], i.mac[1], i.mac[2], i.mac[3],
         i.mac[4], i.mac[5]);
  printf("        RX %llu frames, %llu bytes, %llu dropped\n", (unsigned long long)i.rx_frames,
         (unsigned long long)i.rx_bytes, (unsigned long long)i.rx_dropped);
  printf("        TX %llu frames, %llu bytes\n", (unsigned long long)i.tx_frames,
         (unsigned long long)i.tx_bytes);
  printf("        device errors %llu, resets %llu, dropped on purpose %llu\n",
         (unsigned long long)i.device_errors, (unsigned long long)i.resets,
         (unsigned long long)i.frames_dropped_on_purpose);
  return util_finish(UTIL_OK);
}

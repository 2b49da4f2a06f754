// libFuzzer target: netd's stack fed arbitrary frames through
// netstack_input (the whole input path: Ethernet, ARP, IPv4 and
// reassembly, ICMP, UDP, TCP), interleaved with clock ticks and a server
// loop's socket calls. It must never crash, leak or read out of bounds,
// and whatever it sends must be well-formed: our source MAC, a frame that
// fits the MTU, IPv4 and transport checksums that verify.
//
// Input: a sequence of commands, each one byte then its operands:
//   0 len_hi len_lo bytes...  a frame of `len` bytes (clamped to what is left)
//   1 n                       the clock advances n * 10 ms
//   2                         the server accepts, reads, writes and closes
//   3 len_hi len_lo bytes...  a DNS response to parse (for "example.org")
//   4 len_hi len_lo bytes...  a DHCP reply for the client (in whatever state)
// Randomness is a counter, so ISNs are predictable and inputs can reach
// established connections (seq/ack numbers are learnable by the fuzzer).
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <vector>

extern "C" {
#include "userland/servers/netd/dhcp.h"
#include "userland/servers/netd/dns.h"
#include "userland/servers/netd/netstack.h"
#include "userland/servers/netd/wire.h"
}

namespace {

const uint8_t kMac[6] = {0x52, 0x54, 0x00, 0x12, 0x34, 0x56};

void require(bool condition) {
  if (!condition) abort();
}

void check_frame(void*, const uint8_t* frame, size_t size) {
  require(size >= 60 && size <= 1514);
  require(memcmp(frame + 6, kMac, 6) == 0);
  if (wire_get16(frame + 12) != 0x0800) return;
  const uint8_t* ip = frame + 14;
  require((ip[0] & 0xf) == 5);
  require(wire_checksum_finish(wire_sum(0, ip, 20)) == 0);
  size_t total = wire_get16(ip + 2);
  require(total >= 20 && total + 14 <= size);
  uint8_t protocol = ip[9];
  uint16_t length = uint16_t(total - 20);
  if (protocol == 6 || (protocol == 17 && wire_get16(ip + 26) != 0)) {
    uint32_t sum = wire_pseudo_sum(wire_get32(ip + 12), wire_get32(ip + 16), protocol, length);
    require(wire_checksum_finish(wire_sum(sum, ip + 20, length)) == 0);
  } else if (protocol == 1) {
    require(wire_checksum_finish(wire_sum(0, ip + 20, length)) == 0);
  }
}

uint32_t counter_random(void* context) { return (*static_cast<uint32_t*>(context))++; }

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  uint32_t random_state = 0;
  netstack_config config = {};
  memcpy(config.mac, kMac, 6);
  config.addr = 0x0a000002;
  config.netmask = 0xffffff00;
  config.gateway = 0x0a000001;
  config.context = &random_state;
  config.send_frame = check_frame;
  config.random = counter_random;
  uint64_t now = 1'000'000'000;
  netstack* stack = netstack_create(&config, now);
  require(stack != nullptr);
  config.context = nullptr;
  int listener = net_socket(stack, NET_SOCK_STREAM);
  net_endpoint http = {0, 80};
  require(net_bind(stack, listener, &http) == NET_OK);
  require(net_listen(stack, listener, 4) == NET_OK);
  int udp = net_socket(stack, NET_SOCK_DGRAM);
  net_endpoint dns = {0, 53};
  require(net_bind(stack, udp, &dns) == NET_OK);
  int client = net_socket(stack, NET_SOCK_STREAM);
  net_endpoint peer = {0x0a000001, 8080};
  require(net_connect(stack, client, &peer) == NET_EINPROGRESS);
  std::vector<int> accepted;
  dhcp_client dhcp;
  dhcp_init(&dhcp, kMac, 0, now);
  uint8_t dhcp_out[DHCP_MESSAGE_MAX];
  size_t i = 0;
  while (i < size) {
    uint8_t command = data[i++] % 5;  // 0, 1, 2: as in the seeds; 3, 4: parsers
    if (command == 0 || command == 3 || command == 4) {
      if (i + 2 > size) break;
      size_t length = (size_t(data[i]) << 8) | data[i + 1];
      i += 2;
      if (length > size - i) length = size - i;
      if (command == 0) {
        netstack_input(stack, data + i, length);
      } else if (command == 3) {
        dns_answer answer;
        int result = dns_parse_response(data + i, length, 0x1234, "example.org", &answer);
        require(result <= 0);
        require(result != DNS_OK || (answer.count > 0 && answer.count <= DNS_MAX_ADDRS));
      } else {
        uint32_t dst;
        int event;
        dhcp_poll(&dhcp, now, dhcp_out, &dst, &event);
        int result = dhcp_input(&dhcp, now, data + i, length);
        require(result >= DHCP_EVENT_NONE && result <= DHCP_EVENT_IGNORED);
        if (result == DHCP_EVENT_BOUND) {
          require(dhcp.lease.addr != 0 && dhcp.lease.t1_seconds < dhcp.lease.t2_seconds);
          require(dhcp.lease.t2_seconds < dhcp.lease.lease_seconds);
          require(netstack_set_address(stack, dhcp.lease.addr, dhcp.lease.netmask,
                                       dhcp.lease.router) == NET_OK);
        }
      }
      i += length;
    } else if (command == 1) {
      if (i >= size) break;
      now += uint64_t(data[i++]) * 10'000'000;
      netstack_tick(stack, now);
    } else if (command == 2) {
      int s;
      while ((s = net_accept(stack, listener, nullptr)) >= 0) accepted.push_back(s);
      uint8_t buffer[2048];
      for (int h : accepted) {
        while (net_recv(stack, h, buffer, sizeof(buffer)) > 0) {
        }
        net_send(stack, h, "reply", 5);
      }
      net_endpoint from;
      while (net_recvfrom(stack, udp, buffer, sizeof(buffer), &from) >= 0) {
        net_sendto(stack, udp, buffer, 16, &from);
      }
      net_send(stack, client, "request", 7);
      if (!accepted.empty() && accepted.size() % 2 == 0) {
        net_close(stack, accepted.back());
        accepted.pop_back();
      }
    }
  }
  netstack_tick(stack, now + 1000ull * 1'000'000'000);
  netstack_destroy(stack);
  return 0;
}

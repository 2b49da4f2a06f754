// A single stack whose sent frames a test collects, with a fake clock and
// a scripted peer (10.0.0.2) whose frames the test writes by hand.
#ifndef NETD_ONE_STACK_H_
#define NETD_ONE_STACK_H_

#include <gtest/gtest.h>

#include <cstring>
#include <vector>

#include "userland/servers/netd/netstack.h"
#include "userland/servers/netd/test_frames.h"

namespace netd_test {

inline constexpr uint8_t kOurMac[6] = {0x52, 0x54, 0x00, 0, 0, 1};
inline constexpr uint8_t kPeerMac[6] = {0x52, 0x54, 0x00, 0, 0, 2};
inline constexpr uint8_t kBroadcastMac[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
inline constexpr uint32_t kOurIp = 0x0a000001;
inline constexpr uint32_t kPeerIp = 0x0a000002;

class OneStack : public ::testing::Test {
 protected:
  void SetUp() override {
    netstack_config config = {};
    std::memcpy(config.mac, kOurMac, 6);
    config.addr = kOurIp;
    config.netmask = 0xffffff00;
    config.gateway = 0x0a0000fe;
    config.context = this;
    config.send_frame = [](void* context, const uint8_t* frame, size_t size) {
      static_cast<OneStack*>(context)->sent.emplace_back(frame, frame + size);
    };
    config.random = [](void* context) -> uint32_t {
      return static_cast<OneStack*>(context)->next_random++ * 2654435761u;
    };
    stack = netstack_create(&config, now);
    ASSERT_NE(stack, nullptr);
  }
  void TearDown() override { netstack_destroy(stack); }

  void Input(const Bytes& frame) { netstack_input(stack, frame.data(), frame.size()); }
  // An IPv4 packet from the peer to us, in a frame.
  void InputIp(const Bytes& ip) { Input(Ethernet(kOurMac, kPeerMac, 0x0800, ip)); }
  // Teaches the stack the peer's MAC, as an ARP request from it would.
  void LearnPeer() {
    Bytes arp(28);
    Put16(arp, 0, 1);
    Put16(arp, 2, 0x0800);
    arp[4] = 6;
    arp[5] = 4;
    Put16(arp, 6, 1);
    std::memcpy(&arp[8], kPeerMac, 6);
    Put32(arp, 14, kPeerIp);
    Put32(arp, 24, kOurIp);
    Input(Ethernet(kBroadcastMac, kPeerMac, 0x0806, arp));
    sent.clear();
  }
  void Advance(uint64_t ns) {
    now += ns;
    netstack_tick(stack, now);
  }
  uint64_t Drops(net_drop reason) const { return netstack_drops(stack, reason); }
  uint64_t Count(net_counter counter) const { return netstack_counter(stack, counter); }
  uint64_t TotalDrops() const {
    uint64_t total = 0;
    for (int i = 0; i < NET_DROP_COUNT; i++) total += netstack_drops(stack, net_drop(i));
    return total;
  }

  netstack* stack = nullptr;
  uint64_t now = 1'000'000'000;
  uint32_t next_random = 1;
  std::vector<Bytes> sent;
};

}  // namespace netd_test

#endif  // NETD_ONE_STACK_H_

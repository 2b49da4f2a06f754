// A simulated Ethernet link between stack instances, for host tests: frames
// are queued with a delivery time and delivered in time order, with
// configurable loss, duplication, reordering (random extra delay) and
// latency, all from a seeded generator, under a fake clock. Deterministic:
// the same seed gives the same run, and nothing sleeps.
#ifndef NETD_SIM_LINK_H_
#define NETD_SIM_LINK_H_

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <vector>

#include "userland/servers/netd/netstack.h"

namespace netd_test {

struct LinkFaults {
  double loss = 0;       // probability a frame is dropped
  double duplicate = 0;  // probability a frame is delivered twice
  double reorder = 0;    // probability a frame is held back by up to reorder_delay_ns
  uint64_t delay_ns = 100'000;
  uint64_t reorder_delay_ns = 2'000'000;
};

class SimLink;

// One stack on the link, with its MAC, address and a frame tap.
struct SimHost {
  SimLink* link = nullptr;
  int index = 0;
  netstack* stack = nullptr;
  uint8_t mac[6] = {};
  uint32_t addr = 0;
  uint64_t random_state = 0;
};

class SimLink {
 public:
  explicit SimLink(uint64_t seed = 1) : rng_(seed) {}
  ~SimLink();
  SimLink(const SimLink&) = delete;
  SimLink& operator=(const SimLink&) = delete;

  // Adds a host 10.0.0.(index + 1)/24, gateway 10.0.0.254 (not present).
  SimHost* AddHost(uint16_t mtu = 0);
  LinkFaults faults;
  uint64_t now() const { return now_; }
  // Frames sent so far by any host (before loss), and each one's bytes.
  uint64_t frames_sent() const { return frames_sent_; }
  // Called with every frame as it is sent: a test may capture frames.
  std::function<void(int from, const std::vector<uint8_t>&)> tap;
  // Called with every frame as it is sent, after `tap`: true drops it (a
  // test loses chosen segments, e.g. the first data segment, exactly once).
  std::function<bool(int from, const std::vector<uint8_t>&)> drop;
  // Injects a frame for a host at the current time (no faults applied).
  void Inject(int to, const std::vector<uint8_t>& frame);

  // Runs until `done` is true or the clock passes `limit_ns` (simulated);
  // returns whether `done` became true. Each step delivers the next frame
  // or fires the next timer, whichever is first.
  bool RunUntil(const std::function<bool()>& done, uint64_t limit_ns);
  // Runs for `duration_ns` of simulated time.
  void RunFor(uint64_t duration_ns);

 private:
  static void SendFrame(void* context, const uint8_t* frame, size_t size);
  static uint32_t Random(void* context);
  double Uniform();
  bool Step(uint64_t limit_ns);

  struct Pending {
    int to;
    std::vector<uint8_t> frame;
  };
  uint64_t rng_;
  uint64_t now_ = 1'000'000'000;
  uint64_t sequence_ = 0;
  uint64_t frames_sent_ = 0;
  std::vector<std::unique_ptr<SimHost>> hosts_;
  std::multimap<std::pair<uint64_t, uint64_t>, Pending> queue_;  // (time, order) -> frame
};

inline uint32_t Ip(int a, int b, int c, int d) {
  return (uint32_t(a) << 24) | (uint32_t(b) << 16) | (uint32_t(c) << 8) | uint32_t(d);
}

}  // namespace netd_test

#endif  // NETD_SIM_LINK_H_

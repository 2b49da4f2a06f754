#include "userland/servers/netd/sim_link.h"

#include <cstring>

namespace netd_test {

SimLink::~SimLink() {
  for (auto& host : hosts_) netstack_destroy(host->stack);
}

SimHost* SimLink::AddHost(uint16_t mtu) {
  auto host = std::make_unique<SimHost>();
  host->link = this;
  host->index = static_cast<int>(hosts_.size());
  const uint8_t mac[6] = {0x52, 0x54, 0x00, 0x12, 0x34, static_cast<uint8_t>(host->index + 1)};
  std::memcpy(host->mac, mac, 6);
  host->addr = Ip(10, 0, 0, host->index + 1);
  host->random_state = rng_ ^ (0x9e3779b97f4a7c15ull * (host->index + 1));
  netstack_config config = {};
  std::memcpy(config.mac, mac, 6);
  config.addr = host->addr;
  config.netmask = 0xffffff00;
  config.gateway = Ip(10, 0, 0, 254);
  config.mtu = mtu;
  config.context = host.get();
  config.send_frame = &SimLink::SendFrame;
  config.random = &SimLink::Random;
  host->stack = netstack_create(&config, now_);
  hosts_.push_back(std::move(host));
  return hosts_.back().get();
}

uint32_t SimLink::Random(void* context) {
  auto* host = static_cast<SimHost*>(context);
  uint64_t z = (host->random_state += 0x9e3779b97f4a7c15ull);  // splitmix64
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return static_cast<uint32_t>(z ^ (z >> 31));
}

double SimLink::Uniform() {
  rng_ ^= rng_ << 13;  // xorshift64
  rng_ ^= rng_ >> 7;
  rng_ ^= rng_ << 17;
  return static_cast<double>(rng_ >> 11) / static_cast<double>(1ull << 53);
}

void SimLink::SendFrame(void* context, const uint8_t* frame, size_t size) {
  auto* host = static_cast<SimHost*>(context);
  SimLink* link = host->link;
  link->frames_sent_++;
  std::vector<uint8_t> bytes(frame, frame + size);
  if (link->tap) link->tap(host->index, bytes);
  if (link->drop && link->drop(host->index, bytes)) return;
  if (link->Uniform() < link->faults.loss) return;
  int copies = link->Uniform() < link->faults.duplicate ? 2 : 1;
  for (int c = 0; c < copies; c++) {
    uint64_t at = link->now_ + link->faults.delay_ns;
    if (link->Uniform() < link->faults.reorder)
      at += static_cast<uint64_t>(link->Uniform() * link->faults.reorder_delay_ns);
    // Every other host hears it: the link is a shared segment.
    for (auto& other : link->hosts_) {
      if (other.get() == host) continue;
      link->queue_.emplace(std::make_pair(at, link->sequence_++), Pending{other->index, bytes});
    }
  }
}

void SimLink::Inject(int to, const std::vector<uint8_t>& frame) {
  netstack_input(hosts_[to]->stack, frame.data(), frame.size());
}

bool SimLink::Step(uint64_t limit_ns) {
  uint64_t next_timer = UINT64_MAX;
  for (auto& host : hosts_) {
    uint64_t t = netstack_next_deadline(host->stack);
    if (t < next_timer) next_timer = t;
  }
  uint64_t next_frame = queue_.empty() ? UINT64_MAX : queue_.begin()->first.first;
  uint64_t next = next_timer < next_frame ? next_timer : next_frame;
  if (next == UINT64_MAX || next > limit_ns) return false;
  if (next > now_) now_ = next;
  if (next_frame <= next_timer) {
    auto it = queue_.begin();
    Pending pending = std::move(it->second);
    queue_.erase(it);
    netstack* stack = hosts_[pending.to]->stack;
    netstack_tick(stack, now_);
    netstack_input(stack, pending.frame.data(), pending.frame.size());
  } else {
    for (auto& host : hosts_) netstack_tick(host->stack, now_);
  }
  return true;
}

bool SimLink::RunUntil(const std::function<bool()>& done, uint64_t limit_ns) {
  uint64_t limit = now_ + limit_ns;
  while (!done()) {
    if (!Step(limit)) {
      if (done()) return true;
      return false;
    }
  }
  return true;
}

void SimLink::RunFor(uint64_t duration_ns) {
  uint64_t limit = now_ + duration_ns;
  while (Step(limit)) {
  }
  if (now_ < limit) now_ = limit;
  for (auto& host : hosts_) netstack_tick(host->stack, now_);
}

}  // namespace netd_test

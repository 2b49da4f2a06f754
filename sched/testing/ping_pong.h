// Two kernel threads handing a turn back and forth through two wait
// queues: every hand-off is a wakeup the other side must not lose (RC-013).
// Used by the scheduler ktests and the in-guest benchmarks.
#pragma once

#include <stdint.h>

#include "kernel/lib/atomic.h"
#include "sched/scheduler.h"

namespace viper::ktest {

struct PingPong {
  sched::WaitQueue queues[2];
  Atomic<uint32_t> turn{0};
  uint32_t rounds = 0;
  Atomic<uint32_t>* done = nullptr;  // incremented by each side when it finishes
  sched::Waker* waker = nullptr;     // how a side wakes the other; null: kernel_waker()
};

struct PingPongSide {
  PingPong* game;
  uint32_t me;  // 0 or 1
};

// Thread entry: `arg` is a PingPongSide.
void ping_pong(void* arg);

}  // namespace viper::ktest

#include "sched/testing/ping_pong.h"

#include "kernel/lib/printk.h"

namespace viper::ktest {

void ping_pong(void* arg) {
  auto* side = static_cast<PingPongSide*>(arg);
  PingPong& game = *side->game;
  sched::Thread* self = sched::current();
  for (uint32_t i = 0; i < game.rounds; ++i) {
    while (game.turn.load(MemoryOrder::kAcquire) % 2 != side->me) {
      if (!game.queues[side->me].prepare_to_wait(*self).ok()) panic("ping_pong: prepare_to_wait");
      if (game.turn.load(MemoryOrder::kAcquire) % 2 != side->me) sched::block_current();
      game.queues[side->me].finish_wait(*self);
    }
    game.turn.fetch_add(1, MemoryOrder::kAcqRel);
    game.queues[1 - side->me].wake_one(game.waker ? *game.waker : sched::kernel_waker());
  }
  game.done->fetch_add(1, MemoryOrder::kAcqRel);
}

}  // namespace viper::ktest

// The counters behind ipc::stats() (stats.h), private to ipc/: each object
// type's .cc raises and lowers its own.
#pragma once

#include <stdint.h>

#include "kernel/lib/atomic.h"

namespace viper::ipc::counters {

struct Counter {
  void add(int64_t delta) { value.fetch_add(static_cast<uint64_t>(delta), MemoryOrder::kRelaxed); }
  uint64_t get() const { return value.load(MemoryOrder::kRelaxed); }
  Atomic<uint64_t> value{0};
};

extern Counter live_channels;
extern Counter live_messages;
extern Counter fast_path_deliveries;
extern Counter live_pollsets;
extern Counter live_poll_links;
extern Counter live_timers;
extern Counter live_events;

}  // namespace viper::ipc::counters

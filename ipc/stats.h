// IPC diagnostics, for leak checks and the fast-path benchmarks: one
// snapshot of the package's counters. The counters themselves are private
// to the package (counters.h); nothing outside can change them.
#pragma once

#include <stdint.h>

namespace viper::ipc {

struct Stats {
  uint64_t live_channels;
  uint64_t live_messages;
  // Messages delivered by the fast path (straight into a waiting reader).
  uint64_t fast_path_deliveries;
  uint64_t live_pollsets;
  uint64_t live_poll_links;
  uint64_t live_timers;
  uint64_t live_events;
};

Stats stats();

}  // namespace viper::ipc

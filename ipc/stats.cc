#include "ipc/stats.h"

#include "ipc/counters.h"

namespace viper::ipc {

namespace counters {
constinit Counter live_channels;
constinit Counter live_messages;
constinit Counter fast_path_deliveries;
constinit Counter live_pollsets;
constinit Counter live_poll_links;
constinit Counter live_timers;
constinit Counter live_events;
}  // namespace counters

Stats stats() {
  return Stats{
      .live_channels = counters::live_channels.get(),
      .live_messages = counters::live_messages.get(),
      .fast_path_deliveries = counters::fast_path_deliveries.get(),
      .live_pollsets = counters::live_pollsets.get(),
      .live_poll_links = counters::live_poll_links.get(),
      .live_timers = counters::live_timers.get(),
      .live_events = counters::live_events.get(),
  };
}

}  // namespace viper::ipc

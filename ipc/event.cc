#include "ipc/event.h"

#include "ipc/counters.h"
#include "mm/kheap/make.h"

namespace viper::ipc {

Result<Ref<Event>> Event::create() {
  Ref<Event> event = TRY(mm::make_ref<Event>());
  counters::live_events.add(1);
  return event;
}

void Event::destroy() {
  leave_pollsets();
  mm::kdelete(this);
  counters::live_events.add(-1);
}

}  // namespace viper::ipc

// Events, timers and pollsets: the objects a server waits on together.
#include "kernel/object/event_object.h"
#include "kernel/object/pollset_object.h"
#include "kernel/object/timer_object.h"
#include "kernel/syscall/arguments.h"
#include "kernel/syscall/calls.h"

namespace viper::syscall {
namespace {

Result<uint64_t> event_create(CallContext& c, const Arguments&) {
  return TRY(object::event_create(c.handles)).value;
}

Result<uint64_t> timer_create(CallContext& c, const Arguments&) {
  return TRY(object::timer_create(c.handles)).value;
}

Result<uint64_t> timer_set(CallContext& c, const Arguments& a) {
  TRY(object::timer_set(c.handles, handle_arg(a.value[0]), deadline_arg(a.value[1]),
                        Duration::nanoseconds(a.value[2])));
  return 0;
}

Result<uint64_t> timer_cancel(CallContext& c, const Arguments& a) {
  TRY(object::timer_cancel(c.handles, handle_arg(a.value[0])));
  return 0;
}

Result<uint64_t> pollset_create(CallContext& c, const Arguments&) {
  return TRY(object::pollset_create(c.handles)).value;
}

Result<uint64_t> pollset_add(CallContext& c, const Arguments& a) {
  const Signals mask = TRY(signals_arg(a.value[2]));
  TRY(object::pollset_add(c.handles, handle_arg(a.value[0]), handle_arg(a.value[1]), mask,
                          a.value[3]));
  return 0;
}

Result<uint64_t> pollset_remove(CallContext& c, const Arguments& a) {
  TRY(object::pollset_remove(c.handles, handle_arg(a.value[0]), handle_arg(a.value[1])));
  return 0;
}

Result<uint64_t> pollset_wait(CallContext& c, const Arguments& a) {
  const uint64_t capacity = a.value[2];
  if (capacity == 0 || capacity > VIPER_POLL_EVENTS_MAX) return Error::kOutOfRange;
  if (!arch::user_range_ok(VirtAddr(a.value[1]), capacity * sizeof(viper_poll_event))) {
    return Error::kFault;
  }
  ipc::PollEvent events[VIPER_POLL_EVENTS_MAX];
  const uint32_t count =
      TRY(object::pollset_wait(c.handles, handle_arg(a.value[0]),
                               Span<ipc::PollEvent>(events, capacity), deadline_arg(a.value[3])));
  viper_poll_event out[VIPER_POLL_EVENTS_MAX];
  for (uint32_t i = 0; i < count; ++i) {
    out[i] =
        viper_poll_event{.key = events[i].key, .signals = raw(events[i].signals), .reserved = 0};
  }
  TRY(arch::copy_to_user(VirtAddr(a.value[1]), out, count * sizeof(viper_poll_event)));
  return count;
}

}  // namespace

void install_waiting_calls() {
  install_call(VIPER_SYS_EVENT_CREATE, {"event_create", &event_create});
  install_call(VIPER_SYS_TIMER_CREATE, {"timer_create", &timer_create});
  install_call(VIPER_SYS_TIMER_SET, {"timer_set", &timer_set});
  install_call(VIPER_SYS_TIMER_CANCEL, {"timer_cancel", &timer_cancel});
  install_call(VIPER_SYS_POLLSET_CREATE, {"pollset_create", &pollset_create});
  install_call(VIPER_SYS_POLLSET_ADD, {"pollset_add", &pollset_add});
  install_call(VIPER_SYS_POLLSET_REMOVE, {"pollset_remove", &pollset_remove});
  install_call(VIPER_SYS_POLLSET_WAIT, {"pollset_wait", &pollset_wait});
}

}  // namespace viper::syscall

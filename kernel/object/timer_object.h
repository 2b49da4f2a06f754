// Timers as kernel objects (layer 7): a TimerObject wraps an
// ipc::WaitableTimer (layer 6; itself built on the scheduler's
// sched::OneShotTimer). Setting or cancelling one needs Rights::kWrite.
#pragma once

#include "ipc/waitable_timer.h"
#include "kernel/cap/handle_table.h"
#include "kernel/lib/deadline.h"
#include "kernel/object/kernel_object.h"

namespace viper::mm {
struct HeapAccess;
}

namespace viper::object {

class TimerObject final : public KernelObject {
 public:
  static constexpr ObjectType kType = ObjectType::kTimer;
  ipc::WaitableTimer& timer() const { return *timer_; }
  ipc::Waitable* waitable() const override { return timer_.get(); }
  // kNoMemory, kOverflow (object IDs exhausted).
  static Result<Ref<TimerObject>> create();

 private:
  friend struct mm::HeapAccess;
  TimerObject(ObjectId id, Ref<ipc::WaitableTimer> timer)
      : KernelObject(kType, id), timer_(move(timer)) {}
  void destroy() override;
  Ref<ipc::WaitableTimer> timer_;
};

Result<cap::HandleValue> timer_create(cap::HandleTable& table);
// ipc::WaitableTimer::set: fires at `deadline`, then every `period` unless
// that is zero.
Status timer_set(cap::HandleTable& table, cap::HandleValue timer, Deadline deadline,
                 Duration period);
Status timer_cancel(cap::HandleTable& table, cap::HandleValue timer);

}  // namespace viper::object

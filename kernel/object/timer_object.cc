#include "kernel/object/timer_object.h"

#include "kernel/object/make_object.h"
#include "mm/kheap/make.h"

namespace viper::object {

Result<Ref<TimerObject>> TimerObject::create() {
  return make_object<TimerObject>(TRY(ipc::WaitableTimer::create()));
}

void TimerObject::destroy() {
  mm::kdelete(this);  // drops the layer-6 reference
}

Result<cap::HandleValue> timer_create(cap::HandleTable& table) {
  return table.add(TRY(TimerObject::create()), Rights::kAll);
}

Status timer_set(cap::HandleTable& table, cap::HandleValue timer, Deadline deadline,
                 Duration period) {
  const Ref<TimerObject> self = TRY(table.get_as<TimerObject>(timer, Rights::kWrite));
  return self->timer().set(deadline, period);
}

Status timer_cancel(cap::HandleTable& table, cap::HandleValue timer) {
  const Ref<TimerObject> self = TRY(table.get_as<TimerObject>(timer, Rights::kWrite));
  (void)self->timer().cancel();  // whether it was armed does not matter here
  return ok_status();
}

}  // namespace viper::object

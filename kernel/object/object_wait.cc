#include "kernel/object/object_wait.h"

namespace viper::object {

Result<ipc::Waitable*> waitable_of(const Ref<KernelObject>& object) {
  ipc::Waitable* waitable = object->waitable();
  if (!waitable) return Error::kNotSupported;
  return waitable;
}

Result<Signals> object_wait(cap::HandleTable& table, cap::HandleValue handle, Signals mask,
                            Deadline deadline) {
  const Ref<KernelObject> object = TRY(table.get(handle, Rights::kWait));
  ipc::Waitable* waitable = TRY(waitable_of(object));
  return waitable->wait(mask, deadline);
}

Status object_signal(cap::HandleTable& table, cap::HandleValue handle, Signals clear, Signals set) {
  const Ref<KernelObject> object = TRY(table.get(handle, Rights::kSignal));
  ipc::Waitable* waitable = TRY(waitable_of(object));
  return waitable->signal_user(clear, set);
}

}  // namespace viper::object

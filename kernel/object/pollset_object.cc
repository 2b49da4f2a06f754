#include "kernel/object/pollset_object.h"

#include "kernel/object/make_object.h"
#include "kernel/object/object_wait.h"
#include "mm/kheap/make.h"

namespace viper::object {

Result<Ref<PollSetObject>> PollSetObject::create() {
  return make_object<PollSetObject>(TRY(ipc::PollSet::create()));
}

void PollSetObject::destroy() {
  mm::kdelete(this);  // drops the layer-6 reference
}

Result<cap::HandleValue> pollset_create(cap::HandleTable& table) {
  return table.add(TRY(PollSetObject::create()), Rights::kAll);
}

Status pollset_add(cap::HandleTable& table, cap::HandleValue set, cap::HandleValue member,
                   Signals mask, uint64_t key) {
  const Ref<PollSetObject> self = TRY(table.get_as<PollSetObject>(set, Rights::kWrite));
  // A counted reference to the member for the whole call (RC-012); its
  // readiness is its own signal word (RC-020).
  const Ref<KernelObject> object = TRY(table.get(member, Rights::kWait));
  ipc::Waitable* waitable = TRY(waitable_of(object));
  return self->set().add(*waitable, mask, key);
}

Status pollset_remove(cap::HandleTable& table, cap::HandleValue set, cap::HandleValue member) {
  const Ref<PollSetObject> self = TRY(table.get_as<PollSetObject>(set, Rights::kWrite));
  const Ref<KernelObject> object = TRY(table.get(member, Rights::kNone));
  ipc::Waitable* waitable = TRY(waitable_of(object));
  return self->set().remove(*waitable);
}

Result<uint32_t> pollset_wait(cap::HandleTable& table, cap::HandleValue set,
                              Span<ipc::PollEvent> events, Deadline deadline) {
  // Held across the sleep: closing the handle meanwhile cannot free it.
  const Ref<PollSetObject> self = TRY(table.get_as<PollSetObject>(set, Rights::kWait));
  return self->set().wait(events, deadline);
}

}  // namespace viper::object

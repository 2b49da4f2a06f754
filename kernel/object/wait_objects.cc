#include "kernel/object/wait_objects.h"

#include "mm/kheap/global.h"

namespace viper::object {
namespace {

ObjectIdAllocator g_wait_object_ids;  // REL-004: never repeats, never wraps

template <class T>
void free_object(T* object) {
  object->~T();  // drops the layer-6 reference
  (void)mm::kernel_heap().kfree(object);
}

Status add_handle(cap::HandleTable& table, Ref<KernelObject> object, cap::HandleValue& out) {
  out = TRY(table.add(static_cast<Ref<KernelObject>&&>(object), cap::kRightsAll));
  return ok_status();
}

Result<ipc::Waitable*> waitable_of(const Ref<KernelObject>& object) {
  ipc::Waitable* waitable = object->waitable();
  if (!waitable) return Error::kNotSupported;
  return waitable;
}

}  // namespace

struct WaitObjectFactory {
  // A new kernel object of type T around a fresh layer-6 object of type I.
  template <class T, class I>
  static Result<Ref<T>> wrap() {
    Ref<I> inner;
    TRY(I::create(inner));
    const ObjectId id = TRY(g_wait_object_ids.next());
    void* memory = TRY(mm::kernel_heap().kmalloc(sizeof(T)));
    return Ref<T>::adopt(new (memory) T(id, static_cast<Ref<I>&&>(inner)));
  }
};

PollSetObject::PollSetObject(ObjectId id, Ref<ipc::PollSet> set)
    : KernelObject(kType, id), set_(static_cast<Ref<ipc::PollSet>&&>(set)) {}
void PollSetObject::destroy() { free_object(this); }

TimerObject::TimerObject(ObjectId id, Ref<ipc::Timer> timer)
    : KernelObject(kType, id), timer_(static_cast<Ref<ipc::Timer>&&>(timer)) {}
void TimerObject::destroy() { free_object(this); }

EventObject::EventObject(ObjectId id, Ref<ipc::Event> event)
    : KernelObject(kType, id), event_(static_cast<Ref<ipc::Event>&&>(event)) {}
void EventObject::destroy() { free_object(this); }

Result<Ref<EventObject>> EventObject::create() {
  return WaitObjectFactory::wrap<EventObject, ipc::Event>();
}

Status pollset_create(cap::HandleTable& table, cap::HandleValue& out) {
  return add_handle(table, TRY((WaitObjectFactory::wrap<PollSetObject, ipc::PollSet>())), out);
}

Status timer_create(cap::HandleTable& table, cap::HandleValue& out) {
  return add_handle(table, TRY((WaitObjectFactory::wrap<TimerObject, ipc::Timer>())), out);
}

Status event_create(cap::HandleTable& table, cap::HandleValue& out) {
  return add_handle(table, TRY(EventObject::create()), out);
}

Status pollset_add(cap::HandleTable& table, cap::HandleValue set, cap::HandleValue member,
                   uint32_t mask, uint64_t key) {
  const Ref<PollSetObject> self = TRY(table.get_as<PollSetObject>(set, cap::kRightWrite));
  // A counted reference to the member for the whole call (RC-012); its
  // readiness is its own signal word (RC-020).
  const Ref<KernelObject> object = TRY(table.get(member, cap::kRightWait));
  ipc::Waitable* waitable = TRY(waitable_of(object));
  return self->set().add(*waitable, mask, key);
}

Status pollset_remove(cap::HandleTable& table, cap::HandleValue set, cap::HandleValue member) {
  const Ref<PollSetObject> self = TRY(table.get_as<PollSetObject>(set, cap::kRightWrite));
  const Ref<KernelObject> object = TRY(table.get(member, 0));
  ipc::Waitable* waitable = TRY(waitable_of(object));
  return self->set().remove(*waitable);
}

Result<uint32_t> pollset_wait(cap::HandleTable& table, cap::HandleValue set, ipc::PollEvent* events,
                              uint32_t capacity, uint64_t deadline_ns) {
  // Held across the sleep: closing the handle meanwhile cannot free it.
  const Ref<PollSetObject> self = TRY(table.get_as<PollSetObject>(set, cap::kRightWait));
  return self->set().wait(events, capacity, deadline_ns);
}

Result<uint32_t> object_wait(cap::HandleTable& table, cap::HandleValue handle, uint32_t mask,
                             uint64_t deadline_ns) {
  const Ref<KernelObject> object = TRY(table.get(handle, cap::kRightWait));
  ipc::Waitable* waitable = TRY(waitable_of(object));
  return waitable->wait(mask, deadline_ns);
}

Status object_signal(cap::HandleTable& table, cap::HandleValue handle, uint32_t clear,
                     uint32_t set) {
  const Ref<KernelObject> object = TRY(table.get(handle, cap::kRightSignal));
  ipc::Waitable* waitable = TRY(waitable_of(object));
  return waitable->signal_user(clear, set);
}

Status timer_set(cap::HandleTable& table, cap::HandleValue timer, uint64_t deadline_ns,
                 uint64_t period_ns) {
  const Ref<TimerObject> self = TRY(table.get_as<TimerObject>(timer, cap::kRightWrite));
  return self->timer().set(deadline_ns, period_ns);
}

Status timer_cancel(cap::HandleTable& table, cap::HandleValue timer) {
  const Ref<TimerObject> self = TRY(table.get_as<TimerObject>(timer, cap::kRightWrite));
  (void)self->timer().cancel();
  return ok_status();
}

}  // namespace viper::object

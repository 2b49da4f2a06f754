// Waiting as kernel objects (layer 7): pollsets, timers and events behind
// handles, and waits on any waitable handle. Readiness always comes from
// the object a handle refers to — KernelObject::waitable() — never from
// the handle's value or another ID space (RC-020).
//
// Rights: waiting on an object or adding it to a pollset needs kRightWait
// on it; changing a pollset or setting a timer needs kRightWrite on that;
// raising user signals needs kRightSignal.
#pragma once

#include <stdint.h>

#include "ipc/pollset.h"
#include "ipc/timer.h"
#include "kernel/cap/handle_table.h"
#include "kernel/object/kernel_object.h"

namespace viper::object {

struct WaitObjectFactory;  // wait_objects.cc: builds the objects below

class PollSetObject final : public KernelObject {
 public:
  static constexpr ObjectType kType = ObjectType::kPollSet;
  ipc::PollSet& set() const { return *set_; }

 private:
  friend struct WaitObjectFactory;
  PollSetObject(ObjectId id, Ref<ipc::PollSet> set);
  void destroy() override;
  Ref<ipc::PollSet> set_;
};

class TimerObject final : public KernelObject {
 public:
  static constexpr ObjectType kType = ObjectType::kTimer;
  ipc::Timer& timer() const { return *timer_; }
  ipc::Waitable* waitable() const override { return timer_.get(); }

 private:
  friend struct WaitObjectFactory;
  TimerObject(ObjectId id, Ref<ipc::Timer> timer);
  void destroy() override;
  Ref<ipc::Timer> timer_;
};

class EventObject final : public KernelObject {
 public:
  static constexpr ObjectType kType = ObjectType::kEvent;
  ipc::Event& event() const { return *event_; }
  ipc::Waitable* waitable() const override { return event_.get(); }
  // For kernel code that owns a pseudo-handle (console input) and hands
  // out handles to it.
  static Result<Ref<EventObject>> create();

 private:
  friend struct WaitObjectFactory;
  EventObject(ObjectId id, Ref<ipc::Event> event);
  void destroy() override;
  Ref<ipc::Event> event_;
};

Status pollset_create(cap::HandleTable& table, cap::HandleValue& out);
// kNotSupported if the member has no signals (a pollset).
Status pollset_add(cap::HandleTable& table, cap::HandleValue set, cap::HandleValue member,
                   uint32_t mask, uint64_t key);
Status pollset_remove(cap::HandleTable& table, cap::HandleValue set, cap::HandleValue member);
Result<uint32_t> pollset_wait(cap::HandleTable& table, cap::HandleValue set, ipc::PollEvent* events,
                              uint32_t capacity, uint64_t deadline_ns);

// Waits for one object; returns its signals.
Result<uint32_t> object_wait(cap::HandleTable& table, cap::HandleValue handle, uint32_t mask,
                             uint64_t deadline_ns);
Status object_signal(cap::HandleTable& table, cap::HandleValue handle, uint32_t clear,
                     uint32_t set);

Status timer_create(cap::HandleTable& table, cap::HandleValue& out);
Status timer_set(cap::HandleTable& table, cap::HandleValue timer, uint64_t deadline_ns,
                 uint64_t period_ns);
Status timer_cancel(cap::HandleTable& table, cap::HandleValue timer);

Status event_create(cap::HandleTable& table, cap::HandleValue& out);

}  // namespace viper::object

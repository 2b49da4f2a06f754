// Events as kernel objects (layer 7): an EventObject wraps an ipc::Event,
// a waitable whose user signals its holders raise (object_signal) and
// whose other signals kernel code sets (console input: kReadable).
#pragma once

#include "ipc/event.h"
#include "kernel/cap/handle_table.h"
#include "kernel/object/kernel_object.h"

namespace viper::mm {
struct HeapAccess;
}

namespace viper::object {

class EventObject final : public KernelObject {
 public:
  static constexpr ObjectType kType = ObjectType::kEvent;
  ipc::Event& event() const { return *event_; }
  ipc::Waitable* waitable() const override { return event_.get(); }
  // For kernel code that owns a pseudo-handle (console input) and hands
  // out handles to it. kNoMemory, kOverflow (object IDs exhausted).
  static Result<Ref<EventObject>> create();

 private:
  friend struct mm::HeapAccess;
  EventObject(ObjectId id, Ref<ipc::Event> event) : KernelObject(kType, id), event_(move(event)) {}
  void destroy() override;
  Ref<ipc::Event> event_;
};

Result<cap::HandleValue> event_create(cap::HandleTable& table);

}  // namespace viper::object

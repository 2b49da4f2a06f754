#include "kernel/object/event_object.h"

#include "mm/kheap/make.h"

namespace viper::object {

Result<Ref<EventObject>> EventObject::create() {
  Ref<ipc::Event> event = TRY(ipc::Event::create());
  const ObjectId id = TRY(allocate_object_id());  // REL-004
  return mm::make_ref<EventObject>(id, move(event));
}

void EventObject::destroy() {
  mm::kdelete(this);  // drops the layer-6 reference
}

Result<cap::HandleValue> event_create(cap::HandleTable& table) {
  return table.add(TRY(EventObject::create()), Rights::kAll);
}

}  // namespace viper::object

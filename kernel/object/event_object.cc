#include "kernel/object/event_object.h"

#include "kernel/object/make_object.h"
#include "mm/kheap/make.h"

namespace viper::object {

Result<Ref<EventObject>> EventObject::create() {
  return make_object<EventObject>(TRY(ipc::Event::create()));
}

void EventObject::destroy() {
  mm::kdelete(this);  // drops the layer-6 reference
}

Result<cap::HandleValue> event_create(cap::HandleTable& table) {
  return table.add(TRY(EventObject::create()), Rights::kAll);
}

}  // namespace viper::object

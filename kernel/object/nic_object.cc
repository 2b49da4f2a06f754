#include "kernel/object/nic_object.h"

#include "kernel/object/make_object.h"
#include "mm/kheap/make.h"

namespace viper::object {

Result<Ref<NicObject>> NicObject::create(NicDevice& device) {
  return make_object<NicObject>(device);
}

void NicObject::destroy() { mm::kdelete(this); }

}  // namespace viper::object

#include "kernel/object/block_object.h"

#include "kernel/object/make_object.h"
#include "mm/kheap/make.h"

namespace viper::object {

Result<Ref<BlockObject>> BlockObject::create(BlockDevice& device) {
  return make_object<BlockObject>(device);
}

void BlockObject::destroy() { mm::kdelete(this); }

}  // namespace viper::object

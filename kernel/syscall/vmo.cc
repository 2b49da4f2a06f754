// Shareable memory objects (kernel/object/vmo_object.h): create one, map
// it whole into the caller's address space, ask its size. Unmapping is
// VIPER_SYS_VM_UNMAP's, as for any mapping.
#include "kernel/object/process_object.h"
#include "kernel/object/vmo_object.h"
#include "kernel/syscall/arguments.h"
#include "kernel/syscall/calls.h"

namespace viper::syscall {
namespace {

static_assert(object::kMaxVmoBytes == VIPER_VMO_BYTES_MAX);

// (size) -> handle. kOutOfRange for 0 or above VIPER_VMO_BYTES_MAX.
Result<uint64_t> vmo_create(CallContext& c, const Arguments& a) {
  object::Ref<object::VmoObject> vmo = TRY(object::VmoObject::create(a.value[0]));
  return TRY(c.handles.add(move(vmo), Rights::kAll)).value;
}

// (vmo, address or 0, prot) -> address. READ to map it, WRITE as well to
// map it writable; W^X as for vm_map.
Result<uint64_t> vmo_map(CallContext& c, const Arguments& a) {
  const uint32_t prot = TRY(prot_arg(a.value[2]));
  const Rights needed = (prot & mm::kProtWrite) ? Rights::kRead | Rights::kWrite : Rights::kRead;
  object::Ref<object::VmoObject> vmo =
      TRY(c.handles.get_as<object::VmoObject>(handle_arg(a.value[0]), needed));
  VirtAddr at(a.value[1]);
  if (at.value() == 0) {
    at = TRY(c.process->reserve_map_area(vmo->size()));
  } else if (!at.is_page_aligned()) {
    return Error::kInvalidArgument;
  }
  TRY(c.process->address_space().map_shared(at, vmo->frames(), prot));
  return at.value();
}

// (vmo) -> its size in bytes.
Result<uint64_t> vmo_size(CallContext& c, const Arguments& a) {
  object::Ref<object::VmoObject> vmo =
      TRY(c.handles.get_as<object::VmoObject>(handle_arg(a.value[0]), Rights::kNone));
  return vmo->size();
}

}  // namespace

void install_vmo_calls() {
  install_call(VIPER_SYS_VMO_CREATE, {"vmo_create", &vmo_create});
  install_call(VIPER_SYS_VMO_MAP, {"vmo_map", &vmo_map});
  install_call(VIPER_SYS_VMO_SIZE, {"vmo_size", &vmo_size});
}

}  // namespace viper::syscall

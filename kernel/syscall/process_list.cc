// Processes seen from outside: the list of live processes and opening one
// by its id (the registry's rule, kernel/object/process_registry.h).
#include "kernel/object/process_object.h"
#include "kernel/object/process_registry.h"
#include "kernel/syscall/arguments.h"
#include "kernel/syscall/calls.h"
#include "kernel/syscall/kernel_buffer.h"

namespace viper::syscall {
namespace {

// Entries described per pass over the registry: they are copied out
// between passes, with no lock held (a copy may fault). Each pass is a
// consistent view; a process that starts or ends between passes may be
// missed or shift the rest by one.
constexpr uint64_t kEntriesPerPass = 64;

// (struct viper_process_entry* out, capacity) -> live processes.
Result<uint64_t> process_list(CallContext&, const Arguments& a) {
  const uint64_t out = a.value[0];
  const uint64_t capacity = a.value[1];
  if (capacity > UINT64_MAX / sizeof(viper_process_entry)) return Error::kOutOfRange;
  if (capacity != 0 &&
      !arch::user_range_ok(VirtAddr(out), capacity * sizeof(viper_process_entry))) {
    return Error::kFault;
  }
  KernelBuffer buffer;
  TRY(buffer.reserve(kEntriesPerPass * sizeof(viper_process_entry)));
  viper_process_entry* entries = reinterpret_cast<viper_process_entry*>(buffer.data());
  uint64_t total = 0;
  for (uint64_t first = 0;; first += kEntriesPerPass) {
    uint64_t index = 0;
    uint64_t filled = 0;
    total = object::process_registry().for_each([&](const object::ProcessLink& link) {
      if (index >= first && index < capacity && filled < kEntriesPerPass) {
        static_cast<const object::Process*>(link.object)->describe(entries[filled++]);
      }
      ++index;
    });
    if (filled == 0) break;
    TRY(arch::copy_to_user(VirtAddr(out + first * sizeof(viper_process_entry)), entries,
                           filled * sizeof(viper_process_entry)));
    if (filled < kEntriesPerPass) break;
  }
  return total;
}

// (id) -> a process handle: kNotFound, kAccessDenied (not a relative).
Result<uint64_t> process_open(CallContext& c, const Arguments& a) {
  Ref<object::KernelObject> process =
      TRY(object::process_registry().open(c.process->id(), object::ObjectId{a.value[0]}));
  return TRY(c.handles.add(move(process), Rights::kAll)).value;
}

}  // namespace

void install_process_list_calls() {
  install_call(VIPER_SYS_PROCESS_LIST, {"process_list", &process_list});
  install_call(VIPER_SYS_PROCESS_OPEN, {"process_open", &process_open});
}

}  // namespace viper::syscall

// Memory: anonymous, zero-filled mappings in the caller's address space.
#include "kernel/object/process_object.h"
#include "kernel/syscall/arguments.h"
#include "kernel/syscall/calls.h"

namespace viper::syscall {
namespace {

constexpr uint64_t kMaxMapBytes = 1ull << 32;

Status range_arg(uint64_t address, uint64_t bytes) {
  if (bytes == 0 || bytes > kMaxMapBytes) return Error::kOutOfRange;
  if (address % kPageSize != 0 || bytes % kPageSize != 0) return Error::kInvalidArgument;
  return ok_status();
}

// (address or 0, bytes, prot) -> address.
Result<uint64_t> vm_map(CallContext& c, const Arguments& a) {
  const uint64_t bytes = (a.value[1] + kPageSize - 1) & ~(kPageSize - 1);
  if (a.value[1] == 0 || a.value[1] > kMaxMapBytes) return Error::kOutOfRange;
  const uint32_t prot = TRY(prot_arg(a.value[2]));
  VirtAddr at(a.value[0]);
  if (a.value[0] == 0) at = TRY(c.process->reserve_map_area(bytes));
  TRY(range_arg(at.value(), bytes));
  TRY(c.process->address_space().map_anonymous(at, bytes, prot));
  return at.value();
}

Result<uint64_t> vm_unmap(CallContext& c, const Arguments& a) {
  TRY(range_arg(a.value[0], a.value[1]));
  TRY(c.process->address_space().unmap(VirtAddr(a.value[0]), a.value[1]));
  return 0;
}

Result<uint64_t> vm_protect(CallContext& c, const Arguments& a) {
  TRY(range_arg(a.value[0], a.value[1]));
  const uint32_t prot = TRY(prot_arg(a.value[2]));
  TRY(c.process->address_space().protect(VirtAddr(a.value[0]), a.value[1], prot));
  return 0;
}

}  // namespace

void install_memory_calls() {
  install_call(VIPER_SYS_VM_MAP, {"vm_map", &vm_map});
  install_call(VIPER_SYS_VM_UNMAP, {"vm_unmap", &vm_unmap});
  install_call(VIPER_SYS_VM_PROTECT, {"vm_protect", &vm_protect});
}

}  // namespace viper::syscall

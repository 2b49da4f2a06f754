// Pollsets as kernel objects (layer 7): a PollSetObject wraps an
// ipc::PollSet; members are named by handle, and what is watched is the
// member object's own signal word (object_wait.h, RC-020).
//
// Rights: adding an object to a pollset needs Rights::kWait on it;
// changing a pollset needs Rights::kWrite on that, waiting on it
// Rights::kWait.
#pragma once

#include <stdint.h>

#include "ipc/pollset.h"
#include "kernel/cap/handle_table.h"
#include "kernel/lib/deadline.h"
#include "kernel/lib/span.h"
#include "kernel/object/kernel_object.h"

namespace viper::mm {
struct HeapAccess;
}

namespace viper::object {

class PollSetObject final : public KernelObject {
 public:
  static constexpr ObjectType kType = ObjectType::kPollSet;
  ipc::PollSet& set() const { return *set_; }
  // kNoMemory, kOverflow (object IDs exhausted).
  static Result<Ref<PollSetObject>> create();

 private:
  friend struct mm::HeapAccess;
  PollSetObject(ObjectId id, Ref<ipc::PollSet> set) : KernelObject(kType, id), set_(move(set)) {}
  void destroy() override;
  Ref<ipc::PollSet> set_;
};

Result<cap::HandleValue> pollset_create(cap::HandleTable& table);
// kNotSupported if the member has no signals (a pollset).
Status pollset_add(cap::HandleTable& table, cap::HandleValue set, cap::HandleValue member,
                   Signals mask, uint64_t key);
Status pollset_remove(cap::HandleTable& table, cap::HandleValue set, cap::HandleValue member);
Result<uint32_t> pollset_wait(cap::HandleTable& table, cap::HandleValue set,
                              Span<ipc::PollEvent> events, Deadline deadline);

}  // namespace viper::object

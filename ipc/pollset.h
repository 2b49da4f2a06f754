// Pollsets (layer 6): wait for any of many objects — channels, timers,
// events such as console input — in one blocking call.
//
// A member's readiness is the member's own signal word (waitable.h,
// RC-020); a change in it reaches the pollset at once through the member's
// observer list and wakes the waiting thread — no yield loop, no polling
// interval (RC-021). Waiting is level-triggered: a member stays reported
// while it has a signal in its mask, and members that stay ready take
// turns (each report moves the member to the back).
//
// A member is held weakly: when its last reference goes, it leaves every
// pollset (Waitable::leave_pollsets). The one race that needs care — an
// object and a pollset it belongs to dying at the same moment — is
// settled by a lock both teardown paths take (ipc.pollset_teardown).
#pragma once

#include <stdint.h>

#include "ipc/waitable.h"
#include "kernel/lib/deadline.h"
#include "kernel/lib/ref_counted.h"
#include "kernel/lib/result.h"
#include "kernel/lib/span.h"
#include "kernel/lib/spinlock.h"
#include "sched/wait_queue.h"

namespace viper::mm {
struct HeapAccess;
}

namespace viper::ipc {

inline constexpr uint32_t kMaxPollMembers = 1024;

struct PollEvent {
  uint64_t key;     // as given to add()
  Signals signals;  // the member's signals when reported
};

class PollSet final : public RefCounted {
 public:
  // kNoMemory.
  static Result<Ref<PollSet>> create();

  // Watches `object` for `mask`. kInvalidArgument (empty or unknown mask),
  // kAlreadyExists (already a member), kNoSpace (kMaxPollMembers), kNoMemory.
  Status add(Waitable& object, Signals mask, uint64_t key);
  // kNotFound if `object` is not a member.
  Status remove(Waitable& object);

  // Blocks until a member has a signal in its mask and reports up to
  // events.size() of them; returns how many. kTimedOut at `deadline`,
  // kInterrupted if killed, kInvalidArgument (no room for one).
  Result<uint32_t> wait(Span<PollEvent> events, Deadline deadline);

  uint32_t members() const EXCLUDES(lock_);

 private:
  friend class Waitable;
  friend struct mm::HeapAccess;
  PollSet();
  void destroy() override;

  // A member's signals changed (called under that member's lock).
  void observe(PollLink& link, Signals signals, sched::Waker& waker) EXCLUDES(lock_);
  // The member is going away: unlinks it from every pollset.
  static void detach_all(Waitable& object);
  bool has_ready() const EXCLUDES(lock_);
  uint32_t collect(Span<PollEvent> events) EXCLUDES(lock_);

  mutable IrqSpinlock lock_;
  List<PollLink, &PollLink::set_node> members_ GUARDED_BY(lock_);
  List<PollLink, &PollLink::ready_node> ready_ GUARDED_BY(lock_);
  sched::WaitQueue waiters_;
};

}  // namespace viper::ipc

#include "ipc/pollset.h"

#include "ipc/counters.h"
#include "ipc/lock_classes.h"
#include "mm/kheap/global.h"
#include "mm/kheap/make.h"
#include "sched/blocking.h"

namespace viper::ipc {
namespace {

LockClass g_teardown_class{kPollsetTeardownLock};
LockClass g_pollset_class{kPollsetLock};
IrqSpinlock g_teardown_lock{g_teardown_class};

void free_link(PollLink* link) {
  mm::kdelete(link);
  counters::live_poll_links.add(-1);
}

}  // namespace

PollSet::PollSet() : lock_(g_pollset_class) {}

Result<Ref<PollSet>> PollSet::create() {
  Ref<PollSet> set = TRY(mm::make_ref<PollSet>());
  counters::live_pollsets.add(1);
  return set;
}

Status PollSet::add(Waitable& object, Signals mask, uint64_t key) {
  if (!any(mask) || any(mask & ~Signals::kAll)) return Error::kInvalidArgument;
  PollLink* link = TRY(mm::make<PollLink>()).leak();
  counters::live_poll_links.add(1);
  link->object = &object;
  link->set = this;
  link->mask = mask;
  link->key = key;
  Status status = ok_status();
  {
    IrqSpinlockGuard object_guard(object.lock_);
    IrqSpinlockGuard set_guard(lock_);
    bool member = false;
    for (const PollLink& other : object.observers_) member |= other.set == this;
    if (member) {
      status = Error::kAlreadyExists;
    } else if (members_.size() >= kMaxPollMembers) {
      status = Error::kNoSpace;
    } else {
      object.observers_.push_back(*link);
      members_.push_back(*link);
      link->observed = from_raw<Signals>(object.signals_.load(MemoryOrder::kRelaxed));
      if (any(link->observed & mask)) {
        ready_.push_back(*link);
        waiters_.wake_all(sched::kernel_waker());
      }
    }
  }
  if (!status.ok()) free_link(link);
  return status;
}

Status PollSet::remove(Waitable& object) {
  PollLink* found = nullptr;
  {
    IrqSpinlockGuard object_guard(object.lock_);
    IrqSpinlockGuard set_guard(lock_);
    for (PollLink& link : object.observers_) {
      if (link.set == this) found = &link;
    }
    if (!found) return Error::kNotFound;
    object.observers_.remove(*found);
    members_.remove(*found);
    if (found->ready_node.linked()) ready_.remove(*found);
  }
  free_link(found);
  return ok_status();
}

void PollSet::observe(PollLink& link, Signals signals, sched::Waker& waker) {
  IrqSpinlockGuard guard(lock_);
  link.observed = signals;
  if (!any(signals & link.mask)) {
    if (link.ready_node.linked()) ready_.remove(link);
    return;
  }
  if (!link.ready_node.linked()) ready_.push_back(link);
  waiters_.wake_all(waker);
}

bool PollSet::has_ready() const {
  IrqSpinlockGuard guard(lock_);
  return !ready_.empty();
}

uint32_t PollSet::collect(Span<PollEvent> events) {
  IrqSpinlockGuard guard(lock_);
  uint32_t count = 0;
  const size_t ready = ready_.size();
  while (count < events.size() && count < ready) {
    PollLink* link = ready_.pop_front();
    events[count++] = PollEvent{link->key, link->observed};
    ready_.push_back(*link);  // level-triggered: still ready, takes its turn
  }
  return count;
}

Result<uint32_t> PollSet::wait(Span<PollEvent> events, Deadline deadline) {
  if (events.empty() || !events.data()) return Error::kInvalidArgument;
  for (;;) {
    TRY(sched::wait_until(waiters_, [this] { return has_ready(); }, deadline));
    // Another thread may have consumed what made a member ready meanwhile.
    if (const uint32_t count = collect(events)) return count;
  }
}

uint32_t PollSet::members() const {
  IrqSpinlockGuard guard(lock_);
  return static_cast<uint32_t>(members_.size());
}

void PollSet::detach_all(Waitable& object) {
  IrqSpinlockGuard teardown(g_teardown_lock);
  IrqSpinlockGuard object_guard(object.lock_);
  while (PollLink* link = object.observers_.pop_front()) {
    PollSet* set = link->set;
    {
      IrqSpinlockGuard set_guard(set->lock_);
      set->members_.remove(*link);
      if (link->ready_node.linked()) set->ready_.remove(*link);
    }
    free_link(link);
  }
}

void PollSet::destroy() {
  {
    // Members may be dying too; detach_all() waits for this lock, so every
    // member still linked here is alive until it is unlinked.
    IrqSpinlockGuard teardown(g_teardown_lock);
    for (;;) {
      PollLink* link;
      {
        IrqSpinlockGuard guard(lock_);
        link = members_.front();
      }
      if (!link) break;
      Waitable& object = *link->object;
      {
        IrqSpinlockGuard object_guard(object.lock_);
        IrqSpinlockGuard set_guard(lock_);
        object.observers_.remove(*link);
        members_.remove(*link);
        if (link->ready_node.linked()) ready_.remove(*link);
      }
      free_link(link);
    }
  }
  mm::kdelete(this);
  counters::live_pollsets.add(-1);
}

}  // namespace viper::ipc

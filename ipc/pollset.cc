#include "ipc/pollset.h"

#include "ipc/lock_classes.h"
#include "mm/kheap/global.h"
#include "sched/blocking.h"

namespace viper::ipc {
namespace {

LockClass g_teardown_class{kPollsetTeardownLock};
LockClass g_pollset_class{kPollsetLock};
IrqSpinlock g_teardown_lock{g_teardown_class};
Atomic<uint64_t> g_live_pollsets{0};
Atomic<uint64_t> g_live_links{0};

void free_link(PollLink* link) {
  link->~PollLink();
  (void)mm::kernel_heap().kfree(link);
  g_live_links.fetch_sub(1, MemoryOrder::kRelaxed);
}

}  // namespace

uint64_t live_pollsets() { return g_live_pollsets.load(MemoryOrder::kRelaxed); }
uint64_t live_poll_links() { return g_live_links.load(MemoryOrder::kRelaxed); }

PollSet::PollSet() : lock_(g_pollset_class) {}

Status PollSet::create(Ref<PollSet>& out) {
  void* memory = TRY(mm::kernel_heap().kmalloc(sizeof(PollSet)));
  g_live_pollsets.fetch_add(1, MemoryOrder::kRelaxed);
  out = Ref<PollSet>::adopt(new (memory) PollSet());
  return ok_status();
}

Status PollSet::add(Waitable& object, uint32_t mask, uint64_t key) {
  if (mask == 0 || (mask & ~signal::kAll) != 0) return Error::kInvalidArgument;
  void* memory = TRY(mm::kernel_heap().kmalloc(sizeof(PollLink)));
  g_live_links.fetch_add(1, MemoryOrder::kRelaxed);
  auto* link = new (memory) PollLink();
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
      link->observed = object.signals_.load(MemoryOrder::kRelaxed);
      if (link->observed & mask) {
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

void PollSet::observe(PollLink& link, uint32_t signals) {
  IrqSpinlockGuard guard(lock_);
  link.observed = signals;
  if ((signals & link.mask) == 0) {
    if (link.ready_node.linked()) ready_.remove(link);
    return;
  }
  if (!link.ready_node.linked()) ready_.push_back(link);
  waiters_.wake_all(sched::kernel_waker());
}

bool PollSet::has_ready(void* self) {
  PollSet* set = static_cast<PollSet*>(self);
  IrqSpinlockGuard guard(set->lock_);
  return !set->ready_.empty();
}

uint32_t PollSet::collect(PollEvent* events, uint32_t capacity) {
  IrqSpinlockGuard guard(lock_);
  uint32_t count = 0;
  const size_t ready = ready_.size();
  while (count < capacity && count < ready) {
    PollLink* link = ready_.pop_front();
    events[count++] = PollEvent{link->key, link->observed};
    ready_.push_back(*link);  // level-triggered: still ready, takes its turn
  }
  return count;
}

Result<uint32_t> PollSet::wait(PollEvent* events, uint32_t capacity, uint64_t deadline_ns) {
  if (!events || capacity == 0) return Error::kInvalidArgument;
  for (;;) {
    TRY(sched::wait_until(waiters_, &has_ready, this, deadline_ns));
    // Another thread may have consumed what made a member ready meanwhile.
    if (const uint32_t count = collect(events, capacity)) return count;
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
  this->~PollSet();
  (void)mm::kernel_heap().kfree(this);
  g_live_pollsets.fetch_sub(1, MemoryOrder::kRelaxed);
}

}  // namespace viper::ipc

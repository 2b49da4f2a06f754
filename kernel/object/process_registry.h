// The registry of live processes (layer 7): who exists, and who started
// whom. A process joins it when it is created and leaves it when it is
// destroyed; the registry holds no reference (a lookup takes one only if
// the process is not already on its way out: try_add_ref).
//
// Parents: a process's parent is the process that spawned or forked it
// (0 for a root: init, which the kernel spawned). The parent is an ID, not
// a reference, so a parent may end before its children; a child whose
// parent is gone keeps the ID (an orphan: nobody above it may open it).
//
// Who may open whom (VIPER_SYS_PROCESS_OPEN, docs/userspace.md): a caller
// may open its own descendants (itself included) and, unless its parent is
// a root, the descendants of its parent (its siblings and their children),
// never the parent itself. So `kill PID`, run by a shell, reaches the
// shell's background jobs, while nothing reaches init or the services init
// started for others.
//
// Portable: host-tested with test objects (process_registry_test.cc).
#pragma once

#include <stdint.h>

#include "kernel/lib/function_ref.h"
#include "kernel/lib/list.h"
#include "kernel/lib/result.h"
#include "kernel/lib/spinlock.h"
#include "kernel/object/kernel_object.h"

namespace viper::object {

// What the registry knows of one process: set before add(), never changed
// while registered. Lives inside the process.
struct ProcessLink {
  ListNode node;
  KernelObject* object = nullptr;  // the process itself; not a reference
  ObjectId id;
  ObjectId parent;  // invalid (0): a root
};

class ProcessRegistry {
 public:
  ProcessRegistry();
  ProcessRegistry(const ProcessRegistry&) = delete;
  ProcessRegistry& operator=(const ProcessRegistry&) = delete;

  void add(ProcessLink& link) EXCLUDES(lock_);
  void remove(ProcessLink& link) EXCLUDES(lock_);

  // A reference to process `target` for `caller` (the rule above):
  // kNotFound if no such process is registered (or it is being
  // destroyed), kAccessDenied if it is not `caller`'s to open.
  Result<Ref<KernelObject>> open(ObjectId caller, ObjectId target) EXCLUDES(lock_);
  // Whether `caller` may open `target` by the rule above (both registered).
  bool may_open(ObjectId caller, ObjectId target) const EXCLUDES(lock_);

  // Calls `visit` for every registered process, oldest first, with the
  // registry lock held (so none is destroyed meanwhile): `visit` may take
  // only locks below object.process_registry and must not drop a
  // reference. Returns how many there are.
  uint32_t for_each(FunctionRef<void(const ProcessLink&)> visit) const EXCLUDES(lock_);
  uint32_t count() const EXCLUDES(lock_);

 private:
  const ProcessLink* find_locked(ObjectId id) const REQUIRES(lock_);
  // `id` is `ancestor` or one of its descendants (the chain of parents
  // from `id` reaches it through registered processes).
  bool descends_from_locked(ObjectId id, ObjectId ancestor) const REQUIRES(lock_);
  bool may_open_locked(ObjectId caller, ObjectId target) const REQUIRES(lock_);

  mutable IrqSpinlock lock_;
  List<ProcessLink, &ProcessLink::node> links_ GUARDED_BY(lock_);
  uint32_t count_ GUARDED_BY(lock_) = 0;
};

// The kernel's one registry.
ProcessRegistry& process_registry();

}  // namespace viper::object

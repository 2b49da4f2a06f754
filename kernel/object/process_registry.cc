#include "kernel/object/process_registry.h"

#include "kernel/object/lock_classes.h"

namespace viper::object {
namespace {

LockClass g_registry_class{kProcessRegistryLock};

}  // namespace

ProcessRegistry::ProcessRegistry() : lock_(g_registry_class) {}

void ProcessRegistry::add(ProcessLink& link) {
  IrqSpinlockGuard guard(lock_);
  links_.push_back(link);
  ++count_;
}

void ProcessRegistry::remove(ProcessLink& link) {
  IrqSpinlockGuard guard(lock_);
  links_.remove(link);
  --count_;
}

const ProcessLink* ProcessRegistry::find_locked(ObjectId id) const {
  for (const ProcessLink& link : links_) {
    if (link.id == id) return &link;
  }
  return nullptr;
}

bool ProcessRegistry::descends_from_locked(ObjectId id, ObjectId ancestor) const {
  // Parents are created before their children, so parent IDs are smaller
  // and the walk ends: at a root, at an orphan, or below `ancestor`.
  while (id.valid() && id.value >= ancestor.value) {
    if (id == ancestor) return true;
    const ProcessLink* link = find_locked(id);
    if (link == nullptr) return false;  // a parent that is gone: the chain breaks here
    id = link->parent;
  }
  return false;
}

bool ProcessRegistry::may_open_locked(ObjectId caller, ObjectId target) const {
  const ProcessLink* self = find_locked(caller);
  if (self == nullptr) return false;
  if (descends_from_locked(target, caller)) return true;
  // Siblings and their children, through the parent, unless the parent is
  // a root (init: its other children are not the caller's to open) or is
  // itself the target.
  const ProcessLink* parent = find_locked(self->parent);
  if (parent == nullptr || !parent->parent.valid() || target == parent->id) return false;
  return descends_from_locked(target, parent->id);
}

bool ProcessRegistry::may_open(ObjectId caller, ObjectId target) const {
  IrqSpinlockGuard guard(lock_);
  return may_open_locked(caller, target);
}

Result<Ref<KernelObject>> ProcessRegistry::open(ObjectId caller, ObjectId target) {
  IrqSpinlockGuard guard(lock_);
  const ProcessLink* link = find_locked(target);
  if (link == nullptr) return Error::kNotFound;
  if (!may_open_locked(caller, target)) return Error::kAccessDenied;
  // Its last reference may be gone already (destroy() has not removed it
  // yet): then it is as good as gone.
  if (!link->object->try_add_ref()) return Error::kNotFound;
  return Ref<KernelObject>::adopt(link->object);
}

uint32_t ProcessRegistry::for_each(FunctionRef<void(const ProcessLink&)> visit) const {
  IrqSpinlockGuard guard(lock_);
  for (const ProcessLink& link : links_) visit(link);
  return count_;
}

uint32_t ProcessRegistry::count() const {
  IrqSpinlockGuard guard(lock_);
  return count_;
}

ProcessRegistry& process_registry() {
  // Built on first use without thread-safe guards (-fno-threadsafe-statics):
  // the first process is init, created by the boot thread before any
  // other process exists.
  static ProcessRegistry registry;
  return registry;
}

}  // namespace viper::object

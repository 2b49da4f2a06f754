#include "kernel/lib/lockdep.h"

#include "kernel/arch/arch.h"
#include "kernel/lib/bitmap.h"
#include "kernel/lib/format.h"
#include "kernel/lib/printk.h"

namespace viper::lockdep {

const char* violation_name(ViolationKind kind) {
  switch (kind) {
    case ViolationKind::kRecursion:
      return "recursive acquisition";
    case ViolationKind::kOrder:
      return "lock order violation";
    case ViolationKind::kSameClassNesting:
      return "unordered same-class nesting";
    case ViolationKind::kClassCycle:
      return "lock class cycle";
    case ViolationKind::kTooManyLocks:
      return "too many held locks";
    case ViolationKind::kReleaseNotHeld:
      return "release of a lock not held";
  }
  return "violation";
}

namespace {

void default_handler(const Violation& violation) { panic("%s", violation.report); }

Atomic<ViolationHandler> g_handler{&default_handler};

}  // namespace

ViolationHandler set_violation_handler(ViolationHandler handler) {
  return g_handler.exchange(handler ? handler : &default_handler, MemoryOrder::kAcqRel);
}

#if VIPER_LOCKDEP
namespace {

constexpr uint32_t kMaxClasses = 256;

// The class graph: edge a -> b means "b was taken while a was held". Words
// are atomics so the fast path (edge already known) reads them lock-free;
// new edges are added under g_graph_busy.
struct ClassGraph {
  Atomic<uint64_t> edges[kMaxClasses][kMaxClasses / 64];
  LockClass* classes[kMaxClasses] = {};
  Atomic<uint32_t> next_id{1};
};
constinit ClassGraph g_graph;
constinit Atomic<uint32_t> g_graph_busy{0};

// A raw spin lock for the graph itself (lockdep cannot check its own lock).
class GraphGuard {
 public:
  GraphGuard() {
    for (uint32_t attempt = 0; g_graph_busy.exchange(1, MemoryOrder::kAcquire) != 0; ++attempt) {
      arch::spin_backoff(attempt);
    }
  }
  ~GraphGuard() { g_graph_busy.store(0, MemoryOrder::kRelease); }
};

uint32_t class_id(LockClass& lock_class) {
  uint32_t id = lock_class.graph_id().load(MemoryOrder::kAcquire);
  if (id != 0) return id;
  GraphGuard guard;
  id = lock_class.graph_id().load(MemoryOrder::kAcquire);
  if (id == 0) {
    id = g_graph.next_id.fetch_add(1, MemoryOrder::kRelaxed);
    if (id >= kMaxClasses) panic("lockdep: more than %u lock classes", kMaxClasses - 1);
    g_graph.classes[id] = &lock_class;
    lock_class.graph_id().store(id, MemoryOrder::kRelease);
  }
  return id;
}

bool has_edge(uint32_t from, uint32_t to) {
  return (g_graph.edges[from][to / 64].load(MemoryOrder::kRelaxed) >> (to % 64)) & 1;
}

// Is `to` reachable from `from`? Iterative DFS; caller holds GraphGuard.
bool reachable(uint32_t from, uint32_t to) {
  Bitmap<kMaxClasses> visited;
  uint32_t stack[kMaxClasses];
  uint32_t depth = 0;
  stack[depth++] = from;
  visited.set(from);
  while (depth > 0) {
    const uint32_t node = stack[--depth];
    if (node == to) return true;
    for (uint32_t next = 1; next < kMaxClasses; ++next) {
      if (!visited.test(next) && has_edge(node, next)) {
        visited.set(next);
        stack[depth++] = next;
      }
    }
  }
  return false;
}

// Records held -> acquiring; returns false if that closes a cycle.
bool add_edge(uint32_t held, uint32_t acquiring) {
  if (has_edge(held, acquiring)) return true;
  GraphGuard guard;
  if (reachable(acquiring, held)) return false;
  g_graph.edges[held][acquiring / 64].fetch_or(uint64_t{1} << (acquiring % 64),
                                               MemoryOrder::kRelaxed);
  return true;
}

// Records store the class as an untyped pointer (percpu.h is below
// kernel/lib); it always points at the mutable LockClass given to on_acquire.
LockClass& class_of(const arch::HeldLockRecord& record) {
  return *static_cast<LockClass*>(const_cast<void*>(record.lock_class));
}

void report(ViolationKind kind, const char* acquiring, const char* held, const arch::PerCpu& cpu) {
  // One report buffer per CPU: a violation is reported before the CPU
  // continues, and handlers copy what they keep.
  static char buffers[arch::kMaxCpus][1024];
  char* text = buffers[cpu.cpu_id];
  size_t n = format(text, sizeof(buffers[0]), "lockdep: %s on cpu %u: acquiring '%s'",
                    violation_name(kind), cpu.cpu_id, acquiring);
  if (held) n += format(text + n, n < 1024 ? 1024 - n : 0, " while holding '%s'", held);
  n += format(text + n, n < 1024 ? 1024 - n : 0, "; held locks (outermost first):");
  for (uint32_t i = 0; i < cpu.held_lock_count; ++i) {
    const LockClass& c = class_of(cpu.held_locks[i]);
    n += format(text + n, n < 1024 ? 1024 - n : 0, " [%u] %s (level %u)", i, c.name(), c.level());
  }
  if (cpu.held_lock_count == 0) format(text + n, n < 1024 ? 1024 - n : 0, " none");
  const Violation violation{kind, acquiring, held, text};
  g_handler.load(MemoryOrder::kAcquire)(violation);
}

// The first rule the new lock breaks against a held one, if any.
struct Conflict {
  ViolationKind kind;
  const char* held_name;
};

bool find_conflict(const arch::PerCpu& cpu, const void* lock, LockClass& lock_class,
                   uint64_t order_key, Conflict& conflict) {
  const uint32_t id = class_id(lock_class);
  for (uint32_t i = 0; i < cpu.held_lock_count; ++i) {
    const arch::HeldLockRecord& held = cpu.held_locks[i];
    LockClass& held_class = class_of(held);
    if (held.lock == lock) {
      conflict = {ViolationKind::kRecursion, held_class.name()};
      return true;
    }
    if (&held_class == &lock_class) {
      if (order_key == 0 || order_key <= held.order_key) {
        conflict = {ViolationKind::kSameClassNesting, held_class.name()};
        return true;
      }
      continue;
    }
    if (lock_class.level() > held_class.level()) {
      conflict = {ViolationKind::kOrder, held_class.name()};
      return true;
    }
    if (!add_edge(class_id(held_class), id)) {
      conflict = {ViolationKind::kClassCycle, held_class.name()};
      return true;
    }
  }
  if (cpu.held_lock_count == arch::kMaxHeldLocks) {
    conflict = {ViolationKind::kTooManyLocks, nullptr};
    return true;
  }
  return false;
}

}  // namespace

void on_acquire(const void* lock, LockClass& lock_class, uint64_t order_key) {
  arch::InterruptsDisabled no_irqs;  // the held stack belongs to this CPU
  arch::PerCpu& cpu = *arch::this_cpu();
  lock_class.count_acquisition();
  Conflict conflict;
  if (find_conflict(cpu, lock, lock_class, order_key, conflict)) {
    // On the target the handler panics. A host test's handler returns, and
    // the acquisition goes on and is recorded like any other.
    report(conflict.kind, lock_class.name(), conflict.held_name, cpu);
  }
  if (cpu.held_lock_count < arch::kMaxHeldLocks) {
    cpu.held_locks[cpu.held_lock_count++] = {lock, &lock_class, order_key};
  }
}

void on_release(const void* lock, LockClass& lock_class) {
  arch::InterruptsDisabled no_irqs;
  arch::PerCpu& cpu = *arch::this_cpu();
  // Locks are usually released innermost first, but not always.
  for (uint32_t i = cpu.held_lock_count; i-- > 0;) {
    if (cpu.held_locks[i].lock != lock) continue;
    for (uint32_t j = i; j + 1 < cpu.held_lock_count; ++j) {
      cpu.held_locks[j] = cpu.held_locks[j + 1];
    }
    --cpu.held_lock_count;
    return;
  }
  report(ViolationKind::kReleaseNotHeld, lock_class.name(), nullptr, cpu);
}

bool holds(const void* lock) {
  arch::InterruptsDisabled no_irqs;
  const arch::PerCpu& cpu = *arch::this_cpu();
  for (uint32_t i = 0; i < cpu.held_lock_count; ++i) {
    if (cpu.held_locks[i].lock == lock) return true;
  }
  return false;
}

const LockClass* seen_class(uint32_t index) {
  const uint32_t id = index + 1;  // ids start at 1
  if (id >= g_graph.next_id.load(MemoryOrder::kAcquire) || id >= kMaxClasses) return nullptr;
  GraphGuard guard;  // classes[] is written under it
  return g_graph.classes[id];
}

uint64_t acquisitions(const char* class_name) {
  uint64_t total = 0;
  for (uint32_t i = 0; const LockClass* c = seen_class(i); ++i) {
    const char* a = c->name();
    const char* b = class_name;
    while (*a && *a == *b) ++a, ++b;
    if (*a == *b) total += c->acquisitions();
  }
  return total;
}

uint32_t held_count() {
  arch::InterruptsDisabled no_irqs;
  return arch::this_cpu()->held_lock_count;
}
#endif  // VIPER_LOCKDEP

}  // namespace viper::lockdep

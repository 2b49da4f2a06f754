// Lock classes: every lock belongs to a class with a level. Levels follow
// the kernel's layers (docs/lock-order.md): while holding a lock of level L
// a CPU may only take locks of level <= L. Different classes on the same
// level are ordered by the first nesting lockdep sees (a later inversion is
// a class cycle); two locks of one class nest only in ascending order key.
#pragma once

#include <stdint.h>

#include "kernel/lib/atomic.h"

namespace viper {

// Level of a lock class: its layer times 10 plus a sublevel within the layer.
constexpr uint16_t lock_level(uint16_t layer, uint16_t sublevel = 0) {
  return static_cast<uint16_t>(layer * 10 + sublevel);
}

// What a lock class is: its name and level. Each layer package declares
// its classes' identities in its lock_classes.h, next to a list of them
// that //testing/lock_order compares with docs/lock-order.md.
struct LockClassId {
  const char* name;
  uint16_t level;
};

class LockClass {
 public:
  constexpr LockClass(const char* name, uint16_t level) : name_(name), level_(level) {}
  constexpr explicit LockClass(const LockClassId& id) : LockClass(id.name, id.level) {}
  LockClass(const LockClass&) = delete;
  LockClass& operator=(const LockClass&) = delete;

  const char* name() const { return name_; }
  uint16_t level() const { return level_; }

  // Small dense id for lockdep's class graph, assigned on first use.
  Atomic<uint32_t>& graph_id() { return graph_id_; }

  // How many times a lock of this class was taken. Counted by lockdep, so
  // only in builds with it (host tests, debug kernels): tests prove with it
  // which locks a path takes, e.g. none on the slab fast path (PERF-002).
  uint64_t acquisitions() const { return acquisitions_.load(MemoryOrder::kRelaxed); }
  void count_acquisition() { acquisitions_.fetch_add(1, MemoryOrder::kRelaxed); }

 private:
  const char* name_;
  uint16_t level_;
  Atomic<uint32_t> graph_id_{0};
  Atomic<uint64_t> acquisitions_{0};
};

}  // namespace viper

// Lockdep: run-time lock-order checking (ARCH-003). At every acquisition it
// checks the new lock against the locks this CPU already holds:
//
//   * recursion: the same lock again (spinlocks are not recursive);
//   * order: a lock of a higher level than one held (layers, lock-order.md);
//   * same-class nesting without ascending order keys;
//   * class cycles: A taken under B somewhere and B under A elsewhere;
//   * too many held locks.
//
// A violation is reported with both lock names and the held-lock stack: a
// panic on the target, a test failure on the host (tests that provoke one
// install their own handler). Compiled in when VIPER_LOCKDEP is 1 (host
// builds and non-opt kernels); otherwise every hook is an empty inline.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "kernel/lib/lock_class.h"

namespace viper::lockdep {

#ifndef VIPER_LOCKDEP
#define VIPER_LOCKDEP 0
#endif
inline constexpr bool kEnabled = VIPER_LOCKDEP != 0;

enum class ViolationKind {
  kRecursion,
  kOrder,
  kSameClassNesting,
  kClassCycle,
  kTooManyLocks,
  kReleaseNotHeld,
};

const char* violation_name(ViolationKind kind);

struct Violation {
  ViolationKind kind;
  const char* acquiring;  // name of the lock being taken (or released)
  const char* held;       // name of the conflicting held lock, if any
  const char* report;     // full text: both names and the held-lock stack
};

using ViolationHandler = void (*)(const Violation&);

// Installs a handler and returns the previous one. The default panics.
ViolationHandler set_violation_handler(ViolationHandler handler);

#if VIPER_LOCKDEP
void on_acquire(const void* lock, LockClass& lock_class, uint64_t order_key);
void on_release(const void* lock, LockClass& lock_class);
bool holds(const void* lock);
uint32_t held_count();
// The lock classes seen so far, in first-use order (nullptr past the last),
// with their acquisition counts: tests read which locks a path took.
const LockClass* seen_class(uint32_t index);
// Acquisitions of the classes named `class_name` so far (0 if none seen).
uint64_t acquisitions(const char* class_name);
#else
inline void on_acquire(const void*, LockClass&, uint64_t) {}
inline void on_release(const void*, LockClass&) {}
inline bool holds(const void*) { return true; }
inline uint32_t held_count() { return 0; }
inline const LockClass* seen_class(uint32_t) { return nullptr; }
inline uint64_t acquisitions(const char*) { return 0; }
#endif

}  // namespace viper::lockdep

// ScopeGuard: runs a cleanup when the scope ends, unless dismiss()ed once
// the work it would undo has succeeded. Replaces hand-written unwinding
// ladders: each step that needs undoing registers its undo right after it.
//
//   auto unmap = ScopeGuard([&] { unmap_stack(bottom, slot); });
//   TRY(next_step());
//   unmap.dismiss();
#pragma once

#include "kernel/lib/utility.h"

namespace viper {

template <class F>
class [[nodiscard]] ScopeGuard {
 public:
  explicit ScopeGuard(F cleanup) : cleanup_(move(cleanup)) {}
  ScopeGuard(const ScopeGuard&) = delete;
  ScopeGuard& operator=(const ScopeGuard&) = delete;
  ~ScopeGuard() {
    if (armed_) cleanup_();
  }
  void dismiss() { armed_ = false; }
  // Runs the cleanup now instead of at the end of the scope.
  void run() {
    if (armed_) cleanup_();
    armed_ = false;
  }

 private:
  F cleanup_;
  bool armed_ = true;
};

}  // namespace viper

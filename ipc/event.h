// Events (layer 6): a waitable whose signals its owner sets — user code
// through the user signals, kernel code (a console driver announcing
// input: kReadable) through assert_signals(). The pseudo-handles a pollset
// mixes with channels and timers are events.
#pragma once

#include "ipc/waitable.h"

namespace viper::mm {
struct HeapAccess;
}

namespace viper::ipc {

class Event final : public Waitable {
 public:
  // kNoMemory.
  static Result<Ref<Event>> create();
  // Kernel side: clears then sets any signals.
  void assert_signals(Signals clear, Signals set) { update_signals(clear, set); }

 private:
  friend struct mm::HeapAccess;
  Event() : Waitable(Signals::kNone) {}
  void destroy() override;
};

}  // namespace viper::ipc

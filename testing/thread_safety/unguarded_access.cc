// Must NOT compile (testing/thread_safety/check.sh expects the errors).
// RC-014's seed had wait-queue helpers whose header said "callers must hold
// the lock"; here that contract is an annotation, and breaking it is a
// compile error under -Werror=thread-safety, which every ViperDOS build has.
#include "kernel/lib/spinlock.h"

namespace viper {
namespace {

LockClass g_demo_class{"demo.queue", lock_level(4)};

class DemoQueue {
 public:
  void enqueue_locked(int value) REQUIRES(lock_) { last_ = value; }
  Spinlock lock_{g_demo_class};

 private:
  int last_ GUARDED_BY(lock_) = 0;
};

}  // namespace

void forgot_the_lock(DemoQueue& queue) {
  queue.enqueue_locked(1);  // error: requires holding 'lock_'
}

}  // namespace viper

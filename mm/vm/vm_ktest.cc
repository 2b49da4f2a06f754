// Virtual memory on the real machine: address spaces switched to (TTBR0 +
// ASID) from kernel threads and touched through plain loads and stores
// (EL1 faults on user addresses resolve through the thread's space),
// concurrent faults on one page from 4 CPUs, clone + copy-on-write write
// storms, unmap racing with faults, copy_from_user on bad pointers. Every
// test ends with the free page count back where it started.
#include "kernel/arch/aarch64/user_entry.h"
#include "kernel/arch/arch.h"
#include "kernel/arch/user_access.h"
#include "kernel/lib/ktest.h"
#include "kernel/lib/ktest_platform.h"
#include "kernel/lib/ktest_storage.h"
#include "mm/kheap/global.h"
#include "mm/vm/user_memory.h"
#include "sched/scheduler.h"
#include "sched/testing/ktest_threads.h"

namespace viper::ktest {
namespace {

constexpr uint32_t kRw = mm::kProtRead | mm::kProtWrite;
const VirtAddr kRegion(0x0000'1000'0000'0000);

uint64_t free_pages() { return mm::physical_memory().stats().free_pages; }

volatile uint8_t* user_bytes(VirtAddr va) { return va.as<volatile uint8_t>(); }

mm::AddressSpace* new_space() { return mm::AddressSpace::create(mm::physical_memory()).value(); }

KTEST(vm, a_thread_switches_into_a_space_and_touches_it) {
  const uint64_t before = free_pages();
  mm::AddressSpace* space = new_space();
  KEXPECT(t, space->map_anonymous(kRegion, 64 * kPageSize, kRw).ok());
  sched::set_address_space(space);
  // Plain stores: each first touch is a fault the address space resolves.
  for (uint64_t page = 0; page < 64; ++page) {
    KEXPECT(t, user_bytes(kRegion + page * kPageSize)[7] == 0);
    user_bytes(kRegion + page * kPageSize)[7] = static_cast<uint8_t>(page + 1);
  }
  for (uint64_t page = 0; page < 64; ++page) {
    KEXPECT(t, user_bytes(kRegion + page * kPageSize)[7] == page + 1);
  }
  KEXPECT(t, space->resident_pages() == 64);
  KEXPECT(t, space->tables().asid() != 0);
  sched::set_address_space(nullptr);
  mm::destroy_address_space(space);
  KEXPECT(t, free_pages() == before);
}

struct SharedSpace {
  mm::AddressSpace* space;
  Atomic<uint32_t> ready{0};
  Atomic<uint32_t> go{0};
  Atomic<uint32_t> done{0};
  Atomic<uint32_t> errors{0};
};
TestStorage<SharedSpace> g_shared;

// Each CPU's thread enters the same space and, at the same moment, writes
// its own byte of the same untouched page.
void same_page_writer(void* arg) {
  SharedSpace& s = g_shared.get();
  const uint64_t me = reinterpret_cast<uint64_t>(arg);
  sched::set_address_space(s.space);
  s.ready.fetch_add(1, MemoryOrder::kRelease);
  while (!s.go.load(MemoryOrder::kAcquire)) arch::cpu_relax();
  for (uint64_t page = 0; page < 32; ++page) {
    user_bytes(kRegion + page * kPageSize)[me] = static_cast<uint8_t>(0x10 + me);
  }
  sched::set_address_space(nullptr);
  s.done.fetch_add(1, MemoryOrder::kRelease);
}

KTEST(vm, four_cpus_fault_the_same_pages_at_once) {
  const uint64_t before = free_pages();
  SharedSpace& s = g_shared.build();
  s.space = new_space();
  KEXPECT(t, s.space->map_anonymous(kRegion, 32 * kPageSize, kRw).ok());
  sched::Thread* threads[4];
  for (uint64_t i = 0; i < 4; ++i) {
    // Below the test's own priority: they spin, and CPU 0 must still run it.
    threads[i] =
        sched::spawn("vm-writer", &same_page_writer, reinterpret_cast<void*>(i), 20, cpu_mask(i))
            .value();
  }
  KEXPECT(t, wait_for(s.ready, 4, 10 * kSecond));
  s.go.store(1, MemoryOrder::kRelease);
  KEXPECT(t, wait_for(s.done, 4, 20 * kSecond));
  reap_all(threads, 4);
  KEXPECT(t, s.space->resident_pages() == 32);
  sched::set_address_space(s.space);
  for (uint64_t page = 0; page < 32; ++page) {
    for (uint64_t i = 0; i < 4; ++i) {
      KEXPECT(t, user_bytes(kRegion + page * kPageSize)[i] == 0x10 + i);
    }
  }
  sched::set_address_space(nullptr);
  mm::destroy_address_space(s.space);
  g_shared.destroy();
  KEXPECT(t, free_pages() == before);
}

// Clone + COW storm: four CPUs each clone the parent repeatedly, enter
// the clone, rewrite every page, and check the parent never changes.
struct CowWorld {
  mm::AddressSpace* parent;
  Atomic<uint32_t> done{0};
  Atomic<uint32_t> errors{0};
};
TestStorage<CowWorld> g_cow;
constexpr uint64_t kCowPages = 16;

void cow_writer(void* arg) {
  CowWorld& w = g_cow.get();
  const uint8_t me = static_cast<uint8_t>(reinterpret_cast<uint64_t>(arg));
  for (int round = 0; round < 10; ++round) {
    Result<mm::AddressSpace*> clone = w.parent->clone();
    if (!clone.ok()) {
      w.errors.fetch_add(1, MemoryOrder::kRelaxed);
      break;
    }
    sched::set_address_space(clone.value());
    for (uint64_t page = 0; page < kCowPages; ++page) {
      volatile uint8_t* bytes = user_bytes(kRegion + page * kPageSize);
      if (bytes[0] != page) w.errors.fetch_add(1, MemoryOrder::kRelaxed);
      bytes[0] = static_cast<uint8_t>(0x80 | me);  // the COW fault
      if (bytes[0] != (0x80 | me)) w.errors.fetch_add(1, MemoryOrder::kRelaxed);
    }
    sched::set_address_space(nullptr);
    mm::destroy_address_space(clone.value());
  }
  w.done.fetch_add(1, MemoryOrder::kRelease);
}

KTEST(vm, clone_and_copy_on_write_storm_on_four_cpus) {
  const uint64_t before = free_pages();
  CowWorld& w = g_cow.build();
  w.parent = new_space();
  KEXPECT(t, w.parent->map_anonymous(kRegion, kCowPages * kPageSize, kRw).ok());
  sched::set_address_space(w.parent);
  for (uint64_t page = 0; page < kCowPages; ++page)
    user_bytes(kRegion + page * kPageSize)[0] = page;
  sched::set_address_space(nullptr);
  sched::Thread* threads[4];
  for (uint64_t i = 0; i < 4; ++i) {
    threads[i] =
        sched::spawn("vm-cow", &cow_writer, reinterpret_cast<void*>(i), 8, cpu_mask(i)).value();
  }
  KEXPECT(t, wait_for(w.done, 4, 60 * kSecond));
  reap_all(threads, 4);
  KEXPECT(t, w.errors.load(MemoryOrder::kRelaxed) == 0);
  sched::set_address_space(w.parent);
  for (uint64_t page = 0; page < kCowPages; ++page) {
    KEXPECT(t, user_bytes(kRegion + page * kPageSize)[0] == page);
  }
  sched::set_address_space(nullptr);
  mm::destroy_address_space(w.parent);
  g_cow.destroy();
  KEXPECT(t, free_pages() == before);
}

// Unmap racing with faults: toucher threads copy into the region (a
// copy_to_user fault in an unmapped hole is kFault, not a panic) while
// this thread unmaps and maps it again and again.
struct RaceWorld {
  mm::AddressSpace* space;
  Atomic<uint32_t> stop{0};
  Atomic<uint32_t> done{0};
  Atomic<uint64_t> copied{0};
  Atomic<uint64_t> faulted{0};
};
TestStorage<RaceWorld> g_race;

void racing_toucher(void* arg) {
  RaceWorld& w = g_race.get();
  uint64_t page = reinterpret_cast<uint64_t>(arg);
  sched::set_address_space(w.space);
  const uint64_t value = 0x1234;
  while (!w.stop.load(MemoryOrder::kAcquire)) {
    page = (page * 7 + 3) % 64;
    if (arch::copy_to_user(kRegion + page * kPageSize, &value, sizeof(value)).ok()) {
      w.copied.fetch_add(1, MemoryOrder::kRelaxed);
    } else {
      w.faulted.fetch_add(1, MemoryOrder::kRelaxed);
    }
  }
  sched::set_address_space(nullptr);
  w.done.fetch_add(1, MemoryOrder::kRelease);
}

KTEST(vm, unmap_races_with_faults_on_other_cpus) {
  const uint64_t before = free_pages();
  RaceWorld& w = g_race.build();
  w.space = new_space();
  KEXPECT(t, w.space->map_anonymous(kRegion, 64 * kPageSize, kRw).ok());
  sched::Thread* threads[3];
  for (uint64_t i = 0; i < 3; ++i) {
    threads[i] =
        sched::spawn("vm-toucher", &racing_toucher, reinterpret_cast<void*>(i), 20, cpu_mask(i + 1))
            .value();
  }
  for (int round = 0; round < 300; ++round) {
    const uint64_t first = (round * 13) % 60;
    KEXPECT(t, w.space->unmap(kRegion + first * kPageSize, 4 * kPageSize).ok());
    (void)sched::sleep_for(20000);
    KEXPECT(t, w.space->map_anonymous(kRegion + first * kPageSize, 4 * kPageSize, kRw).ok());
  }
  w.stop.store(1, MemoryOrder::kRelease);
  KEXPECT(t, wait_for(w.done, 3, 10 * kSecond));
  reap_all(threads, 3);
  KEXPECT(t, w.copied.load(MemoryOrder::kRelaxed) > 0);
  mm::destroy_address_space(w.space);
  g_race.destroy();
  KEXPECT(t, free_pages() == before);
}

// copy_from_user and friends: demand paging on the way, kFault for every
// bad pointer, never a panic.
KTEST(vm, copy_from_user_faults_are_errors) {
  const uint64_t before = free_pages();
  mm::AddressSpace* space = new_space();
  KEXPECT(t, space->map_anonymous(kRegion, 2 * kPageSize, kRw).ok());
  KEXPECT(t, space->map_anonymous(kRegion + 4 * kPageSize, kPageSize, mm::kProtRead).ok());
  sched::set_address_space(space);
  const char text[] = "hello, user";
  KEXPECT(t, arch::copy_to_user(kRegion + 100, text, sizeof(text)).ok());  // demand-zero page
  char back[32] = {};
  KEXPECT(t, arch::copy_from_user(back, kRegion + 100, sizeof(text)).ok());
  KEXPECT(t, __builtin_memcmp(back, text, sizeof(text)) == 0);
  // A longer copy at an odd address, across a page boundary: words, then
  // the tail.
  static uint8_t pattern[5003], echo[5003];
  for (size_t i = 0; i < sizeof(pattern); ++i) pattern[i] = static_cast<uint8_t>(i * 7 + 1);
  KEXPECT(t, arch::copy_to_user(kRegion + 3, pattern, sizeof(pattern)).ok());
  KEXPECT(t, arch::copy_from_user(echo, kRegion + 3, sizeof(echo)).ok());
  KEXPECT(t, __builtin_memcmp(pattern, echo, sizeof(echo)) == 0);
  KEXPECT(t, arch::copy_to_user(kRegion + 100, text, sizeof(text)).ok());
  Result<size_t> length = arch::copy_string_from_user(back, kRegion + 100, sizeof(back));
  KEXPECT(t, length.ok() && length.value() == sizeof(text) - 1);
  KEXPECT(t, arch::copy_string_from_user(back, kRegion + 100, 4).error() == Error::kOutOfRange);
  // A copy across the end of the mapping fails at the unmapped page.
  KEXPECT(t, arch::copy_to_user(kRegion + 2 * kPageSize - 4, text, 8).error() == Error::kFault);
  KEXPECT(t, arch::copy_from_user(back, kRegion + 3 * kPageSize, 8).error() == Error::kFault);
  // Read-only.
  KEXPECT(t, arch::copy_to_user(kRegion + 4 * kPageSize, text, 4).error() == Error::kFault);
  KEXPECT(t, arch::copy_from_user(back, VirtAddr(uint64_t{0}), 8).error() == Error::kFault);
  // A kernel address is refused by the range check, and would be by the
  // unprivileged access too.
  KEXPECT(t, arch::copy_from_user(back, VirtAddr(reinterpret_cast<uint64_t>(&before)), 8).error() ==
                 Error::kFault);
  KEXPECT(
      t, arch::copy_from_user(back, VirtAddr(arch::kUserSpaceTop - 4), 8).error() == Error::kFault);
  sched::set_address_space(nullptr);
  mm::destroy_address_space(space);
  KEXPECT(t, free_pages() == before);
}

// A stack grows down under a thread that pushes deeper and deeper, up to
// its limit; beyond it copy_to_user says kFault.
KTEST(vm, stacks_grow_to_their_limit) {
  const uint64_t before = free_pages();
  mm::AddressSpace* space = new_space();
  const VirtAddr top(0x0000'7fff'0000'0000);
  constexpr uint64_t kLimit = 256 * 1024;
  KEXPECT(t, space->map_stack(top, kPageSize, kLimit).ok());
  sched::set_address_space(space);
  const uint64_t value = 7;
  for (uint64_t offset = 8; offset <= kLimit; offset += kPageSize) {
    KEXPECT(t, arch::copy_to_user(top - offset, &value, sizeof(value)).ok());
  }
  KEXPECT(t, arch::copy_to_user(top - kLimit - 8, &value, sizeof(value)).error() == Error::kFault);
  sched::set_address_space(nullptr);
  mm::destroy_address_space(space);
  KEXPECT(t, free_pages() == before);
}

// EL0 for real: a thread drops to user mode in its address space and runs
// a few instructions. Its first store faults (demand zero) and is retried;
// its null load is SIGSEGV with no handler, which ends the thread with a
// diagnostic (REL-007 on the hardware). A second thread jumps into a
// non-executable page: an instruction abort, and it ends the same way.
struct UserWorld {
  mm::AddressSpace* space;
};
TestStorage<UserWorld> g_user;
const VirtAddr kUserCode(0x400000), kUserData(0x500000), kUserStackTop(0x800000);

void user_thread(void* arg) {
  sched::set_address_space(g_user.get().space);
  const VirtAddr pc = arg ? kUserData : kUserCode;  // arg: jump into data
  arch::enter_user(pc, kUserStackTop, kUserData.value(), 0x1122334455667788);
}

KTEST(vm, user_mode_faults_are_resolved_or_end_the_thread) {
  const uint64_t before = free_pages();
  UserWorld& w = g_user.build();
  w.space = new_space();
  KEXPECT(t, w.space->map_anonymous(kUserCode, kPageSize, kRw).ok());
  KEXPECT(t, w.space->map_anonymous(kUserData, kPageSize, kRw).ok());
  KEXPECT(t, w.space->map_stack(kUserStackTop, kPageSize, 16 * kPageSize).ok());
  const uint32_t code[] = {
      0xf9000001,  // str x1, [x0]       first touch: a fault, resolved, retried
      0xf9400002,  // ldr x2, [x0]
      0xf9000402,  // str x2, [x0, #8]
      0xd2800004,  // mov x4, #0
      0xf9400083,  // ldr x3, [x4]       null: SIGSEGV, no handler
      0x14000000,  // b .                never reached
  };
  sched::set_address_space(w.space);
  KEXPECT(t, arch::copy_to_user(kUserCode, code, sizeof(code)).ok());
  arch::sync_instruction_cache(kUserCode, sizeof(code));
  KEXPECT(t, w.space->protect(kUserCode, kPageSize, mm::kProtRead | mm::kProtExec).ok());
  for (uint64_t jump_into_data = 0; jump_into_data < 2; ++jump_into_data) {
    sched::Thread* thread = sched::spawn("vm-user", &user_thread,
                                         reinterpret_cast<void*>(jump_into_data), 8, cpu_mask(2))
                                .value();
    const uint64_t deadline = arch::uptime_ns() + 10 * kSecond;
    while (thread->state() != sched::TaskState::kExited && arch::uptime_ns() < deadline) {
      (void)sched::sleep_for(1000000);
    }
    KEXPECT(t, thread->state() == sched::TaskState::kExited);
    reap_all(&thread, 1);
  }
  uint64_t stored[2] = {};
  KEXPECT(t, arch::copy_from_user(stored, kUserData, sizeof(stored)).ok());
  KEXPECT(t, stored[0] == 0x1122334455667788 && stored[1] == 0x1122334455667788);
  sched::set_address_space(nullptr);
  mm::destroy_address_space(w.space);
  g_user.destroy();
  KEXPECT(t, free_pages() == before);
}

}  // namespace
}  // namespace viper::ktest

// Host backend of the arch seam (see kernel/arch/arch.h). A CPU is a host
// thread: each thread that touches per-CPU state is bound, on first use, to
// a free per-CPU block and keeps it until it exits.
#pragma once

#include <sched.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>
#include <x86intrin.h>

#include "kernel/arch/percpu.h"
#include "kernel/lib/addr.h"

namespace viper::arch {

inline constexpr uint32_t kMaxCpus = 64;

namespace host {
// The calling thread's CPU, once bound (host_cpu.cc). constinit: without
// it every access from another file first calls a TLS init wrapper (the
// compiler cannot see that the pointer needs no dynamic initialisation),
// and every this_cpu() on the allocator fast paths paid for it.
extern thread_local constinit PerCpu* t_cpu;
extern thread_local constinit bool t_irqs_enabled;  // irq_save() and friends
// preserve_most: the cold call clobbers no register of its callers, so the
// allocator fast paths that may make it need save none.
[[clang::preserve_most]] PerCpu* bind_this_thread();
// The simulated physical arena's direct map (phys_arena.cc).
struct DirectMap {
  uintptr_t virt_base;
  uint64_t size;
};
extern DirectMap g_direct_map;
[[noreturn]] void bad_address(const char* what, uint64_t value);
// TLB maintenance the host cannot do, counted so tests can check it is
// asked for (host_cpu.cc).
struct TlbLog {
  Atomic<uint64_t> page_flushes;
  Atomic<uint64_t> asid_flushes;
  Atomic<uint64_t> local_flushes;
  Atomic<uint64_t> local_page_flushes;  // this CPU only, by VA
  Atomic<uint64_t> local_asid_flushes;  // this CPU only, one ASID
};
extern TlbLog g_tlb_log;
}  // namespace host

// Binds the calling thread to a CPU on first use (once per thread: the
// binding is the cold path).
// Written so that the compiler can merge the calls of one function into
// one load: after the branch the pointer is reloaded (the binding set it)
// and known not to be null (binding aborts rather than fail).
inline PerCpu* this_cpu() {
  if (__builtin_expect(host::t_cpu == nullptr, 0)) host::bind_this_thread();
  PerCpu* cpu = host::t_cpu;
  __builtin_assume(cpu != nullptr);
  return cpu;
}
inline uint32_t cpu_id() { return this_cpu()->cpu_id; }

// The simulated interrupt mask: a thread-local flag, so masking costs one
// load and one store with no CPU lookup (the slab and kmalloc fast paths
// mask on both sides of every pair). Per CPU all the same: a host CPU is
// one thread from binding to exit, and a thread that has not touched
// per-CPU state yet has no CPU whose interrupts could be off.
using IrqState = bool;
inline IrqState irq_save() {
  const bool was_enabled = host::t_irqs_enabled;
  host::t_irqs_enabled = false;
  return was_enabled;
}
inline void irq_restore(IrqState state) { host::t_irqs_enabled = state; }
inline bool irqs_enabled() { return host::t_irqs_enabled; }

inline void cpu_relax() { _mm_pause(); }
// Host CPUs are threads that share fewer real cores: a "CPU" that has spun
// for a while lets the lock holder run, or a ticket lock crawls.
inline void spin_backoff(uint32_t attempt) {
  if ((attempt & 63) == 63) {
    sched_yield();
  } else {
    _mm_pause();
  }
}
// A host CPU has no interrupts to wait for; let another thread run.
inline void halt_until_interrupt() { sched_yield(); }
inline void memory_barrier() { __atomic_thread_fence(__ATOMIC_SEQ_CST); }

inline uint64_t cycles() { return __rdtsc(); }
inline uint64_t counter_ticks() {
  timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  return static_cast<uint64_t>(now.tv_sec) * 1000000000ull + static_cast<uint64_t>(now.tv_nsec);
}
inline uint64_t counter_frequency() { return 1000000000ull; }

// The direct map of the simulated physical arena (phys_arena.h). Addresses
// outside it are bugs and abort.
inline constexpr uint64_t kArenaPhysBase = 0x40000000;
inline VirtAddr phys_to_virt(PhysAddr phys) {
  const uint64_t offset = phys.value() - kArenaPhysBase;
  if (phys.value() < kArenaPhysBase || offset >= host::g_direct_map.size) {
    host::bad_address("physical address", phys.value());
  }
  return VirtAddr(host::g_direct_map.virt_base + offset);
}
// Whether `virt` is inside the direct map.
inline bool is_direct_map(VirtAddr virt) {
  return virt.value() >= host::g_direct_map.virt_base &&
         virt.value() - host::g_direct_map.virt_base < host::g_direct_map.size;
}
inline PhysAddr virt_to_phys(VirtAddr virt) {
  if (!is_direct_map(virt)) host::bad_address("virtual address", virt.value());
  return PhysAddr(kArenaPhysBase + (virt.value() - host::g_direct_map.virt_base));
}

// Console of last resort before a writer is installed: stderr.
void early_console_write(const char* text, size_t length);

inline uint32_t asid_count() { return 1u << 16; }
inline void enable_user_translation(PhysAddr empty_root) {
  this_cpu()->host_user_translation = empty_root.value();
}
inline void set_user_translation(PhysAddr root, uint16_t asid) {
  this_cpu()->host_user_translation = root.value() | (static_cast<uint64_t>(asid) << 48);
}
inline void tlb_flush_user_page(uint16_t, VirtAddr) {
  host::g_tlb_log.page_flushes.fetch_add(1, MemoryOrder::kRelaxed);
}
inline void tlb_flush_asid(uint16_t) {
  host::g_tlb_log.asid_flushes.fetch_add(1, MemoryOrder::kRelaxed);
}
inline void tlb_flush_user_page_local(uint16_t, VirtAddr) {
  host::g_tlb_log.local_page_flushes.fetch_add(1, MemoryOrder::kRelaxed);
}
inline void tlb_flush_asid_local(uint16_t) {
  host::g_tlb_log.local_asid_flushes.fetch_add(1, MemoryOrder::kRelaxed);
}
inline void tlb_flush_local_all() {
  host::g_tlb_log.local_flushes.fetch_add(1, MemoryOrder::kRelaxed);
}
inline void table_entries_written() { __atomic_thread_fence(__ATOMIC_RELEASE); }
inline void zero_page(VirtAddr page) { __builtin_memset(page.as<void>(), 0, kPageSize); }
inline void zero_page_dc_zva(VirtAddr page) { zero_page(page); }

[[noreturn]] void stop_machine_failed();
[[noreturn]] void halt_forever();

}  // namespace viper::arch

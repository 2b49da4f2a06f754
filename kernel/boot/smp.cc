#include "kernel/boot/smp.h"

#include "kernel/arch/aarch64/boot_defs.h"
#include "kernel/arch/arch.h"
#include "kernel/boot/boot_alloc.h"
#include "kernel/boot/interrupts.h"
#include "kernel/boot/platform.h"
#include "kernel/lib/printk.h"
#include "mm/kheap/global.h"
#include "mm/vm/user_memory.h"
#include "sched/scheduler.h"

extern "C" const uint64_t boot_secondary_entry_phys;

namespace viper::boot {
namespace {

static_assert(__builtin_offsetof(SecondaryBoot, ttbr1) == SECONDARY_TTBR1);
static_assert(__builtin_offsetof(SecondaryBoot, stack_top) == SECONDARY_STACK_TOP);
static_assert(__builtin_offsetof(SecondaryBoot, percpu) == SECONDARY_PERCPU);

constexpr PageCount kStackPages{4};  // 16 KiB kernel stack per CPU
constexpr uint64_t kBringUpTimeoutNs = 2000000000ull;

arch::PerCpu g_percpu[arch::kMaxCpus];
// Where a CPU reports a kernel stack overflow (vectors.S).
alignas(16) uint8_t g_overflow_stacks[arch::kMaxCpus][4096];
SecondaryBoot g_secondary_boot[arch::kMaxCpus];
Atomic<uint32_t> g_online{0};
Atomic<uint32_t> g_scheduling{0};

struct CallSlot {
  Atomic<void (*)(void*)> fn{nullptr};
  Atomic<void*> arg{nullptr};
};
CallSlot g_calls[arch::kMaxCpus];

uint64_t read_mpidr() {
  uint64_t mpidr;
  asm volatile("mrs %0, mpidr_el1" : "=r"(mpidr));
  return mpidr & 0xff00ffffffull;  // affinity fields only
}

void enable_cycle_counter() {
  asm volatile(
      "msr pmcr_el0, %0\n"        // E: counters on, C: reset cycle counter
      "msr pmcntenset_el0, %1\n"  // enable PMCCNTR_EL0
      "isb\n"
      :
      : "r"(uint64_t{(1 << 0) | (1 << 2)}), "r"(uint64_t{1} << 31));
}

void bring_up_interrupts_on_this_cpu() {
  Platform& p = platform();
  if (!p.gic.init_this_cpu().ok()) {
    panic("cpu%u: no GIC redistributor for MPIDR 0x%llx", arch::cpu_id(),
          static_cast<unsigned long long>(arch::this_cpu()->hardware_id));
  }
  p.gic.enable_private(kSgiStop, 0x10);
  p.gic.enable_private(kSgiCall, 0x80);
  p.gic.enable_private(kSgiResched, 0x80);
  p.gic.enable_private(p.machine.timer_virtual_irq, 0x80);
  p.timer.start_this_cpu(p.timer_hz);
  enable_cycle_counter();
}

}  // namespace

arch::PerCpu& percpu(uint32_t cpu) { return g_percpu[cpu]; }
uint32_t cpus_online() { return g_online.load(MemoryOrder::kAcquire); }

void init_boot_cpu() {
  arch::PerCpu& cpu = g_percpu[0];
  cpu.overflow_stack_top = VirtAddr(g_overflow_stacks[0] + sizeof(g_overflow_stacks[0])).value();
  cpu.cpu_id = 0;
  cpu.hardware_id = read_mpidr();
  asm volatile("msr tpidr_el1, %0" : : "r"(&cpu) : "memory");
  g_online.store(1, MemoryOrder::kRelease);
}

void start_secondary_cpus(uint64_t kernel_ttbr1) {
  Platform& p = platform();
  bring_up_interrupts_on_this_cpu();
  uint32_t next_id = 1;
  for (uint32_t i = 0; i < p.machine.cpu_count; ++i) {
    const uint64_t hwid = p.machine.cpu_hwids[i];
    if (hwid == g_percpu[0].hardware_id) continue;
    const uint32_t id = next_id++;
    Result<PhysAddr> stack = boot_allocator().allocate(kStackPages);
    if (!stack.ok()) panic("no memory for the stack of cpu%u", id);
    g_percpu[id].cpu_id = id;
    g_percpu[id].hardware_id = hwid;
    g_percpu[id].overflow_stack_top =
        VirtAddr(g_overflow_stacks[id] + sizeof(g_overflow_stacks[id])).value();
    g_secondary_boot[id] = {kernel_ttbr1, arch::phys_to_virt(stack.value() + kStackPages).value(),
                            VirtAddr(&g_percpu[id]).value()};
    const uint32_t expected = g_online.load(MemoryOrder::kAcquire) + 1;
    const int64_t status =
        arch::psci::cpu_on(p.psci, hwid, PhysAddr(boot_secondary_entry_phys),
                           arch::virt_to_phys(VirtAddr(&g_secondary_boot[id])).value());
    if (status != 0) {
      panic("PSCI CPU_ON for cpu%u (MPIDR 0x%llx) failed: %s", id,
            static_cast<unsigned long long>(hwid), arch::psci::error_name(status));
    }
    const uint64_t deadline = arch::uptime_ns() + kBringUpTimeoutNs;
    while (g_online.load(MemoryOrder::kAcquire) < expected) {
      if (arch::uptime_ns() > deadline) {
        panic("cpu%u (MPIDR 0x%llx) did not come online", id,
              static_cast<unsigned long long>(hwid));
      }
      arch::cpu_relax();
    }
  }
}

void call_on_cpu(uint32_t cpu, void (*fn)(void*), void* arg) {
  CallSlot& slot = g_calls[cpu];
  while (slot.fn.load(MemoryOrder::kAcquire) != nullptr) arch::cpu_relax();
  slot.arg.store(arg, MemoryOrder::kRelaxed);
  slot.fn.store(fn, MemoryOrder::kRelease);
  platform().gic.send_sgi(kSgiCall, g_percpu[cpu].hardware_id);
}

void wait_for_call(uint32_t cpu) {
  while (g_calls[cpu].fn.load(MemoryOrder::kAcquire) != nullptr) arch::cpu_relax();
}

void run_on_all_cpus(void (*fn)(void*), void* arg) {
  const uint32_t cpus = cpus_online();
  const uint32_t self = arch::cpu_id();
  for (uint32_t cpu = 0; cpu < cpus; ++cpu) {
    if (cpu != self) call_on_cpu(cpu, fn, arg);
  }
  fn(arg);
  for (uint32_t cpu = 0; cpu < cpus; ++cpu) {
    if (cpu != self) wait_for_call(cpu);
  }
}

void run_pending_call() {
  CallSlot& slot = g_calls[arch::cpu_id()];
  void (*fn)(void*) = slot.fn.load(MemoryOrder::kAcquire);
  if (!fn) return;
  fn(slot.arg.load(MemoryOrder::kRelaxed));
  slot.fn.store(nullptr, MemoryOrder::kRelease);
}

void start_scheduling(void (*first)(void*)) {
  if (!mm::init_user_memory(mm::physical_memory()).ok()) panic("no page for the empty user table");
  mm::enable_user_memory_on_this_cpu();
  sched::init({&send_reschedule_ipi, &run_pending_call, &program_timer, &mm::switch_address_space},
              cpus_online());
  if (!sched::spawn("init", first, nullptr, sched::kDefaultPriority, 1ull << 0).ok()) {
    panic("cannot start the first kernel thread");
  }
  g_scheduling.store(1, MemoryOrder::kRelease);
  platform().gic.send_sgi_to_others(kSgiCall);  // wake the others into their idle threads
  sched::init_this_cpu();
  sched::idle_loop();
}

void idle_loop() {
  CallSlot& slot = g_calls[arch::cpu_id()];
  for (;;) {
    if (g_scheduling.load(MemoryOrder::kAcquire)) {
      mm::enable_user_memory_on_this_cpu();
      sched::init_this_cpu();
      sched::idle_loop();
    }
    // Check for work with interrupts masked, then WFI: an SGI that arrives
    // after the check is pending and ends the WFI, so no wakeup is lost.
    const arch::IrqState state = arch::irq_save();
    void (*fn)(void*) = slot.fn.load(MemoryOrder::kAcquire);
    if (!fn) arch::halt_until_interrupt();
    arch::irq_restore(state);
    if (fn) {
      fn(slot.arg.load(MemoryOrder::kRelaxed));
      slot.fn.store(nullptr, MemoryOrder::kRelease);
    }
  }
}

void stop_other_cpus() {
  if (g_online.load(MemoryOrder::kAcquire) > 1) platform().gic.send_sgi_to_others(kSgiStop);
}

}  // namespace viper::boot

extern "C" [[noreturn]] void secondary_main(uint64_t entry_el) {
  using namespace viper;
  (void)entry_el;
  boot::bring_up_interrupts_on_this_cpu();
  boot::g_online.fetch_add(1, MemoryOrder::kAcqRel);
  printk(LogLevel::kInfo, "cpu%u online (MPIDR 0x%llx)", arch::cpu_id(),
         static_cast<unsigned long long>(arch::this_cpu()->hardware_id));
  arch::irq_enable();
  boot::idle_loop();
}

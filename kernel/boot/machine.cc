#include "kernel/boot/machine.h"

#include "kernel/lib/fdt.h"

namespace viper::boot {
namespace {

using fdt::Property;

bool prefix(const char* text, const char* start) {
  while (*start) {
    if (*text++ != *start++) return false;
  }
  return true;
}

// GIC interrupt specifier <type number flags> to an INTID.
uint32_t intid(uint32_t type, uint32_t number) { return type == 0 ? number + 32 : number + 16; }

// Collects one node's interesting properties; interpreted at its end, when
// all are known. Cells come from the parent (reg is in the parent's units).
struct Node {
  const char* name = "";
  uint32_t address_cells = 2;  // this node's, for its children
  uint32_t size_cells = 1;
  Property compatible{};
  Property reg{};
  Property interrupts{};
  Property device_type{};
  Property method{};
  Property bootargs{};
  Property initrd_start{};
  Property initrd_end{};
};

class Describer final : public fdt::Visitor {
 public:
  explicit Describer(MachineDescription& machine) : m_(machine) {}

  void begin_node(const char* name, uint32_t depth) override {
    nodes_[depth] = Node{};
    nodes_[depth].name = name;
  }

  void property(const Property& p, uint32_t depth) override {
    Node& n = nodes_[depth];
    if (p.is("#address-cells") && p.length == 4)
      n.address_cells = fdt::read_be32(p.data);
    else if (p.is("#size-cells") && p.length == 4)
      n.size_cells = fdt::read_be32(p.data);
    else if (p.is("compatible"))
      n.compatible = p;
    else if (p.is("reg"))
      n.reg = p;
    else if (p.is("interrupts"))
      n.interrupts = p;
    else if (p.is("device_type"))
      n.device_type = p;
    else if (p.is("method"))
      n.method = p;
    else if (p.is("bootargs"))
      n.bootargs = p;
    else if (p.is("linux,initrd-start"))
      n.initrd_start = p;
    else if (p.is("linux,initrd-end"))
      n.initrd_end = p;
  }

  void end_node(uint32_t depth) override {
    const Node& n = nodes_[depth];
    const Node* parent = depth > 0 ? &nodes_[depth - 1] : nullptr;
    if (!parent) return;
    const uint32_t ac = parent->address_cells;
    const uint32_t sc = parent->size_cells;
    if (ac > 2 || sc > 2) {
      if (!error_) error_ = "reg cells wider than 64 bits";
      return;
    }
    const uint32_t entry = ac + sc;
    const uint32_t regs = n.reg.count(entry);
    auto reg_base = [&](uint32_t i) { return n.reg.read(i * entry, ac); };
    auto reg_size = [&](uint32_t i) { return n.reg.read(i * entry + ac, sc); };

    if (is_type(n, "memory") || (depth == 1 && prefix(n.name, "memory@"))) {
      for (uint32_t i = 0; i < regs && m_.memory_count < kMaxMemoryRanges; ++i) {
        if (reg_size(i) == 0) continue;
        m_.memory[m_.memory_count++] = {PhysAddr(reg_base(i)), reg_size(i)};
      }
    } else if (is_type(n, "cpu") && parent && equals(parent->name, "cpus")) {
      if (regs < 1 || sc != 0) {
        if (!error_) error_ = "cpu node without a usable reg";
        return;
      }
      if (m_.cpu_count < kMaxDtbCpus) {
        m_.cpu_hwids[m_.cpu_count++] = n.reg.read(0, ac);
      } else {
        ++m_.cpus_ignored;
      }
    } else if (n.compatible.length && n.compatible.contains_string("arm,pl011")) {
      if (m_.uart.size == 0 && regs >= 1) {
        m_.uart = {PhysAddr(reg_base(0)), reg_size(0), spi(n.interrupts, 0)};
      }
    } else if (n.compatible.length && n.compatible.contains_string("arm,pl031")) {
      if (m_.rtc.size == 0 && regs >= 1) m_.rtc = {PhysAddr(reg_base(0)), reg_size(0), 0};
    } else if (n.compatible.length && n.compatible.contains_string("arm,gic-v3")) {
      if (regs >= 2) {
        m_.gic_version = 3;
        m_.gic_distributor = {PhysAddr(reg_base(0)), reg_size(0), 0};
        m_.gic_redistributors = {PhysAddr(reg_base(1)), reg_size(1), 0};
      }
    } else if (n.compatible.length && (n.compatible.contains_string("arm,cortex-a15-gic") ||
                                       n.compatible.contains_string("arm,gic-400"))) {
      if (regs >= 1) {
        m_.gic_version = 2;
        m_.gic_distributor = {PhysAddr(reg_base(0)), reg_size(0), 0};
      }
    } else if (n.compatible.length && n.compatible.contains_string("arm,armv8-timer")) {
      // interrupts: secure phys, non-secure phys, virtual, hypervisor.
      if (n.interrupts.count(3) >= 3) {
        m_.timer_physical_irq = intid(n.interrupts.read(3, 1), n.interrupts.read(4, 1));
        m_.timer_virtual_irq = intid(n.interrupts.read(6, 1), n.interrupts.read(7, 1));
      }
    } else if (n.compatible.length && n.compatible.contains_string("virtio,mmio")) {
      if (regs >= 1 && m_.virtio_count < kMaxVirtioSlots) {
        m_.virtio[m_.virtio_count++] = {PhysAddr(reg_base(0)), reg_size(0), spi(n.interrupts, 0)};
      }
    } else if (n.compatible.length && n.compatible.contains_string("arm,psci-0.2")) {
      const char* method = n.method.as_string();
      if (method && equals(method, "hvc")) m_.psci = PsciConduit::kHvc;
      if (method && equals(method, "smc")) m_.psci = PsciConduit::kSmc;
    } else if (equals(n.name, "chosen") && depth == 1) {
      if (const char* args = n.bootargs.as_string()) copy_bootargs(args);
      read_initrd(n);
    }
  }

  const char* error() const { return error_; }

 private:
  static bool equals(const char* a, const char* b) {
    while (*a && *a == *b) {
      ++a;
      ++b;
    }
    return *a == *b;
  }
  static bool is_type(const Node& n, const char* type) {
    const char* value = n.device_type.as_string();
    return value && equals(value, type);
  }
  static uint32_t spi(const Property& interrupts, uint32_t index) {
    if (interrupts.count(3) <= index) return 0;
    return intid(interrupts.read(index * 3, 1), interrupts.read(index * 3 + 1, 1));
  }
  // linux,initrd-start/-end: one or two cells each (QEMU writes one for
  // addresses below 4 GiB).
  void read_initrd(const Node& n) {
    if (!n.initrd_start.length && !n.initrd_end.length) return;
    const Property& start = n.initrd_start;
    const Property& end = n.initrd_end;
    if ((start.length != 4 && start.length != 8) || (end.length != 4 && end.length != 8)) {
      if (!error_) error_ = "malformed linux,initrd-start/-end";
      return;
    }
    const uint64_t first = start.read(0, start.length / 4);
    const uint64_t last = end.read(0, end.length / 4);
    if (last < first) {
      if (!error_) error_ = "initrd ends before it starts";
      return;
    }
    m_.initrd = {PhysAddr(first), last - first};
  }
  void copy_bootargs(const char* args) {
    size_t i = 0;
    for (; args[i] && i + 1 < kMaxBootArgs; ++i) m_.bootargs[i] = args[i];
    m_.bootargs[i] = 0;
  }

  MachineDescription& m_;
  Node nodes_[fdt::kMaxDepth];
  const char* error_ = nullptr;
};

}  // namespace

bool MachineDescription::contains(const MemoryRange& range) const {
  for (uint32_t i = 0; i < memory_count; ++i) {
    const MemoryRange& ram = memory[i];
    if (range.base.value() >= ram.base.value() && range.size <= ram.size &&
        range.base.value() - ram.base.value() <= ram.size - range.size) {
      return true;
    }
  }
  return false;
}

uint64_t MachineDescription::total_memory() const {
  uint64_t total = 0;
  for (uint32_t i = 0; i < memory_count; ++i) total += memory[i].size;
  return total;
}

Result<MachineDescription> describe_machine(const void* dtb, size_t available,
                                            const char** reason) {
  const char* why = nullptr;
  Result<fdt::Tree> tree = fdt::Tree::parse(dtb, available, &why);
  auto fail = [&](const char* what) -> Result<MachineDescription> {
    *reason = what;
    return Error::kCorrupt;
  };
  if (!tree.ok()) return fail(why);
  MachineDescription machine;
  Describer describer(machine);
  tree->walk(describer);
  if (describer.error()) return fail(describer.error());
  if (machine.memory_count == 0) return fail("device tree lists no memory");
  if (machine.cpu_count == 0) return fail("device tree lists no CPUs");
  if (machine.uart.size == 0) return fail("device tree has no arm,pl011 UART");
  if (machine.gic_version == 0) return fail("device tree has no supported GIC");
  if (machine.timer_virtual_irq == 0) return fail("device tree has no arm,armv8-timer");
  if (machine.initrd.size != 0 && !machine.contains(machine.initrd)) {
    return fail("initrd is not inside RAM");
  }
  return machine;
}

}  // namespace viper::boot

#include "kernel/boot/user_space.h"

#include "drivers/pl031/pl031.h"
#include "kernel/arch/aarch64/exception.h"
#include "kernel/arch/arch.h"
#include "kernel/boot/disks.h"
#include "kernel/boot/interrupts.h"
#include "kernel/boot/nics.h"
#include "kernel/boot/platform.h"
#include "kernel/lib/printk.h"
#include "kernel/loader/boot_archive.h"
#include "kernel/loader/spawn.h"
#include "kernel/object/block_object.h"
#include "kernel/object/console_object.h"
#include "kernel/object/endpoint_object.h"
#include "kernel/object/nic_object.h"
#include "kernel/object/process_object.h"
#include "kernel/syscall/entry.h"
#include "kernel/syscall/signals.h"
#include "kernel/syscall/syscall.h"
#include "kernel/syscall/system.h"
#include "mm/kheap/make.h"
#include "sched/scheduler.h"

namespace viper::boot {
namespace {

// Before every return to EL0: a thread that was told to end (its process
// exits, or it was killed) ends here instead of running user code again;
// otherwise a pending signal enters its handler.
void before_return_to_user(arch::ExceptionFrame& frame) {
  if (sched::kill_requested()) sched::exit_current();
  syscall::deliver_signals(frame);
}

// VIPER_SYS_SYSTEM_POWER (poweroff, reboot). Power-off says so with the
// result protocol's exit line, like every other way the kernel ends.
void power(syscall::PowerAction action) {
  if (action == syscall::PowerAction::kOff) power_off(0);
  printk(LogLevel::kInfo, "rebooting");
  arch::psci::system_reset(platform().psci);
}

// The rights init gets on the console: enough to use it, wait on it and
// pass it on (to consoled, and again to a restarted one), not SIGNAL.
constexpr Rights kConsoleRights =
    Rights::kRead | Rights::kWrite | Rights::kWait | Rights::kTransfer | Rights::kDuplicate;

// A disk's rights: read, write unless it is read-only, and pass it on
// (init hands it to fsd). Never SIGNAL.
constexpr Rights kBlockRights =
    Rights::kRead | Rights::kWait | Rights::kTransfer | Rights::kDuplicate;

// After "console": one message per disk, the bytes "block" and the disk's
// handle, disk 0 first (userland/libc/include/viperdos/fs_protocol.h). A
// reader that does not want them closes the channel; the handles then go
// with it (the disks themselves live on).
Status send_disks(cap::HandleTable& kernel_handles, cap::HandleValue channel) {
  static constexpr char kTag[] = "block";
  for (uint32_t i = 0; i < disk_count(); ++i) {
    object::Ref<object::BlockObject> block = TRY(object::BlockObject::create(disk(i)));
    const Rights rights = disk(i).info().read_only ? kBlockRights : kBlockRights | Rights::kWrite;
    const cap::HandleValue handle = TRY(kernel_handles.add(move(block), rights));
    const cap::HandleValue attached[] = {handle};
    TRY(object::channel_write(kernel_handles, channel,
                              ConstBytes(reinterpret_cast<const uint8_t*>(kTag), sizeof(kTag) - 1),
                              Span<const cap::HandleValue>(attached)));
  }
  return ok_status();
}

// A NIC's rights (<viperdos/net.h>): receive and send, wait on it, pass it
// on (init hands it to netd). Never SIGNAL: its signals are the device's.
constexpr Rights kNicRights =
    Rights::kRead | Rights::kWrite | Rights::kWait | Rights::kTransfer | Rights::kDuplicate;

// After the disks: one message per NIC, the bytes "nic" and its handle,
// NIC 0 first (userland/libc/include/viperdos/net.h).
Status send_nics(cap::HandleTable& kernel_handles, cap::HandleValue channel) {
  static constexpr char kTag[] = "nic";
  for (uint32_t i = 0; i < nic_count(); ++i) {
    object::Ref<object::NicObject> object = TRY(object::NicObject::create(nic(i)));
    const cap::HandleValue handle = TRY(kernel_handles.add(move(object), kNicRights));
    const cap::HandleValue attached[] = {handle};
    TRY(object::channel_write(kernel_handles, channel,
                              ConstBytes(reinterpret_cast<const uint8_t*>(kTag), sizeof(kTag) - 1),
                              Span<const cap::HandleValue>(attached)));
  }
  return ok_status();
}

// init's bootstrap channel: its first message is the bytes "console" and
// one handle, the console object; the disks' messages follow, then the NICs'. Nothing else ever
// gets the console from the kernel. Built in a handle table of the kernel's own that keeps nothing:
// the message end is closed (the message stays readable), the other end is what init is spawned
// with.
Result<loader::SpawnHandles> init_bootstrap() {
  // On the heap: 32 KiB is too much for a kernel stack; freed on return.
  mm::Own<cap::HandleTable> table = TRY(mm::make<cap::HandleTable>());
  cap::HandleTable& kernel_handles = *table;
  object::Ref<object::ConsoleObject> console = TRY(object::ConsoleObject::create());
  if (!start_console_input(console)) {
    printk(LogLevel::kWarn, "console: the UART has no interrupt: no console input");
  }
  const object::ChannelHandles channel = TRY(object::channel_create(kernel_handles));
  const cap::HandleValue handle = TRY(kernel_handles.add(move(console), kConsoleRights));
  static constexpr char kTag[] = "console";
  const cap::HandleValue attached[] = {handle};
  TRY(object::channel_write(kernel_handles, channel.a,
                            ConstBytes(reinterpret_cast<const uint8_t*>(kTag), sizeof(kTag) - 1),
                            Span<const cap::HandleValue>(attached)));
  TRY(send_disks(kernel_handles, channel.a));
  TRY(send_nics(kernel_handles, channel.a));
  TRY(kernel_handles.close(channel.a));
  loader::SpawnHandles handles;
  handles.bootstrap_rights = TRY(kernel_handles.rights(channel.b));
  handles.bootstrap = TRY(kernel_handles.take(channel.b, Rights::kNone));
  return handles;
}

}  // namespace

void install_user_space_hooks() {
  syscall::install_kernel_calls();
  syscall::set_power_handler(&power);
  const MmioRegion& rtc = platform().machine.rtc;
  if (rtc.size != 0) {
    const drivers::Pl031 clock(arch::phys_to_virt(rtc.base).as<volatile uint32_t>());
    if (clock.is_pl031()) {
      syscall::set_wall_clock(clock.seconds(), arch::uptime_ns());
    }
  }
  arch::set_syscall_handler(&syscall::handle_syscall);
  arch::set_return_to_user_handler(&before_return_to_user);
}

bool run_init(const CommandLine& cmdline) {
  const MemoryRange& initrd = platform().machine.initrd;
  if (initrd.size == 0) {
    printk(LogLevel::kInfo, "no boot archive (QEMU -initrd): no user space to start");
    return false;
  }
  const ConstBytes image(arch::phys_to_virt(initrd.base).as<const uint8_t>(), initrd.size);
  const char* reason = nullptr;
  Result<loader::BootArchive> archive = loader::BootArchive::open(image, &reason);
  if (!archive.ok()) panic("the boot archive is damaged: %s", reason);
  printk(LogLevel::kInfo, "boot archive: %llu KiB, %llu entries",
         static_cast<unsigned long long>(initrd.size >> 10),
         static_cast<unsigned long long>(archive->size()));

  static loader::BootArchive served;  // lives for the whole run
  served = archive.value();
  loader::set_boot_archive(&served);
  if (!sched::spawn("reaper", &object::Process::run_reaper, nullptr).ok()) {
    panic("no memory for the reaper thread");
  }
  char path[96] = "bin/init";
  (void)cmdline.get("init", path, sizeof(path));
  Result<loader::ArchiveEntry> program = served.find(path);
  if (!program.ok() || !program->is_regular_file()) {
    panic("init: %s is not in the boot archive", path);
  }
  // initarg=X becomes init's argv[1] (for bin/init: which configuration to follow).
  char config[96] = "";
  const bool has_config = cmdline.get("initarg", config, sizeof(config));
  const char* argv[] = {path, config};
  Result<loader::SpawnHandles> bootstrap = init_bootstrap();
  if (!bootstrap.ok()) panic("init: no bootstrap channel: %s", error_name(bootstrap.error()));
  Result<object::Ref<object::Process>> init = loader::spawn_program(
      program->contents, path, Span<const char* const>(argv, has_config ? 2 : 1), {}, &reason,
      move(bootstrap.value()));
  if (!init.ok()) {
    panic("init: %s cannot run: %s%s%s", path, error_name(init.error()), reason ? ": " : "",
          reason ? reason : "");
  }
  // init never ends on a healthy system; when it does, so does the system.
  Result<Signals> ended = init.value()->waitable()->wait(Signals::kTerminated, Deadline::never());
  if (!ended.ok()) panic("waiting for init failed: %s", error_name(ended.error()));
  const int64_t code = init.value()->exit_code().value();
  printk(LogLevel::kInfo, "init (%s) exited with code %lld", path, static_cast<long long>(code));
  power_off(static_cast<int>(code));
}

}  // namespace viper::boot

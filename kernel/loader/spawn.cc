#include "kernel/loader/spawn.h"

#include "kernel/lib/scope_guard.h"
#include "kernel/loader/elf_image.h"
#include "kernel/loader/program_loader.h"
#include "sched/scheduler.h"

namespace viper::loader {

Result<object::Ref<object::Process>> spawn_program(ConstBytes file, const char* name,
                                                   Span<const char* const> argv,
                                                   Span<const char* const> envp,
                                                   const char** reason) {
  const ElfImage image = TRY(parse_elf(file, kProgramRange, reason));
  object::Ref<object::Process> process = TRY(object::Process::create(name));
  mm::AddressSpace* const previous = sched::current()->address_space;
  sched::set_address_space(&process->address_space());
  auto restore = ScopeGuard([&] { sched::set_address_space(previous); });
  const ProgramStart start = TRY(load_program(image, file, process->address_space(), argv, envp));
  restore.run();
  TRY(process->start_thread(name, start.entry, start.stack_pointer, 0, 0));
  return process;
}

}  // namespace viper::loader

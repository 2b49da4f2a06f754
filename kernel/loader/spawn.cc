#include "kernel/loader/spawn.h"

#include "kernel/lib/scope_guard.h"
#include "kernel/loader/boot_archive.h"
#include "kernel/loader/elf_image.h"
#include "kernel/loader/program_loader.h"
#include "mm/pmm/physical_memory.h"
#include "mm/vm/user_memory.h"

namespace viper::loader {

namespace {
const BootArchive* g_boot_archive = nullptr;
ProgramCache g_program_cache;

// The cache only for files of the boot archive: nothing else is known
// never to change under it.
ProgramCache* cache_for(ConstBytes file) {
  return g_boot_archive && g_boot_archive->holds(file) ? &g_program_cache : nullptr;
}
}  // namespace

void set_boot_archive(const BootArchive* archive) { g_boot_archive = archive; }
const BootArchive* boot_archive() { return g_boot_archive; }

Result<object::Ref<object::Process>> spawn_program(ConstBytes file, const char* name,
                                                   Span<const char* const> argv,
                                                   Span<const char* const> envp,
                                                   const char** reason, SpawnHandles handles) {
  const ElfImage image = TRY(parse_elf(file, kProgramRange, reason));
  object::Ref<object::Process> process = TRY(object::Process::create(name));
  uint64_t bootstrap = 0;
  if (handles.bootstrap) {
    bootstrap =
        TRY(process->handles().add(move(handles.bootstrap), handles.bootstrap_rights)).value;
  }
  // Loaded from here, through the direct map: no switch into the child.
  const ProgramStart start = TRY(
      load_program(image, file, process->address_space(), argv, envp, bootstrap, cache_for(file)));
  TRY(process->start_thread(name, {.pc = start.entry, .sp = start.stack_pointer}));
  return process;
}

Result<LoadedProgram> load_for_exec(ConstBytes file, Span<const char* const> argv,
                                    Span<const char* const> envp, uint64_t bootstrap,
                                    const char** reason) {
  const ElfImage image = TRY(parse_elf(file, kProgramRange, reason));
  mm::AddressSpace* space = TRY(mm::AddressSpace::create(mm::physical_memory()));
  auto destroy_space = ScopeGuard([&] { mm::destroy_address_space(space); });
  const ProgramStart start =
      TRY(load_program(image, file, *space, argv, envp, bootstrap, cache_for(file)));
  destroy_space.dismiss();
  return LoadedProgram{.space = space, .entry = start.entry, .stack_pointer = start.stack_pointer};
}

}  // namespace viper::loader

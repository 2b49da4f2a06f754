// Starting a program: a new process with the program loaded into its
// address space and its first thread at the entry point (layer 9).
//
// The caller's own address space is left for the load (the copies go into
// the new process's space) and restored before returning, so arguments
// must be kernel memory by then (the spawn system call copies them in).
#pragma once

#include "kernel/lib/result.h"
#include "kernel/lib/span.h"
#include "kernel/object/process_object.h"

namespace viper::loader {

// What a new process starts with besides its program: exactly these
// handles and nothing ambient (ARCHITECTURE.md, "User space"). Today one:
// the bootstrap channel, whose value the child finds in its auxiliary
// vector (VIPER_AUX_BOOTSTRAP).
struct SpawnHandles {
  object::Ref<object::KernelObject> bootstrap;  // empty: none
  Rights bootstrap_rights = Rights::kNone;
};

// kCorrupt / kNotSupported / kOutOfRange for a file that is not a ViperDOS
// program (`reason` says why), kNoMemory, kOutOfRange for arguments
// beyond the limits.
Result<object::Ref<object::Process>> spawn_program(ConstBytes file, const char* name,
                                                   Span<const char* const> argv,
                                                   Span<const char* const> envp,
                                                   const char** reason = nullptr,
                                                   SpawnHandles handles = {});

// A program loaded for exec into a new address space, not yet anyone's:
// the caller hands `space` over (Process::exec) or destroys it.
struct LoadedProgram {
  mm::AddressSpace* space;
  VirtAddr entry;
  VirtAddr stack_pointer;
};
// Parses and loads `file` into a fresh address space with its stack
// (argv, envp, `bootstrap` in the auxiliary vector) and the signal
// trampoline; the caller's address space is left only for the load. The
// errors of spawn_program; on any of them nothing is left behind.
Result<LoadedProgram> load_for_exec(ConstBytes file, Span<const char* const> argv,
                                    Span<const char* const> envp, uint64_t bootstrap,
                                    const char** reason = nullptr);

// The boot archive programs are spawned from (set once at boot).
class BootArchive;
void set_boot_archive(const BootArchive* archive);
const BootArchive* boot_archive();

}  // namespace viper::loader

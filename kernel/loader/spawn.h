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

// kCorrupt / kNotSupported / kOutOfRange for a file that is not a ViperDOS
// program (`reason` says why), kNoMemory, kOutOfRange for arguments
// beyond the limits.
Result<object::Ref<object::Process>> spawn_program(ConstBytes file, const char* name,
                                                   Span<const char* const> argv,
                                                   Span<const char* const> envp,
                                                   const char** reason = nullptr);

}  // namespace viper::loader

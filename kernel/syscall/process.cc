// Processes: spawn (from the boot archive, or a program file handed over
// in a memory object), exit, kill, info; the POSIX fork and exec
// (kernel/object/process_fork.cc does the work).
#include "kernel/arch/aarch64/exception.h"
#include "kernel/arch/aarch64/fp_state.h"
#include "kernel/arch/aarch64/user_entry.h"
#include "kernel/loader/boot_archive.h"
#include "kernel/loader/spawn.h"
#include "kernel/object/process_object.h"
#include "kernel/object/vmo_object.h"
#include "kernel/syscall/arguments.h"
#include "kernel/syscall/calls.h"
#include "kernel/syscall/kernel_buffer.h"
#include "kernel/syscall/signals.h"

namespace viper::syscall {
namespace {

// Arguments and environment, copied into one kernel buffer before the
// caller's address space is left (spawn loads into the child's).
struct SpawnStrings {
  KernelBuffer storage;
  const char* argv[VIPER_SPAWN_ARGS_MAX];
  const char* envp[VIPER_SPAWN_ARGS_MAX];
  size_t argc = 0;
  size_t envc = 0;
};

// Copies `count` strings from the user array at `list` to `out`, packing
// them into `storage` from `used` on. kOutOfRange past the limits, kFault.
Status copy_string_list(uint64_t list, uint64_t count, const char** out, SpawnStrings& s,
                        size_t& used) {
  if (count > VIPER_SPAWN_ARGS_MAX) return Error::kOutOfRange;
  uint64_t pointers[VIPER_SPAWN_ARGS_MAX];
  TRY(arch::copy_from_user(pointers, VirtAddr(list), count * sizeof(uint64_t)));
  for (uint64_t i = 0; i < count; ++i) {
    char* at = reinterpret_cast<char*>(s.storage.data()) + used;
    const size_t room = VIPER_SPAWN_ARG_BYTES_MAX - used;
    if (room == 0) return Error::kOutOfRange;
    const size_t length = TRY(arch::copy_string_from_user(at, VirtAddr(pointers[i]), room));
    out[i] = at;
    used += length + 1;
  }
  return ok_status();
}

// A program's path and arguments (viper_spawn_args), copied in.
struct ProgramArgs {
  char path[VIPER_SPAWN_PATH_MAX];
  SpawnStrings strings;
  Span<const char* const> argv() const { return {strings.argv, strings.argc}; }
  Span<const char* const> envp() const { return {strings.envp, strings.envc}; }
};

Status copy_program_args(const viper_spawn_args& args, ProgramArgs& out) {
  TRY(arch::copy_string_from_user(out.path, VirtAddr(reinterpret_cast<uint64_t>(args.path)),
                                  sizeof(out.path)));
  SpawnStrings& strings = out.strings;
  TRY(strings.storage.reserve(VIPER_SPAWN_ARG_BYTES_MAX));
  size_t used = 0;
  TRY(copy_string_list(reinterpret_cast<uint64_t>(args.argv), args.argc, strings.argv, strings,
                       used));
  TRY(copy_string_list(reinterpret_cast<uint64_t>(args.envp), args.envc, strings.envp, strings,
                       used));
  strings.argc = args.argc;
  strings.envc = args.envc;
  return ok_status();
}

// The program file at `path` in the boot archive: kNotFound.
Result<ConstBytes> find_program(const char* path) {
  const loader::BootArchive* archive = loader::boot_archive();
  if (archive == nullptr) return Error::kNotFound;
  const loader::ArchiveEntry entry = TRY(archive->find(path));
  if (!entry.is_regular_file()) return Error::kNotFound;
  return entry.contents;
}

// The program file the arguments name: `path` in the boot archive, or the
// first image_bytes of the memory object `image`, copied into `storage`
// (the caller could change the object's pages while the ELF parser reads
// them). kOutOfRange for a length that is 0, beyond the object or beyond
// VIPER_SPAWN_IMAGE_MAX; the handle's errors (kBadHandle, kWrongType,
// kAccessDenied without the read right).
Result<ConstBytes> program_file(CallContext& c, const viper_spawn_args& args, const char* path,
                                KernelBuffer& storage) {
  if (args.image == VIPER_HANDLE_INVALID) return find_program(path);
  const object::Ref<object::VmoObject> vmo =
      TRY(c.handles.get_as<object::VmoObject>(handle_arg(args.image), Rights::kRead));
  const uint64_t bytes = args.image_bytes;
  if (bytes == 0 || bytes > VIPER_SPAWN_IMAGE_MAX || bytes > vmo->size()) {
    return Error::kOutOfRange;
  }
  TRY(storage.reserve(bytes));
  uint8_t* out = storage.data();
  for (uint64_t at = 0; at < bytes; at += kPageSize) {
    const uint64_t n = bytes - at < kPageSize ? bytes - at : kPageSize;
    __builtin_memcpy(out + at, arch::phys_to_virt(vmo->frames()[at / kPageSize]).as<void>(), n);
  }
  return ConstBytes(out, bytes);
}

Result<uint64_t> process_spawn(CallContext& c, const Arguments& a) {
  const viper_spawn_args args = TRY(copy_in<viper_spawn_args>(a.value[0]));
  ProgramArgs program;
  TRY(copy_program_args(args, program));
  const char* path = program.path;

  // The bootstrap handle moves to the child only if the spawn succeeds.
  loader::SpawnHandles handles;
  if (args.bootstrap != VIPER_HANDLE_INVALID) {
    const cap::HandleValue bootstrap = handle_arg(args.bootstrap);
    handles.bootstrap = TRY(c.handles.get(bootstrap, Rights::kTransfer));
    handles.bootstrap_rights = TRY(c.handles.rights(bootstrap));
  }
  KernelBuffer image;
  const ConstBytes file = TRY(program_file(c, args, path, image));
  object::Ref<object::Process> child = TRY(
      loader::spawn_program(file, path, program.argv(), program.envp(), nullptr, move(handles)));
  if (args.bootstrap != VIPER_HANDLE_INVALID) (void)c.handles.close(handle_arg(args.bootstrap));
  return TRY(c.handles.add(move(child), Rights::kAll)).value;
}

// (code) -> does not return. Every thread of the process ends; the code
// is what the process handle reports once it has terminated.
Result<uint64_t> process_exit(CallContext& c, const Arguments& a) {
  c.process->exit(static_cast<int64_t>(a.value[0]));
  sched::exit_current();
}

Result<uint64_t> process_kill(CallContext& c, const Arguments& a) {
  object::Ref<object::Process> process =
      TRY(c.handles.get_as<object::Process>(handle_arg(a.value[0]), Rights::kWrite));
  process->exit(VIPER_EXIT_KILLED);
  end_caller_if_exiting(c);  // its own process: the caller ends too
  return 0;
}

Result<uint64_t> process_info(CallContext& c, const Arguments& a) {
  object::Ref<object::Process> process =
      TRY(c.handles.get_as<object::Process>(handle_arg(a.value[0]), Rights::kRead));
  const object::Process::Info state = process->info();
  viper_process_info info{.id = process->id().value,
                          .state = state.state,
                          .threads = state.threads,
                          .exit_code = state.exit_code,
                          .name = {},
                          .parent_id = process->parent_id().value};
  for (size_t i = 0; i + 1 < sizeof(info.name) && process->name()[i] != '\0'; ++i) {
    info.name[i] = process->name()[i];
  }
  TRY(copy_out(a.value[1], info));
  return 0;
}

Result<uint64_t> process_id(CallContext& c, const Arguments&) { return c.process->id().value; }
// getppid in one call (it was open + info + close: four system calls).
Result<uint64_t> process_parent_id(CallContext& c, const Arguments&) {
  return c.process->parent_id().value;
}

constexpr uint64_t kPstateFlags = 0xf0000000;  // NZCV; the rest is EL0t, interrupts on

// () -> the child's handle; 0 in the child, whose one thread resumes with
// the caller's registers, FP/SIMD state and TLS pointer.
Result<uint64_t> process_fork(CallContext& c, const Arguments&) {
  if (c.frame == nullptr) return Error::kNotSupported;
  object::Process::UserResume resume;
  resume.frame = *c.frame;
  resume.frame.spsr &= kPstateFlags;
  // The kernel never touches FP/SIMD or TPIDR_EL0 (-mgeneral-regs-only):
  // they still hold the caller's values.
  arch_fp_save(&resume.fp);
  resume.tls = arch::user_tls();
  object::Ref<object::Process> child = TRY(c.process->fork(resume));
  return TRY(c.handles.add(move(child), Rights::kAll)).value;
}

// (const struct viper_spawn_args*) -> only an error; otherwise the caller
// runs the new program from its entry, every register cleared (x0 = 0).
Result<uint64_t> process_exec(CallContext& c, const Arguments& a) {
  if (c.frame == nullptr) return Error::kNotSupported;
  const viper_spawn_args args = TRY(copy_in<viper_spawn_args>(a.value[0]));
  ProgramArgs program;
  TRY(copy_program_args(args, program));
  // The bootstrap keeps its value; every other handle is closed once the
  // new program is in place (below): the new program starts with exactly
  // what it is passed, as a spawned one does — libc passes the fds that
  // survive exec (no FD_CLOEXEC) on that bootstrap, and an old image's
  // pipe ends must not linger where nothing knows them (a reader would
  // never see EOF).
  if (args.bootstrap != VIPER_HANDLE_INVALID) {
    TRY(c.handles.get(handle_arg(args.bootstrap), Rights::kNone));
  }
  KernelBuffer image;
  const ConstBytes file = TRY(program_file(c, args, program.path, image));
  // Loaded first: a bad program fails here, with the caller unchanged.
  const loader::LoadedProgram loaded =
      TRY(loader::load_for_exec(file, program.argv(), program.envp(), args.bootstrap));
  TRY(c.process->exec(loaded.space, program.path));
  c.handles.close_all_except(cap::HandleValue{args.bootstrap});
  arch::ExceptionFrame& frame = *c.frame;
  for (uint64_t& x : frame.x) x = 0;
  frame.sp = loaded.stack_pointer.value();
  frame.elr = loaded.entry.value();
  frame.spsr = 0;  // EL0t, interrupts on
  const arch::FpState zero{};
  arch_fp_load(&zero);
  arch::set_user_tls(0);
  return 0;
}

}  // namespace

void install_process_calls() {
  install_call(VIPER_SYS_PROCESS_SPAWN, {"process_spawn", &process_spawn});
  install_call(VIPER_SYS_PROCESS_EXIT, {"process_exit", &process_exit});
  install_call(VIPER_SYS_PROCESS_KILL, {"process_kill", &process_kill});
  install_call(VIPER_SYS_PROCESS_INFO, {"process_info", &process_info});
  install_call(VIPER_SYS_PROCESS_ID, {"process_id", &process_id});
  install_call(VIPER_SYS_PROCESS_PARENT_ID, {"process_parent_id", &process_parent_id});
  install_call(VIPER_SYS_PROCESS_FORK, {"process_fork", &process_fork, FrameUse::kWhole});
  install_call(VIPER_SYS_PROCESS_EXEC, {"process_exec", &process_exec, FrameUse::kWhole});
  install_process_list_calls();
}

}  // namespace viper::syscall

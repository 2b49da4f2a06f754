// Processes: spawn (from the boot archive), exit, kill, info.
#include "kernel/loader/boot_archive.h"
#include "kernel/loader/spawn.h"
#include "kernel/object/process_object.h"
#include "kernel/syscall/arguments.h"
#include "kernel/syscall/calls.h"
#include "kernel/syscall/kernel_buffer.h"

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

Result<uint64_t> process_spawn(CallContext& c, const Arguments& a) {
  const viper_spawn_args args = TRY(copy_in<viper_spawn_args>(a.value[0]));
  char path[VIPER_SPAWN_PATH_MAX];
  TRY(arch::copy_string_from_user(path, VirtAddr(reinterpret_cast<uint64_t>(args.path)),
                                  sizeof(path)));
  SpawnStrings strings;
  TRY(strings.storage.reserve(VIPER_SPAWN_ARG_BYTES_MAX));
  size_t used = 0;
  TRY(copy_string_list(reinterpret_cast<uint64_t>(args.argv), args.argc, strings.argv, strings,
                       used));
  TRY(copy_string_list(reinterpret_cast<uint64_t>(args.envp), args.envc, strings.envp, strings,
                       used));
  strings.argc = args.argc;
  strings.envc = args.envc;

  // The bootstrap handle moves to the child only if the spawn succeeds.
  loader::SpawnHandles handles;
  if (args.bootstrap != VIPER_HANDLE_INVALID) {
    const cap::HandleValue bootstrap = handle_arg(args.bootstrap);
    handles.bootstrap = TRY(c.handles.get(bootstrap, Rights::kTransfer));
    handles.bootstrap_rights = TRY(c.handles.rights(bootstrap));
  }
  const loader::BootArchive* archive = loader::boot_archive();
  if (archive == nullptr) return Error::kNotFound;
  const loader::ArchiveEntry entry = TRY(archive->find(path));
  if (!entry.is_regular_file()) return Error::kNotFound;
  object::Ref<object::Process> child = TRY(loader::spawn_program(
      entry.contents, path, Span<const char* const>(strings.argv, strings.argc),
      Span<const char* const>(strings.envp, strings.envc), nullptr, move(handles)));
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
                          .parent_id = 0 /* parents are tracked with fork (issue 13) */};
  for (size_t i = 0; i + 1 < sizeof(info.name) && process->name()[i] != '\0'; ++i) {
    info.name[i] = process->name()[i];
  }
  TRY(copy_out(a.value[1], info));
  return 0;
}

Result<uint64_t> process_id(CallContext& c, const Arguments&) { return c.process->id().value; }

}  // namespace

void install_process_calls() {
  install_call(VIPER_SYS_PROCESS_SPAWN, {"process_spawn", &process_spawn});
  install_call(VIPER_SYS_PROCESS_EXIT, {"process_exit", &process_exit});
  install_call(VIPER_SYS_PROCESS_KILL, {"process_kill", &process_kill});
  install_call(VIPER_SYS_PROCESS_INFO, {"process_info", &process_info});
  install_call(VIPER_SYS_PROCESS_ID, {"process_id", &process_id});
}

}  // namespace viper::syscall

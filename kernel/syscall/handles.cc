// Handles: close, duplicate, replace, and what every object shares — its
// signals (wait, user signals) and its identity (info).
#include "kernel/object/object_wait.h"
#include "kernel/syscall/arguments.h"
#include "kernel/syscall/calls.h"

namespace viper::syscall {
namespace {

Result<uint64_t> handle_close(CallContext& c, const Arguments& a) {
  TRY(c.handles.close(handle_arg(a.value[0])));
  return 0;
}

Result<uint64_t> handle_duplicate(CallContext& c, const Arguments& a) {
  const Rights rights = TRY(rights_arg(a.value[1]));
  return TRY(c.handles.duplicate(handle_arg(a.value[0]), rights)).value;
}

// A new handle with fewer rights, the old one gone: all or nothing.
Result<uint64_t> handle_replace(CallContext& c, const Arguments& a) {
  const cap::HandleValue old = handle_arg(a.value[0]);
  const Rights rights = TRY(rights_arg(a.value[1]));
  const Rights held = TRY(c.handles.rights(old));
  if (!contains(held, rights)) return Error::kAccessDenied;
  object::Ref<object::KernelObject> object = TRY(c.handles.take(old, Rights::kNone));
  Result<cap::HandleValue> added = c.handles.add(object, rights);
  if (!added.ok()) {
    (void)c.handles.add(move(object), held);  // a slot was just freed: put it back
    return added.error();
  }
  return added->value;
}

Result<uint64_t> object_wait(CallContext& c, const Arguments& a) {
  const Signals mask = TRY(signals_arg(a.value[1]));
  const Signals seen =
      TRY(object::object_wait(c.handles, handle_arg(a.value[0]), mask, deadline_arg(a.value[2])));
  return raw(seen);
}

Result<uint64_t> object_signal(CallContext& c, const Arguments& a) {
  const Signals clear = TRY(signals_arg(a.value[1]));
  const Signals set = TRY(signals_arg(a.value[2]));
  TRY(object::object_signal(c.handles, handle_arg(a.value[0]), clear, set));
  return 0;
}

uint32_t abi_type(object::ObjectType type) {
  switch (type) {
    case object::ObjectType::kChannelEndpoint:
      return VIPER_OBJECT_CHANNEL;
    case object::ObjectType::kTimer:
      return VIPER_OBJECT_TIMER;
    case object::ObjectType::kEvent:
      return VIPER_OBJECT_EVENT;
    case object::ObjectType::kPollSet:
      return VIPER_OBJECT_POLLSET;
    case object::ObjectType::kProcess:
      return VIPER_OBJECT_PROCESS;
    case object::ObjectType::kConsole:
      return VIPER_OBJECT_CONSOLE;
    case object::ObjectType::kVmo:
      return VIPER_OBJECT_VMO;
    case object::ObjectType::kBlock:
      return VIPER_OBJECT_BLOCK;
    case object::ObjectType::kNic:
      return VIPER_OBJECT_NIC;
    default:
      return 0;
  }
}

Result<uint64_t> object_info(CallContext& c, const Arguments& a) {
  const cap::HandleValue handle = handle_arg(a.value[0]);
  object::Ref<object::KernelObject> object = TRY(c.handles.get(handle, Rights::kNone));
  const viper_object_info info{.id = object->id().value,
                               .type = abi_type(object->type()),
                               .rights = raw(TRY(c.handles.rights(handle)))};
  TRY(copy_out(a.value[1], info));
  return 0;
}

}  // namespace

void install_handle_calls() {
  install_call(VIPER_SYS_HANDLE_CLOSE, {"handle_close", &handle_close});
  install_call(VIPER_SYS_HANDLE_DUPLICATE, {"handle_duplicate", &handle_duplicate});
  install_call(VIPER_SYS_HANDLE_REPLACE, {"handle_replace", &handle_replace});
  install_call(VIPER_SYS_OBJECT_WAIT, {"object_wait", &object_wait});
  install_call(VIPER_SYS_OBJECT_SIGNAL, {"object_signal", &object_signal});
  install_call(VIPER_SYS_OBJECT_INFO, {"object_info", &object_info});
}

}  // namespace viper::syscall

// Waiting on any handle (layer 7): readiness always comes from the object
// a handle refers to — KernelObject::waitable() — never from the handle's
// value or another ID space (RC-020).
//
// Rights: waiting on an object needs Rights::kWait on it; raising user
// signals needs Rights::kSignal.
#pragma once

#include "ipc/waitable.h"
#include "kernel/cap/handle_table.h"
#include "kernel/lib/deadline.h"
#include "kernel/object/kernel_object.h"

namespace viper::object {

// The object's signal word; kNotSupported for objects without one (a
// pollset).
Result<ipc::Waitable*> waitable_of(const Ref<KernelObject>& object);

// Waits for one object; returns its signals.
Result<Signals> object_wait(cap::HandleTable& table, cap::HandleValue handle, Signals mask,
                            Deadline deadline);
Status object_signal(cap::HandleTable& table, cap::HandleValue handle, Signals clear, Signals set);

}  // namespace viper::object

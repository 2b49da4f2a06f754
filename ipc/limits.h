// The per-message and per-queue limits of channels (channel.h), named once.
// Handles per message is also the bound of kernel/cap's batch operations
// (HandleTable::take_many, reserve), which are sized by it.
#pragma once

#include <stddef.h>
#include <stdint.h>

namespace viper::ipc {

inline constexpr size_t kMaxMessageBytes = 64 * 1024;
// Handles (attachments) one message carries at most: checked when a
// message is written (Endpoint::write_waking).
inline constexpr uint32_t kMaxMessageHandles = 64;
inline constexpr uint32_t kMaxQueuedMessages = 64;
inline constexpr size_t kMaxQueuedBytes = 256 * 1024;

}  // namespace viper::ipc

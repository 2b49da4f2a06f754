// A disk as a kernel object (layer 7): what a block handle names
// (VIPER_OBJECT_BLOCK). The object holds no driver state; it forwards to a
// BlockDevice, the interface a disk driver (layer 8: drivers/virtio_blk)
// implements, so this layer depends on no driver and host tests can put a
// fake disk behind a handle.
//
// Data moves by DMA straight between the disk and the physical pages a
// request names (BlockSegment: a VMO's frames), never through a kernel
// copy. `pin` keeps those pages alive until the device is done with them,
// also when the requesting thread is killed while its request is in flight.
//
// Rights: kRead to read, kWrite to write and flush (a read-only disk's
// handle never has kWrite, and its device refuses writes anyway).
#pragma once

#include <stdint.h>

#include "kernel/lib/addr.h"
#include "kernel/lib/result.h"
#include "kernel/lib/span.h"
#include "kernel/object/kernel_object.h"

namespace viper::mm {
struct HeapAccess;
}

namespace viper::object {

inline constexpr uint32_t kSectorBytes = 512;  // VIPER_BLOCK_SECTOR_BYTES

// Physically contiguous bytes of a request: part of one page, or several
// adjacent ones.
struct BlockSegment {
  PhysAddr base;
  uint32_t bytes = 0;
};

enum class BlockOp : uint8_t { kRead, kWrite };

struct BlockDeviceInfo {
  uint64_t sectors = 0;
  bool read_only = false;
  bool can_flush = false;
  uint32_t index = 0;  // 0: the first disk on the command line
  uint64_t reads = 0, writes = 0, errors = 0;
};

class BlockDevice {
 public:
  virtual BlockDeviceInfo info() const = 0;
  // Moves the segments' bytes, in order, from or to the disk starting at
  // `sector`. The calling thread sleeps until the device's interrupt
  // completes the request. kAccessDenied: write to a read-only disk;
  // kOutOfRange: past the end; kInvalidArgument: no segments or a size
  // that is not whole sectors; kIoError: the device failed or misbehaved;
  // kInterrupted: the thread was killed (the request may still complete).
  virtual Status transfer(BlockOp op, uint64_t sector, Span<const BlockSegment> segments,
                          Ref<KernelObject> pin) = 0;
  // Once every write completed before the call is on stable storage.
  virtual Status flush() = 0;

 protected:
  ~BlockDevice() = default;
};

class BlockObject final : public KernelObject {
 public:
  static constexpr ObjectType kType = ObjectType::kBlock;

  // The object for `device`, which outlives it (disks live as long as the
  // kernel). kNoMemory, kOverflow (object IDs exhausted).
  static Result<Ref<BlockObject>> create(BlockDevice& device);
  BlockDevice& device() const { return device_; }

 private:
  friend struct mm::HeapAccess;
  BlockObject(ObjectId id, BlockDevice& device) : KernelObject(kType, id), device_(device) {}
  void destroy() override;

  BlockDevice& device_;
};

}  // namespace viper::object

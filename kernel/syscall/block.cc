// Disks: VIPER_SYS_BLOCK_INFO/READ/WRITE/FLUSH on a block handle
// (kernel/object/block_object.h). Data moves by DMA straight between the
// disk and the VMO's frames, one segment per page (VmoObject::frames()):
// no kernel copy. The VMO is pinned by the request (its reference), so its
// pages outlive the device's use of them even if the caller dies meanwhile.
#include <viperdos/syscalls.h>

#include "kernel/object/block_object.h"
#include "kernel/object/vmo_object.h"
#include "kernel/syscall/arguments.h"
#include "kernel/syscall/calls.h"
#include "kernel/syscall/kernel_buffer.h"

namespace viper::syscall {
namespace {

static_assert(VIPER_BLOCK_SECTOR_BYTES == object::kSectorBytes);

Result<uint64_t> block_info(CallContext& c, const Arguments& a) {
  const object::Ref<object::BlockObject> block =
      TRY(c.handles.get_as<object::BlockObject>(handle_arg(a.value[0]), Rights::kNone));
  const object::BlockDeviceInfo info = block->device().info();
  const viper_block_info out{
      .sectors = info.sectors,
      .flags = (info.read_only ? VIPER_BLOCK_READ_ONLY : 0u) |
               (info.can_flush ? VIPER_BLOCK_CAN_FLUSH : 0u),
      .index = info.index,
      .reads = info.reads,
      .writes = info.writes,
      .errors = info.errors,
  };
  TRY(copy_out(a.value[1], out));
  return 0;
}

// (block, sector, vmo, vmo_offset, bytes) -> bytes. The disk needs `disk`
// (kRead to read it, kWrite to write it), the VMO the opposite (the device
// writes the VMO on a read). Every argument is checked before the device
// sees the request: kInvalidArgument for an offset or size that is not
// whole sectors, kOutOfRange for a size of 0 or above VIPER_BLOCK_IO_MAX
// and for ranges past the end of the disk or the VMO.
Result<uint64_t> block_transfer(CallContext& c, const Arguments& a, object::BlockOp op) {
  const bool read = op == object::BlockOp::kRead;
  const object::Ref<object::BlockObject> block = TRY(c.handles.get_as<object::BlockObject>(
      handle_arg(a.value[0]), read ? Rights::kRead : Rights::kWrite));
  object::Ref<object::VmoObject> vmo = TRY(c.handles.get_as<object::VmoObject>(
      handle_arg(a.value[2]), read ? Rights::kWrite : Rights::kRead));
  const uint64_t sector = a.value[1];
  const uint64_t offset = a.value[3];
  const uint64_t bytes = a.value[4];
  if (offset % VIPER_BLOCK_SECTOR_BYTES != 0 || bytes % VIPER_BLOCK_SECTOR_BYTES != 0) {
    return Error::kInvalidArgument;
  }
  if (bytes == 0 || bytes > VIPER_BLOCK_IO_MAX) return Error::kOutOfRange;
  if (offset > vmo->size() || bytes > vmo->size() - offset) return Error::kOutOfRange;
  const object::BlockDeviceInfo info = block->device().info();
  if (sector > info.sectors || bytes / VIPER_BLOCK_SECTOR_BYTES > info.sectors - sector) {
    return Error::kOutOfRange;
  }
  // One segment per page touched: at most IO_MAX / page + 1 of them, on
  // the heap (4 KiB of segments is too much for a kernel stack).
  const uint64_t first_page = offset / kPageSize;
  const uint64_t last_page = (offset + bytes - 1) / kPageSize;
  const uint64_t count = last_page - first_page + 1;
  KernelBuffer storage;
  TRY(storage.reserve(count * sizeof(object::BlockSegment)));
  auto* segments = reinterpret_cast<object::BlockSegment*>(storage.data());
  const Span<const PhysAddr> frames = vmo->frames();
  uint64_t at = offset;
  for (uint64_t i = 0; i < count; ++i) {
    const uint64_t page_end = (at / kPageSize + 1) * kPageSize;
    const uint64_t end = page_end < offset + bytes ? page_end : offset + bytes;
    segments[i] = {frames[at / kPageSize] + (at % kPageSize), static_cast<uint32_t>(end - at)};
    at = end;
  }
  TRY(block->device().transfer(op, sector, Span<const object::BlockSegment>(segments, count),
                               move(vmo)));
  return bytes;
}

Result<uint64_t> block_read(CallContext& c, const Arguments& a) {
  return block_transfer(c, a, object::BlockOp::kRead);
}

Result<uint64_t> block_write(CallContext& c, const Arguments& a) {
  return block_transfer(c, a, object::BlockOp::kWrite);
}

Result<uint64_t> block_flush(CallContext& c, const Arguments& a) {
  const object::Ref<object::BlockObject> block =
      TRY(c.handles.get_as<object::BlockObject>(handle_arg(a.value[0]), Rights::kWrite));
  TRY(block->device().flush());
  return 0;
}

}  // namespace

void install_block_calls() {
  install_call(VIPER_SYS_BLOCK_INFO, {"block_info", &block_info});
  install_call(VIPER_SYS_BLOCK_READ, {"block_read", &block_read});
  install_call(VIPER_SYS_BLOCK_WRITE, {"block_write", &block_write});
  install_call(VIPER_SYS_BLOCK_FLUSH, {"block_flush", &block_flush});
}

}  // namespace viper::syscall

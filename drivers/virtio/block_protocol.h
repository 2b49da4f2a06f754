// virtio-blk's part of the virtio specification (1.2, section 5.2): its
// feature bits, configuration layout and request format. One definition,
// used by the driver (drivers/virtio_blk) and the device model.
#pragma once

#include <stdint.h>

namespace viper::drivers::virtio {

// Feature bits (5.2.3).
inline constexpr uint32_t kBlkFeatureSizeMax = 1;
inline constexpr uint32_t kBlkFeatureSegMax = 2;
inline constexpr uint32_t kBlkFeatureReadOnly = 5;
inline constexpr uint32_t kBlkFeatureBlockSize = 6;
inline constexpr uint32_t kBlkFeatureFlush = 9;

// Configuration offsets (struct virtio_blk_config).
inline constexpr uint32_t kBlkConfigCapacity = 0;  // le64, 512-byte sectors
inline constexpr uint32_t kBlkConfigSizeMax = 8;   // le32
inline constexpr uint32_t kBlkConfigSegMax = 12;   // le32

// A request: this header (device-readable), the data, one status byte
// (device-writable).
struct BlkRequestHeader {
  uint32_t type;
  uint32_t reserved;
  uint64_t sector;
};
static_assert(sizeof(BlkRequestHeader) == 16);

inline constexpr uint32_t kBlkTypeIn = 0;   // read
inline constexpr uint32_t kBlkTypeOut = 1;  // write
inline constexpr uint32_t kBlkTypeFlush = 4;

inline constexpr uint8_t kBlkStatusOk = 0;
inline constexpr uint8_t kBlkStatusIoError = 1;
inline constexpr uint8_t kBlkStatusUnsupported = 2;

}  // namespace viper::drivers::virtio

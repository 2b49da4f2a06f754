// virtio-net's part of the virtio specification (1.2, section 5.1): its
// feature bits, configuration layout and the header before every frame.
// One definition, used by the driver (drivers/virtio_net) and the device
// model.
#pragma once

#include <stdint.h>

namespace viper::drivers::virtio {

inline constexpr uint32_t kDeviceIdNet = 1;

// Queues (5.1.2): receiveq1, transmitq1 (no control queue is negotiated).
inline constexpr uint16_t kNetQueueReceive = 0;
inline constexpr uint16_t kNetQueueTransmit = 1;

// Feature bits (5.1.3). No offloads and no VIRTIO_NET_F_MRG_RXBUF are ever
// accepted: every receive buffer holds a whole frame.
inline constexpr uint32_t kNetFeatureMac = 5;
inline constexpr uint32_t kNetFeatureMrgRxbuf = 15;
inline constexpr uint32_t kNetFeatureStatus = 16;

// Configuration offsets (struct virtio_net_config).
inline constexpr uint32_t kNetConfigMac = 0;     // u8[6]
inline constexpr uint32_t kNetConfigStatus = 6;  // le16, with VIRTIO_NET_F_STATUS
inline constexpr uint16_t kNetStatusLinkUp = 1;

// struct virtio_net_hdr (5.1.6). Its size depends on the interface: the
// legacy one without MRG_RXBUF has no num_buffers field (10 bytes, 5.1.6
// "Legacy Interface"); VERSION_1 always has it (12 bytes). A driver that
// gets this wrong reads every frame two bytes off.
struct NetHeader {
  uint8_t flags;
  uint8_t gso_type;
  uint16_t hdr_len;
  uint16_t gso_size;
  uint16_t csum_start;
  uint16_t csum_offset;
  uint16_t num_buffers;  // VERSION_1 only
};
inline constexpr uint32_t kNetHeaderLegacyBytes = 10;
inline constexpr uint32_t kNetHeaderBytes = 12;
static_assert(sizeof(NetHeader) == kNetHeaderBytes);

inline constexpr uint32_t kNetFrameMin = 14;    // an Ethernet header
inline constexpr uint32_t kNetFrameMax = 1514;  // header and 1500 bytes, no FCS

}  // namespace viper::drivers::virtio

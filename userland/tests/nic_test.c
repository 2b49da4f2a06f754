/* The NIC from user space, with no network stack: the handle init's
 * bootstrap channel carries (after "console", one "nic" message), its
 * info, every bad argument of the three calls with its named error, and a
 * real exchange with QEMU's user networking (slirp): an ARP request for
 * the gateway 10.0.2.2 from the NIC's MAC, answered by slirp's ARP reply,
 * waited for in a pollset on READABLE. Run as init with --net=user. */
#include <stdint.h>
#include <string.h>
#include <viperdos/viper.h>

#include "userland/testing/utest.h"
#include "userland/tests/bootstrap_nic.h"

#define MS 1000000ull
#define BAD_POINTER ((void*)(uintptr_t)0x10)

static uint64_t after_ms(uint64_t ms) { return viper_clock_monotonic() + ms * MS; }

/* Frames that wait, thrown away. */
static void drain(void) {
  uint8_t frame[VIPER_NET_FRAME_MAX];
  while (viper_net_receive(nic(), frame, sizeof(frame), 0) > 0) {
  }
}

static const uint8_t kGatewayIp[4] = {10, 0, 2, 2};
static const uint8_t kOurIp[4] = {10, 0, 2, 15};

/* An ARP request "who has 10.0.2.2, tell 10.0.2.15" from `mac`, padded to
 * the 60-byte minimum. */
static size_t arp_request(uint8_t* f, const uint8_t mac[6]) {
  memset(f, 0, 60);
  memset(f, 0xff, 6);
  memcpy(f + 6, mac, 6);
  f[12] = 0x08, f[13] = 0x06;                 /* ARP */
  f[14] = 0, f[15] = 1;                       /* Ethernet */
  f[16] = 0x08, f[17] = 0x00;                 /* IPv4 */
  f[18] = 6, f[19] = 4, f[20] = 0, f[21] = 1; /* request */
  memcpy(f + 22, mac, 6);
  memcpy(f + 28, kOurIp, 4);
  memcpy(f + 38, kGatewayIp, 4);
  return 60;
}

static int is_arp_reply_from_gateway(const uint8_t* f, int64_t n, const uint8_t mac[6]) {
  return n >= 42 && f[12] == 0x08 && f[13] == 0x06 && f[20] == 0 && f[21] == 2 &&
         memcmp(f + 28, kGatewayIp, 4) == 0 && memcmp(f + 32, mac, 6) == 0 &&
         memcmp(f, mac, 6) == 0;
}

static void our_mac(uint8_t mac[6]) {
  struct viper_net_info info;
  memset(mac, 0, 6);
  if (viper_net_info(nic(), &info) == 0) memcpy(mac, info.mac, 6);
}

/* Sends the request and waits in a pollset until the NIC is READABLE
 * (slirp sends nothing unasked here but its rare router advertisements, so
 * the frame that waits is the reply). 1 once a frame waits. */
static int ask_the_gateway(void) {
  uint8_t mac[6], f[64];
  our_mac(mac);
  drain();
  const size_t n = arp_request(f, mac);
  if (viper_net_send(nic(), f, n, after_ms(1000)) != (int64_t)n) return 0;
  const int64_t set = viper_pollset_create();
  if (set <= 0) return 0;
  int readable = 0;
  if (viper_pollset_add((viper_handle_t)set, nic(), VIPER_SIGNAL_READABLE, 7) == 0) {
    struct viper_poll_event e;
    readable = viper_pollset_wait((viper_handle_t)set, &e, 1, after_ms(5000)) == 1 && e.key == 7 &&
               (e.signals & VIPER_SIGNAL_READABLE) != 0;
  }
  viper_handle_close((viper_handle_t)set);
  return readable;
}

/* The next frames until the gateway's ARP reply: its size, or 0. */
static int64_t receive_the_reply(uint8_t* f, const uint8_t mac[6]) {
  for (int i = 0; i < 16; ++i) {
    const int64_t n = viper_net_receive(nic(), f, VIPER_NET_FRAME_MAX, after_ms(2000));
    if (n < 0) return 0;
    if (is_arp_reply_from_gateway(f, n, mac)) return n;
  }
  return 0;
}

UTEST(nic, init_gets_one_nic_after_the_console_with_its_rights) {
  UASSERT(nic() != 0);
  struct viper_object_info o;
  UASSERT_EQ(viper_object_info(nic(), &o), 0);
  UEXPECT_EQ(o.type, VIPER_OBJECT_NIC);
  UEXPECT_EQ(o.rights, VIPER_RIGHT_READ | VIPER_RIGHT_WRITE | VIPER_RIGHT_WAIT |
                           VIPER_RIGHT_TRANSFER | VIPER_RIGHT_DUPLICATE);
}

UTEST(nic, info_says_qemus_mac_the_mtu_the_link_and_the_index) {
  struct viper_net_info info;
  UASSERT_EQ(viper_net_info(nic(), &info), 0);
  const uint8_t qemu_default[6] = {0x52, 0x54, 0x00, 0x12, 0x34, 0x56};
  UEXPECT(memcmp(info.mac, qemu_default, 6) == 0);
  UEXPECT_EQ(info.mtu, 1500);
  UEXPECT_EQ(info.flags & VIPER_NET_LINK_UP, VIPER_NET_LINK_UP);
  UEXPECT_EQ(info.index, 0);
  UEXPECT_EQ(info.device_errors, 0);
  UEXPECT_EQ(info.resets, 0);
}

UTEST(nic, the_gateway_answers_an_arp_request_and_the_counters_move) {
  struct viper_net_info before, after;
  UASSERT_EQ(viper_net_info(nic(), &before), 0);
  UASSERT(ask_the_gateway());
  uint8_t mac[6], f[VIPER_NET_FRAME_MAX];
  our_mac(mac);
  UEXPECT(receive_the_reply(f, mac) >= 42);
  UASSERT_EQ(viper_net_info(nic(), &after), 0);
  UEXPECT(after.tx_frames >= before.tx_frames + 1);
  UEXPECT(after.tx_bytes >= before.tx_bytes + 60);
  UEXPECT(after.rx_frames >= before.rx_frames + 1);
  UEXPECT(after.rx_bytes >= before.rx_bytes + 42);
}

UTEST(nic, a_small_capacity_is_out_of_range_and_a_bad_buffer_a_fault_the_frame_kept) {
  UASSERT(ask_the_gateway());
  uint8_t mac[6], f[VIPER_NET_FRAME_MAX];
  our_mac(mac);
  UEXPECT_EQ(viper_net_receive(nic(), f, 20, 0), VIPER_ERR_OUT_OF_RANGE);
  UEXPECT_EQ(viper_net_receive(nic(), BAD_POINTER, sizeof(f), 0), VIPER_ERR_FAULT);
  UEXPECT_EQ(viper_object_wait(nic(), VIPER_SIGNAL_READABLE, 0) & VIPER_SIGNAL_READABLE,
             VIPER_SIGNAL_READABLE);
  UEXPECT(receive_the_reply(f, mac) >= 42);
}

UTEST(nic, receive_waits_for_its_deadline_or_refuses_at_once) {
  drain();
  uint8_t f[VIPER_NET_FRAME_MAX];
  UEXPECT_EQ(viper_net_receive(nic(), f, sizeof(f), 0), VIPER_ERR_WOULD_BLOCK);
  const uint64_t start = viper_clock_monotonic();
  UEXPECT_EQ(viper_net_receive(nic(), f, sizeof(f), after_ms(50)), VIPER_ERR_TIMED_OUT);
  UEXPECT(viper_clock_monotonic() - start >= 50 * MS);
}

UTEST(nic, frames_outside_14_to_1514_bytes_are_out_of_range) {
  uint8_t f[VIPER_NET_FRAME_MAX + 1];
  memset(f, 0, sizeof(f));
  UEXPECT_EQ(viper_net_send(nic(), f, 13, 0), VIPER_ERR_OUT_OF_RANGE);
  UEXPECT_EQ(viper_net_send(nic(), f, 0, 0), VIPER_ERR_OUT_OF_RANGE);
  UEXPECT_EQ(viper_net_send(nic(), f, VIPER_NET_FRAME_MAX + 1, 0), VIPER_ERR_OUT_OF_RANGE);
  UEXPECT_EQ(viper_net_send(nic(), f, ~0ull, 0), VIPER_ERR_OUT_OF_RANGE);
}

UTEST(nic, bad_pointers_are_faults) {
  struct viper_net_info before, after;
  UASSERT_EQ(viper_net_info(nic(), &before), 0);
  UEXPECT_EQ(viper_net_info(nic(), BAD_POINTER), VIPER_ERR_FAULT);
  UEXPECT_EQ(viper_net_send(nic(), BAD_POINTER, 60, 0), VIPER_ERR_FAULT);
  UEXPECT_EQ(viper_net_send(nic(), (void*)(uintptr_t)0xffff000000000000ull, 60, 0),
             VIPER_ERR_FAULT);
  UASSERT_EQ(viper_net_info(nic(), &after), 0);
  UEXPECT_EQ(after.tx_frames, before.tx_frames); /* nothing half-copied went out */
}

UTEST(nic, a_bad_handle_or_another_type_is_a_bad_handle) {
  uint8_t f[64] = {0};
  struct viper_net_info info;
  const viper_handle_t bogus = 0x7fff1234;
  UEXPECT_EQ(viper_net_info(bogus, &info), VIPER_ERR_BAD_HANDLE);
  UEXPECT_EQ(viper_net_send(bogus, f, sizeof(f), 0), VIPER_ERR_BAD_HANDLE);
  UEXPECT_EQ(viper_net_receive(bogus, f, sizeof(f), 0), VIPER_ERR_BAD_HANDLE);
  const int64_t vmo = viper_vmo_create(4096);
  UASSERT(vmo > 0);
  UEXPECT_EQ(viper_net_info((viper_handle_t)vmo, &info), VIPER_ERR_BAD_HANDLE);
  UEXPECT_EQ(viper_net_send((viper_handle_t)vmo, f, sizeof(f), 0), VIPER_ERR_BAD_HANDLE);
  UEXPECT_EQ(viper_net_receive((viper_handle_t)vmo, f, sizeof(f), 0), VIPER_ERR_BAD_HANDLE);
  viper_handle_close((viper_handle_t)vmo);
}

UTEST(nic, each_call_needs_its_right) {
  uint8_t f[64] = {0};
  struct viper_net_info info;
  const int64_t read_only = viper_handle_duplicate(nic(), VIPER_RIGHT_READ);
  const int64_t write_only = viper_handle_duplicate(nic(), VIPER_RIGHT_WRITE);
  UASSERT(read_only > 0 && write_only > 0);
  UEXPECT_EQ(viper_net_send((viper_handle_t)read_only, f, sizeof(f), 0), VIPER_ERR_ACCESS_DENIED);
  UEXPECT_EQ(viper_net_info((viper_handle_t)write_only, &info), VIPER_ERR_ACCESS_DENIED);
  UEXPECT_EQ(viper_net_receive((viper_handle_t)write_only, f, sizeof(f), 0),
             VIPER_ERR_ACCESS_DENIED);
  UEXPECT_EQ(viper_object_wait((viper_handle_t)read_only, VIPER_SIGNAL_READABLE, 0),
             VIPER_ERR_ACCESS_DENIED);
  UEXPECT_EQ(viper_net_info((viper_handle_t)read_only, &info), 0);
  viper_handle_close((viper_handle_t)read_only);
  viper_handle_close((viper_handle_t)write_only);
}

/* docs/virtio.md's cost of a frame: 100 ARP round trips with slirp, each
 * a send, a pollset-free blocking receive; the console line at power-off
 * says how many interrupts and notifies they took. */
UTEST(nic, cost_of_an_arp_round_trip) {
  uint8_t mac[6], f[VIPER_NET_FRAME_MAX];
  our_mac(mac);
  drain();
  struct viper_net_info before, after;
  UASSERT_EQ(viper_net_info(nic(), &before), 0);
  const uint64_t start = viper_clock_monotonic();
  int answered = 0;
  for (int i = 0; i < 100; ++i) {
    if (viper_net_send(nic(), f, arp_request(f, mac), after_ms(1000)) != 60) break;
    if (receive_the_reply(f, mac) < 42) break;
    ++answered;
  }
  const uint64_t took = viper_clock_monotonic() - start;
  UEXPECT_EQ(answered, 100);
  UASSERT_EQ(viper_net_info(nic(), &after), 0);
  utest_log("ARP round trip: %llu us each; %llu frames out, %llu in",
            (unsigned long long)(took / 100 / 1000),
            (unsigned long long)(after.tx_frames - before.tx_frames),
            (unsigned long long)(after.rx_frames - before.rx_frames));
}

UTEST(nic, it_is_writable_while_the_transmit_ring_has_room) {
  UEXPECT_EQ(
      viper_object_wait(nic(), VIPER_SIGNAL_WRITABLE, after_ms(1000)) & VIPER_SIGNAL_WRITABLE,
      VIPER_SIGNAL_WRITABLE);
}

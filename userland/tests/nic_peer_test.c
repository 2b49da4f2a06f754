/* The NIC against a host peer that sends raw frames (--net=udp, run by
 * testing/qemu/nic_udp_peer_test.sh): frames of every size reach the peer
 * and come back byte-exact, a runt from the wire is counted and dropped
 * without a reset, and a burst beyond what may wait is dropped and counted
 * while the NIC goes on. Run as init. Frames use the local experimental
 * EtherType 0x88b5; the first payload byte says what the peer should do. */
#include <pthread.h>
#include <stdint.h>
#include <string.h>
#include <viperdos/viper.h>

#include "userland/testing/utest.h"
#include "userland/tests/bootstrap_nic.h"

#define MS 1000000ull

enum { ECHO = 1, RUNT_THEN_ECHO = 2, BURST_OF_200 = 3 };

static uint64_t after_ms(uint64_t ms) { return viper_clock_monotonic() + ms * MS; }

/* A frame to the peer: broadcast, our MAC, 0x88b5, `command`, then a
 * pattern seeded by `seed` up to `bytes`. */
static size_t frame(uint8_t* f, size_t bytes, uint8_t command, uint8_t seed) {
  struct viper_net_info info;
  viper_net_info(nic(), &info);
  memset(f, 0xff, 6);
  memcpy(f + 6, info.mac, 6);
  f[12] = 0x88, f[13] = 0xb5;
  f[14] = command;
  f[15] = seed;
  for (size_t i = 16; i < bytes; ++i) f[i] = (uint8_t)(seed + i * 3);
  return bytes;
}

static struct viper_net_info info_now(void) {
  struct viper_net_info info;
  memset(&info, 0, sizeof(info));
  viper_net_info(nic(), &info);
  return info;
}

UTEST(peer, frames_of_every_size_come_back_byte_exact) {
  UASSERT(nic() != 0);
  static const size_t sizes[] = {16, 60, 61, 512, 1500, 1513, 1514};
  for (size_t k = 0; k < sizeof(sizes) / sizeof(sizes[0]); ++k) {
    uint8_t out[VIPER_NET_FRAME_MAX], in[VIPER_NET_FRAME_MAX];
    const size_t n = frame(out, sizes[k], ECHO, (uint8_t)k);
    UASSERT_EQ(viper_net_send(nic(), out, n, after_ms(1000)), (int64_t)n);
    const int64_t got = viper_net_receive(nic(), in, sizeof(in), after_ms(5000));
    UEXPECT_EQ(got, (int64_t)n);
    UEXPECT(got == (int64_t)n && memcmp(in + 14, out + 14, n - 14) == 0);
  }
}

UTEST(peer, a_runt_from_the_wire_is_counted_and_dropped_without_a_reset) {
  const struct viper_net_info before = info_now();
  uint8_t out[64], in[VIPER_NET_FRAME_MAX];
  UASSERT_EQ(viper_net_send(nic(), out, frame(out, 64, RUNT_THEN_ECHO, 9), after_ms(1000)), 64);
  /* The runt never reaches us; the echo after it does. */
  const int64_t got = viper_net_receive(nic(), in, sizeof(in), after_ms(5000));
  UEXPECT_EQ(got, 64);
  UEXPECT(memcmp(in + 14, out + 14, 50) == 0);
  const struct viper_net_info after = info_now();
  UEXPECT_EQ(after.device_errors, before.device_errors + 1);
  UEXPECT_EQ(after.resets, before.resets);
}

UTEST(peer, a_burst_beyond_what_may_wait_is_dropped_and_counted_and_the_nic_goes_on) {
  const struct viper_net_info before = info_now();
  uint8_t out[64], in[VIPER_NET_FRAME_MAX];
  UASSERT_EQ(viper_net_send(nic(), out, frame(out, 64, BURST_OF_200, 0), after_ms(1000)), 64);
  viper_thread_sleep(after_ms(2000)); /* nobody receives while the burst arrives */
  int received = 0;
  while (viper_net_receive(nic(), in, sizeof(in), after_ms(200)) > 0) ++received;
  const struct viper_net_info after = info_now();
  utest_log("burst of 200: %d received, %llu dropped", received,
            (unsigned long long)(after.rx_dropped - before.rx_dropped));
  UEXPECT(received > 0 && received < 200);
  UEXPECT(after.rx_dropped > before.rx_dropped);
  UEXPECT_EQ(after.resets, before.resets);
  /* Still working. */
  const size_t n = frame(out, 60, ECHO, 77);
  UASSERT_EQ(viper_net_send(nic(), out, n, after_ms(1000)), (int64_t)n);
  UEXPECT_EQ(viper_net_receive(nic(), in, sizeof(in), after_ms(5000)), (int64_t)n);
}

#define SENDERS 4
#define PER_SENDER 50

static void* send_echoes(void* arg) {
  const intptr_t t = (intptr_t)arg;
  intptr_t failures = 0;
  for (int i = 0; i < PER_SENDER; ++i) {
    uint8_t out[128];
    const size_t n = frame(out, 64 + (size_t)t, ECHO, (uint8_t)(t * PER_SENDER + i));
    if (viper_net_send(nic(), out, n, after_ms(5000)) != (int64_t)n) ++failures;
  }
  return (void*)failures;
}

/* Four threads send while the main thread receives, on 4 CPUs: every echo
 * comes back whole (its size says its sender) or is counted as dropped. */
UTEST(peer, four_senders_and_a_receiver_at_once) {
  const struct viper_net_info before = info_now();
  pthread_t threads[SENDERS];
  for (intptr_t t = 0; t < SENDERS; ++t) {
    UASSERT_EQ(pthread_create(&threads[t], 0, send_echoes, (void*)t), 0);
  }
  int received[SENDERS] = {0}, torn = 0;
  for (;;) {
    uint8_t in[VIPER_NET_FRAME_MAX];
    const int64_t n = viper_net_receive(nic(), in, sizeof(in), after_ms(1000));
    if (n < 0) break;
    const int64_t t = n - 64;
    if (t < 0 || t >= SENDERS || in[14] != ECHO) {
      ++torn;
      continue;
    }
    for (int64_t i = 16; i < n; ++i) torn += in[i] != (uint8_t)(in[15] + i * 3);
    ++received[t];
  }
  for (int t = 0; t < SENDERS; ++t) {
    void* failures;
    pthread_join(threads[t], &failures);
    UEXPECT_EQ((intptr_t)failures, 0);
  }
  const struct viper_net_info after = info_now();
  int total = 0;
  for (int t = 0; t < SENDERS; ++t) total += received[t];
  utest_log("4 senders: %d of %d echoes back, %llu dropped", total, SENDERS * PER_SENDER,
            (unsigned long long)(after.rx_dropped - before.rx_dropped));
  UEXPECT_EQ(torn, 0);
  UEXPECT_EQ(after.tx_frames - before.tx_frames, SENDERS * PER_SENDER);
  UEXPECT_EQ((uint64_t)total + (after.rx_dropped - before.rx_dropped), SENDERS * PER_SENDER);
  UEXPECT_EQ(after.device_errors, before.device_errors);
}

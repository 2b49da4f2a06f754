/* netd: the network server (docs/network.md). Owns NIC 0 through its
 * handle, runs the stack (netstack.h) and serves sockets to every process
 * over channels (netd_server.h, <viperdos/net_protocol.h>).
 *
 * Bootstrap (<viperdos/net.h>): one blocking read of "nic" and the NIC's
 * handle on the bootstrap channel (no counts, no timeouts: USER-003), then
 * DHCP (or the static address of the arguments, netd_options.h), and that
 * same channel becomes init's service connection.
 *
 * One loop over one pollset: the NIC (READABLE, and WRITABLE while frames
 * wait for a transmit slot), every channel the server watches, and a
 * deadline: the stack's next timer, DHCP's, a ping's. Frames the stack
 * sends are queued (its send_frame must not re-enter it) and sent after
 * each step. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <viperdos/viper.h>

#include "userland/servers/netd/dhcp.h"
#include "userland/servers/netd/netd_options.h"
#include "userland/servers/netd/netd_server.h"

#define NIC_KEY (1ull << 63)
#define TX_QUEUE 256 /* frames the stack may send in one step */
#define FRAME_BYTES VIPER_NET_FRAME_MAX

struct frame {
  uint16_t size;
  uint8_t bytes[FRAME_BYTES];
};

static struct {
  viper_handle_t nic, pollset;
  struct netstack* stack;
  struct netd_server* server;
  struct netd_options options;
  struct viper_net_info info;
  uint64_t rng;
  struct frame tx[TX_QUEUE];
  int tx_head, tx_count;
  struct frame held; /* --reorder: a frame sent after the next one */
  int holding;
  uint64_t dropped_on_purpose;
  int nic_writable_watched;
  struct dhcp_client dhcp;
  int dhcp_socket; /* -1 with a static address */
  int bound;
  uint32_t dns;
} g;

/* The NIC calls (184-186) as the ABI defines them; libviper's wrappers
 * come with the driver (the nic branch), and these can then go. */
static int64_t nic_call(uint64_t number, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3) {
  register uint64_t x8 __asm__("x8") = number;
  register uint64_t x0 __asm__("x0") = a0;
  register uint64_t x1 __asm__("x1") = a1;
  register uint64_t x2 __asm__("x2") = a2;
  register uint64_t x3 __asm__("x3") = a3;
  __asm__ volatile("svc #0" : "+r"(x0) : "r"(x8), "r"(x1), "r"(x2), "r"(x3) : "memory");
  return (int64_t)x0;
}
static int64_t nic_info(struct viper_net_info* out) {
  return nic_call(VIPER_SYS_NET_INFO, g.nic, (uint64_t)out, 0, 0);
}
/* Deadline 0: never sleeps (a full ring is kWouldBlock; the loop waits
 * for WRITABLE instead). */
static int64_t nic_send(const void* frame, size_t size) {
  return nic_call(VIPER_SYS_NET_SEND, g.nic, (uint64_t)frame, size, 0);
}
static int64_t nic_receive(void* buffer, size_t capacity) {
  return nic_call(VIPER_SYS_NET_RECEIVE, g.nic, (uint64_t)buffer, capacity, 0);
}

static uint32_t next_random(void) {
  g.rng ^= g.rng << 13;
  g.rng ^= g.rng >> 7;
  g.rng ^= g.rng << 17;
  return (uint32_t)(g.rng >> 16);
}
static uint32_t random_callback(void* context) {
  (void)context;
  return next_random();
}
static int chance(int percent) { return percent > 0 && (int)(next_random() % 100) < percent; }

static void queue_frame(const uint8_t* bytes, size_t size) {
  if (g.tx_count == TX_QUEUE || size > FRAME_BYTES) return; /* as a full wire would */
  struct frame* f = &g.tx[(g.tx_head + g.tx_count++) % TX_QUEUE];
  f->size = (uint16_t)size;
  memcpy(f->bytes, bytes, size);
}

static void send_frame(void* context, const uint8_t* frame, size_t size) {
  (void)context;
  if (chance(g.options.loss_percent)) {
    ++g.dropped_on_purpose;
    return;
  }
  if (!g.holding && chance(g.options.reorder_percent)) {
    g.held.size = (uint16_t)size;
    memcpy(g.held.bytes, frame, size);
    g.holding = 1;
    return;
  }
  queue_frame(frame, size);
  if (g.holding) {
    queue_frame(g.held.bytes, g.held.size);
    g.holding = 0;
  }
}

static void watch_nic(int writable) {
  if (!g.nic || writable == g.nic_writable_watched) return;
  viper_pollset_remove(g.pollset, g.nic);
  viper_pollset_add(g.pollset, g.nic,
                    VIPER_SIGNAL_READABLE | (writable ? VIPER_SIGNAL_WRITABLE : 0), NIC_KEY);
  g.nic_writable_watched = writable;
}

static void flush_frames(void) {
  if (!g.nic) g.tx_count = 0; /* --loopback: no wire */
  while (g.tx_count > 0) {
    const struct frame* f = &g.tx[g.tx_head];
    const int64_t sent = nic_send(f->bytes, f->size);
    if (sent == VIPER_ERR_WOULD_BLOCK) break;
    g.tx_head = (g.tx_head + 1) % TX_QUEUE;
    --g.tx_count; /* sent, or refused for good: a wire loses it */
  }
  watch_nic(g.tx_count > 0);
}

static void receive_frames(void) {
  static uint8_t frame[FRAME_BYTES];
  for (int budget = 64; budget > 0; --budget) {
    const int64_t n = nic_receive(frame, sizeof(frame));
    if (n < 0) return;
    if (chance(g.options.loss_percent)) {
      ++g.dropped_on_purpose;
      continue;
    }
    netstack_input(g.stack, frame, (size_t)n);
  }
}

/* ---- The server's channels ---- */

static int64_t io_write(void* c, uint64_t ch, const void* b, size_t n, const uint64_t* h,
                        size_t hn) {
  (void)c;
  return viper_channel_write(ch, b, n, h, hn);
}

static int64_t io_read(void* c, uint64_t ch, void* b, size_t cap, uint64_t* h, size_t hcap,
                       size_t* hn) {
  (void)c;
  struct viper_message m = {b, 0, cap, h, 0, hcap};
  const int64_t n = viper_channel_read(ch, &m, 0);
  if (n == VIPER_ERR_OUT_OF_RANGE) {
    /* Too big for any message netd takes: never trusted, discarded. */
    static uint8_t big[VIPER_MESSAGE_BYTES_MAX];
    viper_handle_t handles[VIPER_MESSAGE_HANDLES_MAX];
    struct viper_message all = {big, 0, sizeof(big), handles, 0, VIPER_MESSAGE_HANDLES_MAX};
    if (viper_channel_read(ch, &all, 0) >= 0) {
      for (uint64_t i = 0; i < all.handle_count; ++i) viper_handle_close(handles[i]);
    }
    return VIPER_ERR_OUT_OF_RANGE;
  }
  *hn = n >= 0 ? m.handle_count : 0;
  return n == VIPER_ERR_TIMED_OUT ? VIPER_ERR_WOULD_BLOCK : n;
}

static int64_t io_create(void* c, uint64_t ends[2]) {
  (void)c;
  return viper_channel_create(ends);
}

static void io_close(void* c, uint64_t h) {
  (void)c;
  viper_handle_close(h);
}

static void io_watch(void* c, uint64_t ch, uint32_t signals, uint64_t key) {
  (void)c;
  viper_pollset_remove(g.pollset, ch);
  if (signals) viper_pollset_add(g.pollset, ch, signals, key);
}

static void io_interface(void* c, struct viper_net_interface* out) {
  (void)c;
  struct viper_net_info info = g.info;
  if (g.nic) nic_info(&info);
  memcpy(out->name, "eth0", 5);
  memcpy(out->mac, info.mac, 6);
  out->mtu = info.mtu ? info.mtu : 1500;
  out->flags = (info.flags & VIPER_NET_LINK_UP) ? VIPER_NET_IF_UP : 0;
  if (g.bound) out->flags |= VIPER_NET_IF_CONFIGURED;
  if (g.bound && g.dhcp_socket >= 0) out->flags |= VIPER_NET_IF_DHCP;
  if (g.bound) {
    out->addr = g.dhcp_socket >= 0 ? g.dhcp.lease.addr : g.options.addr;
    out->netmask = g.dhcp_socket >= 0 ? g.dhcp.lease.netmask : g.options.netmask;
    out->gateway = g.dhcp_socket >= 0 ? g.dhcp.lease.router : g.options.gateway;
    out->dns = g.dns;
  }
  if (g.bound && g.dhcp_socket >= 0) {
    const uint64_t end = g.dhcp.lease_start + (uint64_t)g.dhcp.lease.lease_seconds * 1000000000u;
    const uint64_t now = viper_clock_monotonic();
    out->lease_seconds_left = end > now ? (end - now) / 1000000000u : 0;
  }
  out->rx_frames = info.rx_frames;
  out->rx_bytes = info.rx_bytes;
  out->tx_frames = info.tx_frames;
  out->tx_bytes = info.tx_bytes;
  out->rx_dropped = info.rx_dropped;
  out->device_errors = info.device_errors;
  out->resets = info.resets;
  out->frames_dropped_on_purpose = g.dropped_on_purpose;
}

/* ---- DHCP ---- */

static void dhcp_step(uint64_t now) {
  if (g.dhcp_socket < 0) return;
  uint8_t message[DHCP_MESSAGE_MAX];
  uint32_t dst = 0;
  int event = DHCP_EVENT_NONE;
  const size_t n = dhcp_poll(&g.dhcp, now, message, &dst, &event);
  if (n > 0) {
    const struct net_endpoint to = {dst, DHCP_SERVER_PORT};
    net_sendto(g.stack, g.dhcp_socket, message, n, &to);
  }
  uint8_t buffer[1500];
  long got;
  while ((got = net_recvfrom(g.stack, g.dhcp_socket, buffer, sizeof(buffer), NULL)) > 0) {
    const int e = dhcp_input(&g.dhcp, now, buffer, (size_t)got);
    if (e == DHCP_EVENT_BOUND) event = e;
  }
  if (event == DHCP_EVENT_BOUND) {
    const struct dhcp_lease* l = &g.dhcp.lease;
    if (netstack_set_address(g.stack, l->addr, l->netmask, l->router) == NET_OK && !g.bound) {
      printf("netd: eth0 %u.%u.%u.%u by DHCP\n", l->addr >> 24, (l->addr >> 16) & 255,
             (l->addr >> 8) & 255, l->addr & 255);
    }
    g.bound = 1;
    g.dns = l->dns_count > 0 ? l->dns[0] : 0;
  } else if (event == DHCP_EVENT_LOST) {
    netstack_set_address(g.stack, 0, 0, 0);
    g.bound = 0;
    printf("netd: eth0 lost its DHCP lease\n");
  }
}

/* ---- Start ---- */

/* The bootstrap's "nic" message: the NIC's handle, or 0. */
static viper_handle_t take_nic(viper_handle_t bootstrap) {
  char tag[8];
  viper_handle_t handles[1] = {0};
  struct viper_message m = {tag, 0, sizeof(tag), handles, 0, 1};
  const int64_t n = viper_channel_read(bootstrap, &m, VIPER_DEADLINE_NEVER);
  if (n == 3 && memcmp(tag, "nic", 3) == 0 && m.handle_count == 1) return handles[0];
  for (uint64_t i = 0; n >= 0 && i < m.handle_count; ++i) viper_handle_close(handles[i]);
  return 0;
}

static int start(int argc, char** argv) {
  const char* bad = NULL;
  if (netd_parse_options(argc, argv, &g.options, &bad) != 0) {
    fprintf(stderr, "netd: bad argument: %s\n", bad);
    return -1;
  }
  const viper_handle_t bootstrap = viper_bootstrap_handle();
  if (!bootstrap) {
    fprintf(stderr, "netd: no bootstrap channel\n");
    return -1;
  }
  if (g.options.loopback_only) {
    /* A locally administered MAC nobody sees: frames go nowhere. */
    static const uint8_t mac[6] = {0x02, 0, 0, 0, 0, 1};
    memcpy(g.info.mac, mac, 6);
    g.info.mtu = 1500;
  } else if (!(g.nic = take_nic(bootstrap))) {
    fprintf(stderr, "netd: no \"nic\" message on the bootstrap channel\n");
    return -1;
  } else if (nic_info(&g.info) < 0) {
    fprintf(stderr, "netd: the handle is no NIC\n");
    return -1;
  }
  if (getentropy(&g.rng, sizeof(g.rng)) != 0 || g.rng == 0) {
    g.rng = viper_clock_monotonic() | 1; /* no entropy device: still varies per boot */
  }
  struct netstack_config config = {0};
  memcpy(config.mac, g.info.mac, 6);
  config.addr = g.options.addr;
  config.netmask = g.options.netmask;
  config.gateway = g.options.gateway;
  config.mtu = g.info.mtu;
  config.send_frame = send_frame;
  config.random = random_callback;
  const uint64_t now = viper_clock_monotonic();
  g.stack = netstack_create(&config, now);
  const int64_t set = viper_pollset_create();
  if (!g.stack || set < 0) {
    fprintf(stderr, "netd: out of memory\n");
    return -1;
  }
  g.pollset = (viper_handle_t)set;
  if (g.nic) viper_pollset_add(g.pollset, g.nic, VIPER_SIGNAL_READABLE, NIC_KEY);
  const struct netd_io io = {.write = io_write,
                             .read = io_read,
                             .create = io_create,
                             .close = io_close,
                             .watch = io_watch,
                             .interface = io_interface};
  g.server = netd_server_create(g.stack, &io);
  if (!g.server || netd_server_add_service(g.server, bootstrap) != 0) return -1;
  g.dhcp_socket = -1;
  if (g.options.loopback_only) return 0;
  if (g.options.addr) {
    g.bound = 1;
    g.dns = g.options.dns;
    return 0;
  }
  g.dhcp_socket = net_socket(g.stack, NET_SOCK_DGRAM);
  const struct net_endpoint port68 = {0, DHCP_CLIENT_PORT};
  if (g.dhcp_socket < 0 || net_bind(g.stack, g.dhcp_socket, &port68) != NET_OK) return -1;
  dhcp_init(&g.dhcp, g.info.mac, next_random(), now);
  return 0;
}

static uint64_t min64(uint64_t a, uint64_t b) { return a < b ? a : b; }

int main(int argc, char** argv) {
  if (start(argc, argv) != 0) return 1;
  for (;;) {
    uint64_t now = viper_clock_monotonic();
    netstack_tick(g.stack, now);
    dhcp_step(now);
    netd_server_pump(g.server, now);
    flush_frames();
    uint64_t deadline = min64(netstack_next_deadline(g.stack), netd_server_next_deadline(g.server));
    if (g.dhcp_socket >= 0) deadline = min64(deadline, dhcp_deadline(&g.dhcp));
    struct viper_poll_event events[VIPER_POLL_EVENTS_MAX];
    const int64_t n = viper_pollset_wait(g.pollset, events, VIPER_POLL_EVENTS_MAX,
                                         deadline == UINT64_MAX ? VIPER_DEADLINE_NEVER : deadline);
    now = viper_clock_monotonic();
    for (int64_t i = 0; i < n; ++i) {
      if (events[i].key == NIC_KEY) {
        if (events[i].signals & VIPER_SIGNAL_READABLE) receive_frames();
        if (events[i].signals & VIPER_SIGNAL_WRITABLE) flush_frames();
      } else {
        netd_server_event(g.server, events[i].key, events[i].signals, now);
      }
      flush_frames(); /* answers go out as soon as they exist */
    }
  }
}

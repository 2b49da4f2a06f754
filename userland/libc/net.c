/* <viperdos/net.h>: what ping, ifconfig and netstat ask netd. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <viperdos/net.h>
#include <viperdos/net_protocol.h>

#include "userland/libc/net_client.h"

static int fail(int error) {
  if (error >= 0) return error;
  errno = -error;
  return -1;
}

static int service_call(const struct viper_net_request* r, struct viper_net_reply* reply,
                        void* payload, size_t capacity, size_t* got) {
  struct net_conn* service = __net_service();
  if (!service) return -ENETDOWN;
  return __net_call(service, r, reply, payload, capacity, got, 0, 0);
}

int viper_net_interface(struct viper_net_interface* out) {
  if (!out) return fail(-EFAULT);
  const struct viper_net_request r = {.op = VIPER_NET_INTERFACE};
  struct viper_net_reply reply;
  size_t got = 0;
  const int error = service_call(&r, &reply, out, sizeof(*out), &got);
  if (!error && got != sizeof(*out)) return fail(-EIO);
  return fail(error);
}

/* Pages through a list netd answers a part at a time. */
static int list(uint32_t op, void* out, int capacity, size_t item) {
  if (capacity < 0 || (!out && capacity > 0)) return fail(-EINVAL);
  int total = 0, filled = 0;
  do {
    const struct viper_net_request r = {.op = op, .value = filled};
    struct viper_net_reply reply;
    size_t got = 0;
    const size_t room = (size_t)(capacity - filled) * item;
    const int error =
        service_call(&r, &reply, room ? (char*)out + (size_t)filled * item : 0, room, &got);
    if (error) return fail(error);
    total = (int)reply.value;
    if (got == 0) break;
    filled += (int)(got / item);
  } while (filled < capacity && filled < total);
  return total;
}

int viper_net_counters(struct viper_net_counter* out, int capacity) {
  return list(VIPER_NET_COUNTERS, out, capacity, sizeof(*out));
}

int viper_net_sockets(struct viper_net_socket* out, int capacity) {
  return list(VIPER_NET_SOCKETS, out, capacity, sizeof(*out));
}

int viper_net_ping(uint32_t addr, uint16_t sequence, size_t payload_bytes, uint64_t timeout_ns,
                   uint64_t* rtt_ns) {
  if (addr == 0 || payload_bytes > 1472 || timeout_ns == 0) return fail(-EINVAL);
  uint64_t ms = (timeout_ns + 999999) / 1000000;
  if (ms > 0xffffffffu) ms = 0xffffffffu;
  const struct viper_net_request r = {.op = VIPER_NET_PING,
                                      .option = (uint32_t)ms,
                                      .value = (int64_t)payload_bytes,
                                      .addr = addr,
                                      .port = sequence};
  struct viper_net_reply reply;
  const int error = service_call(&r, &reply, 0, 0, 0);
  if (!error && rtt_ns) *rtt_ns = (uint64_t)reply.value;
  return fail(error);
}

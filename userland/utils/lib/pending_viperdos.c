/* Stand-ins, until the merge, for calls whose wrappers other pieces of
 * work define in userland/libc/viper.c (the process list, the kernel log,
 * the boot-archive listing). They are weak, so the real definitions win as
 * soon as libc has them, and they fail honestly meanwhile.
 * TODO(integrator): delete this file once libc defines all three. */
#include <viperdos/viper.h>

__attribute__((weak)) int64_t viper_process_list(struct viper_process_entry* out, size_t capacity) {
  (void)out;
  (void)capacity;
  return VIPER_ERR_NOT_SUPPORTED;
}

__attribute__((weak)) int64_t viper_log_read(uint64_t offset, void* buffer, size_t size) {
  (void)offset;
  (void)buffer;
  (void)size;
  return VIPER_ERR_NOT_SUPPORTED;
}

__attribute__((weak)) int64_t viper_bootfs_list(uint64_t index, char* name, size_t capacity) {
  (void)index;
  (void)name;
  (void)capacity;
  return VIPER_ERR_NOT_SUPPORTED;
}

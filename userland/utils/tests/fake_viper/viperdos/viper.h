/* The two boot-file calls lib/fs_viperdos.c uses, for its host test
 * (fs_viperdos_test.cc defines them over a made-up archive): the real
 * <viperdos/viper.h> is libc's, which only builds for ViperDOS. */
#ifndef VIPERDOS_UTILS_FAKE_VIPER_H_
#define VIPERDOS_UTILS_FAKE_VIPER_H_

#include <stddef.h>
#include <stdint.h>
#include <viperdos/syscalls.h>

#ifdef __cplusplus
extern "C" {
#endif

int64_t viper_bootfs_stat(const char* path);
int64_t viper_bootfs_list(uint64_t index, char* name, size_t capacity);

#ifdef __cplusplus
}
#endif

#endif /* VIPERDOS_UTILS_FAKE_VIPER_H_ */

/* What the ViperDOS-only utilities share on top of util.h. */
#ifndef VIPERDOS_UTILS_NATIVE_H_
#define VIPERDOS_UTILS_NATIVE_H_

#include <stdint.h>
#include <viperdos/viper.h>

/* The name of a ViperDOS error (<viperdos/errors.h>) for messages:
 * "not supported", "invalid argument"... */
const char* util_viper_error(int64_t error);

/* viper_system_info; on failure says so and returns -1. */
int util_system_info(struct viper_system_info* info);

#endif /* VIPERDOS_UTILS_NATIVE_H_ */

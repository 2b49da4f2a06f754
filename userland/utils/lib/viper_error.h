/* The name of a ViperDOS error (<viperdos/errors.h>) for messages:
 * "not supported", "invalid argument"... (ViperDOS-only utilities). */
#ifndef VIPERDOS_UTILS_VIPER_ERROR_H_
#define VIPERDOS_UTILS_VIPER_ERROR_H_

#include <stdint.h>

const char* util_viper_error(int64_t error);

#endif /* VIPERDOS_UTILS_VIPER_ERROR_H_ */

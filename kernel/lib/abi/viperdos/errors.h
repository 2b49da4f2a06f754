/* The errors of ViperDOS: what a system call returns, negated, when it
 * fails. The kernel's `enum class Error` (kernel/lib/error.h) is defined
 * from these, so the two cannot disagree; its comments say what each
 * means. */
#ifndef VIPERDOS_ERRORS_H_
#define VIPERDOS_ERRORS_H_

#define VIPER_ERR_NO_MEMORY (-1)
#define VIPER_ERR_INVALID_ARGUMENT (-2)
#define VIPER_ERR_NOT_FOUND (-3)
#define VIPER_ERR_BAD_HANDLE (-4)
#define VIPER_ERR_ACCESS_DENIED (-5)
#define VIPER_ERR_WOULD_BLOCK (-6)
#define VIPER_ERR_TIMED_OUT (-7)
#define VIPER_ERR_PEER_CLOSED (-8)
#define VIPER_ERR_BUSY (-9)
#define VIPER_ERR_ALREADY_EXISTS (-10)
#define VIPER_ERR_OUT_OF_RANGE (-11)
#define VIPER_ERR_NOT_SUPPORTED (-12)
#define VIPER_ERR_FAULT (-13)
#define VIPER_ERR_INTERRUPTED (-14)
#define VIPER_ERR_NO_SPACE (-15)
#define VIPER_ERR_BAD_STATE (-16)
#define VIPER_ERR_OVERFLOW (-17)
#define VIPER_ERR_CORRUPT (-18)
#define VIPER_ERR_DOUBLE_FREE (-19)
#define VIPER_ERR_UNKNOWN_CALL (-20)
#define VIPER_ERR_IO (-21)

#endif /* VIPERDOS_ERRORS_H_ */

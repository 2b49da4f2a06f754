/* Handles, rights and signals as user space sees them: the one definition
 * of their values (kernel/lib/rights.h and signals.h are defined from
 * these). */
#ifndef VIPERDOS_HANDLES_H_
#define VIPERDOS_HANDLES_H_

#include <stdint.h>

/* A handle: a slot and that slot's generation, never 0. */
typedef uint64_t viper_handle_t;
#define VIPER_HANDLE_INVALID 0

/* Rights a handle carries; they only shrink (duplicate takes a subset). */
#define VIPER_RIGHT_READ (1u << 0)      /* receive, read state */
#define VIPER_RIGHT_WRITE (1u << 1)     /* send, change state */
#define VIPER_RIGHT_TRANSFER (1u << 2)  /* may be sent in a message */
#define VIPER_RIGHT_DUPLICATE (1u << 3) /* may be duplicated */
#define VIPER_RIGHT_WAIT (1u << 4)      /* may be waited on (pollsets) */
#define VIPER_RIGHT_SIGNAL (1u << 5)    /* may raise user signals */
#define VIPER_RIGHTS_ALL ((1u << 6) - 1)

/* Signals: the readiness bits of a waitable object. */
#define VIPER_SIGNAL_READABLE (1u << 0)    /* a channel has a message */
#define VIPER_SIGNAL_WRITABLE (1u << 1)    /* a channel's peer queue has room */
#define VIPER_SIGNAL_PEER_CLOSED (1u << 2) /* the other end is gone */
#define VIPER_SIGNAL_TIMER_FIRED (1u << 3) /* a timer's deadline passed */
#define VIPER_SIGNAL_TERMINATED (1u << 4)  /* a process ended; its exit code is readable */
#define VIPER_SIGNAL_USER0 (1u << 8)       /* eight user signals: bits 8..15 */
#define VIPER_SIGNAL_USER_MASK (0xffu << 8)

#endif /* VIPERDOS_HANDLES_H_ */

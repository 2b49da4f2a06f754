/* The children this process started (fork, posix_spawn): pid -> process
 * handle, so waitpid() can find the handle to wait on. Internal to libc.
 * Thread-safe. */
#pragma once

#include <stdint.h>
#include <viperdos/handles.h>

/* Records a child. Returns 0, or -1 when the table is full (the caller
 * then closes the handle and fails with EAGAIN). */
int __viper_child_add(int64_t pid, viper_handle_t process);

/* Removes and returns the handle of child `pid` (0 if not a child). */
viper_handle_t __viper_child_take(int64_t pid);

/* Copies up to `capacity` (pid, handle) pairs of the live children into
 * the arrays; returns how many children there are. */
int __viper_children(int64_t* pids, viper_handle_t* handles, int capacity);

/* The child table (children.h): a small array under one futex mutex. */
#include "userland/libc/children.h"

#include <viperdos/viper.h>

#include "userland/libc/futex_mutex.h"

#define MAX_CHILDREN 256

struct child {
  int64_t pid;
  viper_handle_t process; /* 0: a free slot */
};

static struct child children[MAX_CHILDREN];
static uint32_t lock; /* futex_mutex.h */

int __viper_child_add(int64_t pid, viper_handle_t process) {
  futex_mutex_lock(&lock);
  int result = -1;
  for (int i = 0; i < MAX_CHILDREN; i++) {
    if (children[i].process == 0) {
      children[i] = (struct child){.pid = pid, .process = process};
      result = 0;
      break;
    }
  }
  futex_mutex_unlock(&lock);
  return result;
}

viper_handle_t __viper_child_take(int64_t pid) {
  futex_mutex_lock(&lock);
  viper_handle_t process = 0;
  for (int i = 0; i < MAX_CHILDREN; i++) {
    if (children[i].process != 0 && children[i].pid == pid) {
      process = children[i].process;
      children[i].process = 0;
      break;
    }
  }
  futex_mutex_unlock(&lock);
  return process;
}

int __viper_children(int64_t* pids, viper_handle_t* handles, int capacity) {
  futex_mutex_lock(&lock);
  int count = 0;
  for (int i = 0; i < MAX_CHILDREN; i++) {
    if (children[i].process == 0) continue;
    if (count < capacity) {
      pids[count] = children[i].pid;
      handles[count] = children[i].process;
    }
    count++;
  }
  futex_mutex_unlock(&lock);
  return count;
}

viper_handle_t viper_child_take(int pid) { return __viper_child_take((int64_t)pid); }

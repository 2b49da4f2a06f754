/* The model the clients of //kernel:disk_clients_test follow
 * (disk_client.c writes it, disk_clients_test.c checks it, and
 * testing/disk/clients_test.sh checks the image against it). */
#ifndef VIPERDOS_TESTS_DISK_CLIENTS_H_
#define VIPERDOS_TESTS_DISK_CLIENTS_H_

#include <stdio.h>
#include <string.h>

#define PROCESSES 3
#define THREADS 2
#define CLIENTS (PROCESSES * THREADS)
#define OPS 40
#define RECORD 64

/* The model's record of client k's step i in the shared file. */
static inline void record(char out[RECORD], int k, int i) {
  memset(out, '.', RECORD);
  const int n = snprintf(out, RECORD, "client %d step %d", k, i);
  out[n] = '.';
  out[RECORD - 1] = '\n';
}

#endif /* VIPERDOS_TESTS_DISK_CLIENTS_H_ */

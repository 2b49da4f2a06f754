/* The job table: pipelines started with `&`, by number (%1, %2...).
 *
 * A job's processes are reaped only by their job (waitpid on each pid),
 * never by waitpid(-1), so a foreground wait cannot steal a background
 * job's status or the other way round. */
#ifndef USERLAND_SHELL_JOBS_H_
#define USERLAND_SHELL_JOBS_H_

#include <stdbool.h>
#include <stdio.h>
#include <sys/types.h>

typedef struct {
  int id;
  pid_t* pids;
  int* status; /* per pid, valid once done[k] */
  bool* done;
  size_t npids;
  char* text;
} sh_job;

/* Takes a copy of pids and text; returns the job number. */
int jobs_add(const pid_t* pids, size_t npids, const char* text);
sh_job* jobs_find(int id);
sh_job* jobs_find_pid(pid_t pid);
/* The most recent job, NULL if none. */
sh_job* jobs_current(void);
/* "%N", "%%", "%+" (current) or "%" -> the job; NULL (with a message on
 * stderr naming the command) if there is none. */
sh_job* jobs_parse_spec(const char* spec, const char* command);
bool jobs_finished(const sh_job* job);
/* Collects the status of every ended process without blocking. */
void jobs_poll(void);
/* Blocks until every process of the job ended; returns the last one's
 * status as $? wants it; removes the job. */
int jobs_wait(sh_job* job);
void jobs_remove(sh_job* job);
/* Prints "[N]  Running|Done  text" for every job; forgets the done ones. */
void jobs_list(FILE* out);
/* Prints "[N]+ Done  text" for every finished job and forgets them. */
void jobs_report_finished(FILE* out);
size_t jobs_count(void);
sh_job* jobs_at(size_t index);

/* A wait status as $?: the exit code, or 128 + the signal. */
int sh_status_of(int wait_status);

#endif /* USERLAND_SHELL_JOBS_H_ */

#include "userland/shell/jobs.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "userland/shell/util.h"

static sh_job* g_jobs;
static size_t g_njobs;

int sh_status_of(int wait_status) {
  if (WIFEXITED(wait_status)) return WEXITSTATUS(wait_status);
  if (WIFSIGNALED(wait_status)) return 128 + WTERMSIG(wait_status);
  return 1;
}

int jobs_add(const pid_t* pids, size_t npids, const char* text) {
  int id = 1;
  for (size_t i = 0; i < g_njobs; i++)
    if (g_jobs[i].id >= id) id = g_jobs[i].id + 1;
  g_jobs = sh_xrealloc(g_jobs, (g_njobs + 1) * sizeof(sh_job));
  sh_job* j = &g_jobs[g_njobs++];
  j->id = id;
  j->npids = npids;
  j->pids = sh_xmalloc(npids * sizeof(pid_t));
  memcpy(j->pids, pids, npids * sizeof(pid_t));
  j->status = calloc(npids ? npids : 1, sizeof(int));
  j->done = calloc(npids ? npids : 1, sizeof(bool));
  if (!j->status || !j->done) abort();
  j->text = sh_xstrdup(text);
  return id;
}

sh_job* jobs_find(int id) {
  for (size_t i = 0; i < g_njobs; i++)
    if (g_jobs[i].id == id) return &g_jobs[i];
  return NULL;
}

sh_job* jobs_find_pid(pid_t pid) {
  for (size_t i = 0; i < g_njobs; i++)
    for (size_t k = 0; k < g_jobs[i].npids; k++)
      if (g_jobs[i].pids[k] == pid) return &g_jobs[i];
  return NULL;
}

sh_job* jobs_current(void) { return g_njobs ? &g_jobs[g_njobs - 1] : NULL; }

size_t jobs_count(void) { return g_njobs; }

sh_job* jobs_at(size_t index) { return index < g_njobs ? &g_jobs[index] : NULL; }

sh_job* jobs_parse_spec(const char* spec, const char* command) {
  sh_job* job = NULL;
  if (strcmp(spec, "%") == 0 || strcmp(spec, "%%") == 0 || strcmp(spec, "%+") == 0) {
    job = jobs_current();
  } else if (spec[0] == '%') {
    char* end;
    long id = strtol(spec + 1, &end, 10);
    if (*end == '\0' && end != spec + 1) job = jobs_find((int)id);
  }
  if (!job) fprintf(stderr, "sh: %s: %s: no such job\n", command, spec);
  return job;
}

bool jobs_finished(const sh_job* job) {
  for (size_t k = 0; k < job->npids; k++)
    if (!job->done[k]) return false;
  return true;
}

static void collect(sh_job* j, size_t k, int options) {
  if (j->done[k]) return;
  int status = 0;
  pid_t r;
  do {
    r = waitpid(j->pids[k], &status, options);
  } while (r < 0 && errno == EINTR);
  if (r == j->pids[k]) {
    j->done[k] = true;
    j->status[k] = sh_status_of(status);
  } else if (r < 0) {
    /* ECHILD: someone else reaped it; nothing more will come */
    j->done[k] = true;
    j->status[k] = 127;
  }
}

void jobs_poll(void) {
  for (size_t i = 0; i < g_njobs; i++)
    for (size_t k = 0; k < g_jobs[i].npids; k++) collect(&g_jobs[i], k, WNOHANG);
}

void jobs_remove(sh_job* job) {
  size_t i = (size_t)(job - g_jobs);
  free(job->pids);
  free(job->status);
  free(job->done);
  free(job->text);
  memmove(&g_jobs[i], &g_jobs[i + 1], (g_njobs - i - 1) * sizeof(sh_job));
  g_njobs--;
}

int jobs_wait(sh_job* job) {
  for (size_t k = 0; k < job->npids; k++) collect(job, k, 0);
  int status = job->npids ? job->status[job->npids - 1] : 0;
  jobs_remove(job);
  return status;
}

static void print_job(FILE* out, const sh_job* j, const char* state) {
  fprintf(out, "[%d]%c %-8s %s\n", j->id, j == jobs_current() ? '+' : ' ', state, j->text);
}

void jobs_list(FILE* out) {
  jobs_poll();
  for (size_t i = 0; i < g_njobs; i++)
    print_job(out, &g_jobs[i], jobs_finished(&g_jobs[i]) ? "Done" : "Running");
  jobs_report_finished(NULL);
}

void jobs_report_finished(FILE* out) {
  jobs_poll();
  for (size_t i = 0; i < g_njobs;) {
    if (!jobs_finished(&g_jobs[i])) {
      i++;
      continue;
    }
    if (out) {
      int status = g_jobs[i].status[g_jobs[i].npids - 1];
      char state[24] = "Done";
      if (status) snprintf(state, sizeof state, "Exit %d", status);
      print_job(out, &g_jobs[i], state);
    }
    jobs_remove(&g_jobs[i]);
  }
  if (out) fflush(out);
}

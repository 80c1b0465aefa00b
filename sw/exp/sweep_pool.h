/* sweep_pool.h - running a sweep: which jobs are this process's, a pool of
 * job processes, why a job failed, how long the sweep has left.
 *
 * The plan: a sweep's jobs minus those of other shards (--shard i/n, or the
 * rank and size an MPI launcher puts in the environment) and those already
 * in the results file. The pool keeps `parallel` child processes busy; each
 * child is the caller's executable run again with "--job N" appended (one
 * fresh process per run: no state leaks between runs and a crash costs one
 * run). Children die with their parent (PR_SET_PDEATHSIG), so a killed sweep
 * leaves no orphan that could finish a run twice. A child reports what it is
 * doing through a status channel the pool gives it (sweep_status_*); when it
 * fails, that text (its error, or the step it was in when a signal killed
 * it) is the outcome's reason.
 * Not here: what a job does (sweep.h), printing (the command).
 */
#ifndef SNN_SWEEP_POOL_H
#define SNN_SWEEP_POOL_H

#include "../util/error.h"
#include "report.h"
#include "sweep.h"

/* The shard from text ("i/n") if given, else from an MPI launcher's
 * environment (OpenMPI, MPICH/Intel MPI), else 0/1. *source names where it
 * came from ("--shard", "OMPI_COMM_WORLD_RANK", ..., "none"). */
int sweep_shard_find(const char *text, int *i, int *n, const char **source, snn_error *err);

/* The jobs this process runs, in grid order. */
typedef struct {
    int *todo, n_todo; /* grid indices (malloc'd) */
    int in_shard;      /* jobs of the grid in this shard */
    int skipped;       /* of those, already in the results file */
    int repaired;      /* a partial last line was cut from the results file */
} sweep_plan;

/* Plans shard i/n of g against the results file (sweep_done_load). */
int sweep_plan_make(const sweep_grid *g, const sweep_settings *s, int shard, int shards,
                    const char *results, sweep_plan *p, snn_error *err);
void sweep_plan_free(sweep_plan *p);

/* One finished job. */
typedef struct {
    int index;       /* grid index */
    int ok;
    double seconds;  /* wall time of the job */
    char why[700];   /* failed: its error message, or the signal (by name) and the step
                        it was in ("killed by SIGSEGV (Segmentation fault) while reading ...") */
} sweep_outcome;

typedef struct sweep_pool sweep_pool;

/* Jobs to run at a time: jobs if > 0, else the online cores / threads per
 * job, at least 1. */
int sweep_pool_width(int jobs, int threads);

/* A pool that runs plan's jobs, `parallel` at a time, as `argv... --job N`
 * of this executable (argv: NULL-terminated, argv[0] the program name), with
 * OMP_NUM_THREADS=threads (an oversubscribed OpenMP barrier sleeps instead of
 * working). */
sweep_pool *sweep_pool_new(char *const *argv, const int *todo, int n_todo, int parallel,
                           int threads, snn_error *err);
/* Starts jobs while slots are free, then waits for one to end: 1 and *out,
 * or 0 when every job has ended. A job that cannot be started is a failed
 * outcome, not an error; -1 only if waiting itself fails. */
int sweep_pool_next(sweep_pool *p, sweep_outcome *out, snn_error *err);
/* Seconds until the whole sweep is done, from the mean time of the jobs
 * that succeeded so far and the time the running ones have had; NaN before
 * the first job succeeds. */
double sweep_pool_eta(const sweep_pool *p);
/* Seconds since the pool was made. */
double sweep_pool_elapsed(const sweep_pool *p);
/* Kills the running jobs (if any) and frees the pool. */
void sweep_pool_free(sweep_pool *p);

/* In a job process: the status channel its pool gave it, -1 if none (a job
 * run by hand). */
int sweep_status_fd(void);
/* Replaces the job's status with msg (fd -1: nothing). -1 if it cannot be
 * written; callers may go on: a lost status only makes a failure less clear. */
int sweep_status_set(int fd, const char *msg);

/* The projected cost of a grid from a measured slice (a results file with
 * cpu_seconds and epoch_cpu_seconds): each job costs the per-epoch CPU time
 * of the slice runs nearest in s1 (log scale) times its epochs, plus their
 * fixed cost (data, evaluations, VRD); only slice runs of the job's network
 * (hidden sizes, recurrence) count when the slice has any. */
typedef struct {
    int usable;       /* slice runs with both times */
    double cpu_hours, wall_hours;
} sweep_estimate;

int sweep_estimate_grid(const report_runs *slice, const char *slice_path, const sweep_grid *g,
                        const sweep_settings *s, int parallel, sweep_estimate *out,
                        snn_error *err);

#endif

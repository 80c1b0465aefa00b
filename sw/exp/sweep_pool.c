/* sweep_pool.c - see sweep_pool.h. */
#include "sweep_pool.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* The environment variable that hands a job its status channel. */
#define STATUS_ENV "SNN_SWEEP_STATUS_FD"

int sweep_shard_find(const char *text, int *i, int *n, const char **source, snn_error *err)
{
    static const char *const env[][2] = {
        {"OMPI_COMM_WORLD_RANK", "OMPI_COMM_WORLD_SIZE"}, {"PMI_RANK", "PMI_SIZE"}};
    *i = 0;
    *n = 1;
    *source = "none";
    if (text) {
        *source = "--shard";
        return sweep_parse_shard(text, i, n, err);
    }
    for (size_t k = 0; k < sizeof env / sizeof env[0]; k++) {
        const char *r = getenv(env[k][0]), *sz = getenv(env[k][1]);
        if (r && sz) {
            char buf[64];
            snprintf(buf, sizeof buf, "%s/%s", r, sz);
            *source = env[k][0];
            return sweep_parse_shard(buf, i, n, err);
        }
    }
    return 0;
}

int sweep_plan_make(const sweep_grid *g, const sweep_settings *s, int shard, int shards,
                    const char *results, sweep_plan *p, snn_error *err)
{
    memset(p, 0, sizeof *p);
    sweep_done done;
    if (sweep_done_load(results, &done, &p->repaired, err) != 0)
        return -1;
    p->todo = malloc(sizeof *p->todo * (size_t)(g->n ? g->n : 1));
    if (!p->todo) {
        sweep_done_free(&done);
        return snn_fail(err, "out of memory for %d jobs", g->n);
    }
    for (int i = 0; i < g->n; i++) {
        if (i % shards != shard)
            continue;
        p->in_shard++;
        char key[512];
        sweep_job_key(s, &g->jobs[i], key, sizeof key);
        if (sweep_done_has(&done, key))
            p->skipped++;
        else
            p->todo[p->n_todo++] = i;
    }
    sweep_done_free(&done);
    return 0;
}

void sweep_plan_free(sweep_plan *p)
{
    free(p->todo);
    memset(p, 0, sizeof *p);
}

/* ---- the pool ---- */

typedef struct {
    pid_t pid;    /* 0: a free slot */
    int index;    /* grid index */
    int status;   /* the job's status channel (a memfd) */
    double start;
} slot;

struct sweep_pool {
    char self[4096];
    char **argv;  /* the caller's argv, then "--job", N, NULL */
    int argc;
    const int *todo;
    int n_todo, next, running, succeeded;
    int parallel, threads;
    double t0, job_seconds; /* when the pool was made; wall time of the succeeded jobs
                               (a job that fails early says little about the others) */
    slot *slots;
};

int sweep_pool_width(int jobs, int threads)
{
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    int n = jobs > 0 ? jobs : (int)(cores > 0 ? cores : 1) / (threads > 0 ? threads : 1);
    return n < 1 ? 1 : n;
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

sweep_pool *sweep_pool_new(char *const *argv, const int *todo, int n_todo, int parallel,
                           int threads, snn_error *err)
{
    sweep_pool *p = calloc(1, sizeof *p);
    int argc = 0;
    while (argv[argc])
        argc++;
    if (!p || !(p->argv = calloc((size_t)argc + 3, sizeof *p->argv)) ||
        !(p->slots = calloc((size_t)parallel, sizeof *p->slots))) {
        sweep_pool_free(p);
        snn_fail(err, "out of memory for a pool of %d", parallel);
        return NULL;
    }
    ssize_t len = readlink("/proc/self/exe", p->self, sizeof p->self - 1);
    if (len <= 0) {
        snn_fail(err, "cannot find my own executable: %s", strerror(errno));
        sweep_pool_free(p);
        return NULL;
    }
    p->self[len] = '\0';
    memcpy(p->argv, argv, sizeof *argv * (size_t)argc);
    p->argc = argc;
    p->todo = todo;
    p->n_todo = n_todo;
    p->parallel = parallel;
    p->threads = threads;
    p->t0 = now();
    return p;
}

/* Starts job todo[next] in slot s: `argv... --job N` in a child that dies
 * with us, its status channel a memfd shared with us. */
static int start(sweep_pool *p, slot *s, sweep_outcome *out)
{
    int index = p->todo[p->next++];
    memset(out, 0, sizeof *out);
    out->index = index;
    int fd = memfd_create("snn-sweep-status", MFD_CLOEXEC);
    if (fd < 0) {
        snprintf(out->why, sizeof out->why, "cannot make its status channel: %s",
                 strerror(errno));
        return -1;
    }
    char job[32], omp_threads[32], fd_text[32];
    snprintf(job, sizeof job, "%d", index);
    snprintf(omp_threads, sizeof omp_threads, "%d", p->threads);
    snprintf(fd_text, sizeof fd_text, "%d", fd);
    p->argv[p->argc] = "--job";
    p->argv[p->argc + 1] = job;
    pid_t parent = getpid();
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (getppid() != parent) /* the parent died before prctl took effect */
            _exit(1);
        fcntl(fd, F_SETFD, 0); /* this one channel stays open across exec */
        setenv(STATUS_ENV, fd_text, 1);
        setenv("OMP_NUM_THREADS", omp_threads, 1);
        execv(p->self, p->argv);
        sweep_status_set(fd, "cannot run the snn executable");
        _exit(127);
    }
    if (pid < 0) {
        snprintf(out->why, sizeof out->why, "cannot start a process: %s", strerror(errno));
        close(fd);
        return -1;
    }
    *s = (slot){.pid = pid, .index = index, .status = fd, .start = now()};
    p->running++;
    return 0;
}

/* Why slot s's job failed, from its exit status and its last status text. */
static void explain(const slot *s, int status, char *why, size_t len)
{
    char text[600] = "";
    ssize_t n = pread(s->status, text, sizeof text - 1, 0);
    text[n > 0 ? n : 0] = '\0';
    if (WIFSIGNALED(status)) {
        int sig = WTERMSIG(status);
        const char *abbrev = sigabbrev_np(sig), *descr = sigdescr_np(sig);
        int k = abbrev ? snprintf(why, len, "killed by SIG%s (%s)", abbrev, descr ? descr : "?")
                       : snprintf(why, len, "killed by signal %d", sig);
        if (text[0] && k >= 0 && (size_t)k < len)
            snprintf(why + k, len - (size_t)k, " while %s", text);
    } else if (text[0]) {
        snprintf(why, len, "%s", text);
    } else {
        snprintf(why, len, "exited with status %d, no message",
                 WIFEXITED(status) ? WEXITSTATUS(status) : -1);
    }
}

int sweep_pool_next(sweep_pool *p, sweep_outcome *out, snn_error *err)
{
    while (p->next < p->n_todo && p->running < p->parallel) {
        slot *s = p->slots;
        while (s->pid)
            s++;
        if (start(p, s, out) != 0)
            return 1;
    }
    if (p->running == 0)
        return 0;
    int status;
    slot *s = NULL;
    while (!s) { /* a child that is not a job (none today) is reaped and passed over */
        pid_t pid = wait(&status);
        if (pid < 0 && errno != EINTR)
            return snn_fail(err, "waiting for the sweep's jobs: %s", strerror(errno));
        for (int i = 0; pid > 0 && i < p->parallel && !s; i++)
            if (p->slots[i].pid == pid)
                s = &p->slots[i];
    }
    memset(out, 0, sizeof *out);
    out->index = s->index;
    out->seconds = now() - s->start;
    out->ok = WIFEXITED(status) && WEXITSTATUS(status) == 0;
    if (!out->ok)
        explain(s, status, out->why, sizeof out->why);
    close(s->status);
    s->pid = 0;
    p->running--;
    if (out->ok) {
        p->succeeded++;
        p->job_seconds += out->seconds;
    }
    return 1;
}

double sweep_pool_eta(const sweep_pool *p)
{
    if (p->succeeded == 0)
        return NAN;
    double mean = p->job_seconds / p->succeeded, t = now(), work = 0;
    for (int i = 0; i < p->parallel; i++)
        if (p->slots[i].pid) /* a running job has about mean minus its age left */
            work += fmax(mean - (t - p->slots[i].start), 0.1 * mean);
    int waiting = p->n_todo - p->next;
    work += waiting * mean;
    int lanes = p->running + waiting < p->parallel ? p->running + waiting : p->parallel;
    return lanes ? work / lanes : 0;
}

double sweep_pool_elapsed(const sweep_pool *p)
{
    return now() - p->t0;
}

void sweep_pool_free(sweep_pool *p)
{
    if (!p)
        return;
    for (int i = 0; p->slots && i < p->parallel; i++)
        if (p->slots[i].pid) {
            kill(p->slots[i].pid, SIGKILL);
            waitpid(p->slots[i].pid, NULL, 0);
            close(p->slots[i].status);
        }
    free(p->slots);
    free(p->argv);
    free(p);
}

/* ---- a job's status channel ---- */

int sweep_status_fd(void)
{
    const char *text = getenv(STATUS_ENV);
    char *end;
    long fd = text ? strtol(text, &end, 10) : -1;
    if (!text || *end || fd < 0 || fd > 1 << 20 || fcntl((int)fd, F_GETFD) < 0)
        return -1;
    return (int)fd;
}

int sweep_status_set(int fd, const char *msg)
{
    size_t len = strlen(msg);
    if (fd < 0 || (pwrite(fd, msg, len, 0) == (ssize_t)len && ftruncate(fd, (off_t)len) == 0))
        return 0;
    return -1;
}

/* ---- cost ---- */

int sweep_estimate_grid(const report_runs *slice, const char *slice_path, const sweep_grid *g,
                        const sweep_settings *s, int parallel, sweep_estimate *out,
                        snn_error *err)
{
    memset(out, 0, sizeof *out);
    for (int i = 0; i < slice->n; i++)
        out->usable += isfinite(slice->r[i].epoch_cpu) && isfinite(slice->r[i].cpu_seconds);
    if (!out->usable)
        return snn_fail(err, "%s: no run with cpu_seconds and epoch_cpu_seconds", slice_path);
    double total = 0;
    for (int k = 0; k < g->n; k++) {
        /* The slice runs of the job's network if the slice has any, else all. */
        snn_config c;
        char arch[96];
        if (sweep_job_config(s, &g->jobs[k], &c, err) != 0)
            return -1;
        sweep_arch_name(&c, arch, sizeof arch);
        int rec = g->jobs[k].net.recurrent, own_net = 0;
        for (int i = 0; i < slice->n && !own_net; i++)
            own_net = slice->r[i].recurrent == rec && strcmp(slice->r[i].arch, arch) == 0 &&
                      isfinite(slice->r[i].epoch_cpu) && isfinite(slice->r[i].cpu_seconds);
        double best = INFINITY, per_epoch = 0, fixed = 0;
        int n = 0;
        for (int i = 0; i < slice->n; i++) {
            const report_run *r = &slice->r[i];
            if (!isfinite(r->epoch_cpu) || !isfinite(r->cpu_seconds) ||
                (own_net && (r->recurrent != rec || strcmp(r->arch, arch) != 0)))
                continue;
            double dist = fabs(log(fmax(r->s1, 1e-12)) - log(fmax(g->jobs[k].s1, 1e-12)));
            if (dist < best - 1e-9) {
                best = dist;
                per_epoch = fixed = 0;
                n = 0;
            }
            if (dist <= best + 1e-9) {
                per_epoch += r->epoch_cpu;
                fixed += r->cpu_seconds - r->epochs * r->epoch_cpu;
                n++;
            }
        }
        total += fixed / n + s->epochs * per_epoch / n;
    }
    out->cpu_hours = total / 3600;
    out->wall_hours = out->cpu_hours / parallel;
    return 0;
}

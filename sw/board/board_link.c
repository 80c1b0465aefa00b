/* board_link.c - see board_link.h. */
#include "board_link.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* snn-board-sim beside the running executable. */
static int default_sim_path(char *out, size_t size, snn_error *err)
{
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n <= 0)
        return snn_fail(err, "cannot find the running executable: %s", strerror(errno));
    exe[n] = 0;
    char *slash = strrchr(exe, '/');
    *slash = 0;
    snprintf(out, size, "%s/snn-board-sim", exe);
    return 0;
}

/* Opens a pseudo-terminal, opens its terminal side as the serial port (raw,
 * before the simulator starts, so no byte is ever cooked), then starts the
 * simulator on the other side. */
static int start_sim(board_link *l, const board_link_opts *o, snn_error *err)
{
    char sim[PATH_MAX + 32];
    if (o->sim_path)
        snprintf(sim, sizeof sim, "%s", o->sim_path);
    else if (default_sim_path(sim, sizeof sim, err) != 0)
        return -1;
    if (access(sim, X_OK) != 0)
        return snn_fail(err, "%s: cannot run the simulated board: %s (make build makes it)", sim,
                        strerror(errno));
    int master = posix_openpt(O_RDWR | O_NOCTTY);
    char name[128];
    if (master < 0 || grantpt(master) != 0 || unlockpt(master) != 0 ||
        ptsname_r(master, name, sizeof name) != 0) {
        int e = errno;
        if (master >= 0)
            close(master);
        return snn_fail(err, "cannot open a pseudo-terminal: %s", strerror(e));
    }
    if (serial_open(&l->port, name, o->baud, err) != 0) {
        close(master);
        return -1;
    }
    /* The simulator's counts, in memory both processes map. */
    int clock_fd = memfd_create("snn-board-clocks", 0);
    if (clock_fd >= 0 && ftruncate(clock_fd, sizeof(board_clocks)) == 0) {
        void *p = mmap(NULL, sizeof(board_clocks), PROT_READ | PROT_WRITE, MAP_SHARED, clock_fd, 0);
        l->sim_clocks = p == MAP_FAILED ? NULL : p;
    }
    char fd_arg[16], corrupt_arg[32], seed_arg[16], clock_arg[16];
    snprintf(fd_arg, sizeof fd_arg, "%d", master);
    snprintf(clock_arg, sizeof clock_arg, "%d", l->sim_clocks ? clock_fd : -1);
    snprintf(corrupt_arg, sizeof corrupt_arg, "%.17g", o->corrupt);
    snprintf(seed_arg, sizeof seed_arg, "%d", o->seed);
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) {
        int e = errno;
        close(master);
        if (clock_fd >= 0)
            close(clock_fd);
        serial_close(&l->port);
        return snn_fail(err, "cannot start %s: %s", sim, strerror(e));
    }
    if (pid == 0) { /* the port's fd is close-on-exec; only the master goes along */
        if (l->sim_clocks)
            execl(sim, sim, "--fd", fd_arg, "--corrupt", corrupt_arg, "--seed", seed_arg,
                  "--clock-fd", clock_arg, (char *)NULL);
        else
            execl(sim, sim, "--fd", fd_arg, "--corrupt", corrupt_arg, "--seed", seed_arg, (char *)NULL);
        _exit(127);
    }
    close(master);
    if (clock_fd >= 0)
        close(clock_fd);
    l->sim_pid = pid;
    return 0;
}

int board_link_open(board_link *l, const board_link_opts *o, snn_error *err)
{
    l->sim_pid = 0;
    l->sim_clocks = NULL;
    l->port.fd = -1;
    if (o->sim) {
        if (start_sim(l, o, err) != 0)
            return -1;
    } else {
        if (!o->port)
            return snn_fail(err, "no serial port given (--port, or --sim for the simulated board)");
        if (serial_open(&l->port, o->port, o->baud, err) != 0)
            return -1;
    }
    drv_init(&l->drv, serial_transport(&l->port), (uint32_t)o->timeout_ms, (unsigned)o->attempts,
             (uint16_t)o->chunk);
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    l->progress_at = (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
    l->drv.progress = o->progress;
    l->drv.progress_ctx = l;
    int r = drv_hello(&l->drv);
    if (r != DRV_OK) {
        board_link_fail(l, r, "HELLO", err);
        board_link_close(l);
        return -1;
    }
    if (l->drv.info.version != PROTO_VERSION) {
        snn_fail(err, "%s: board speaks protocol version %d, this host version %u",
                 l->port.path, l->drv.info.version, PROTO_VERSION);
        board_link_close(l);
        return -1;
    }
    return 0;
}

board_clocks board_link_clocks(const board_link *l)
{
    if (!l->sim_clocks)
        return (board_clocks){0};
    const volatile board_clocks *c = l->sim_clocks;
    return (board_clocks){c->clocks, c->line_in, c->line_out, c->running};
}

void board_link_close(board_link *l)
{
    serial_close(&l->port);
    if (l->sim_pid > 0) {
        /* The simulator exits when its line closes; a stuck one is stopped. */
        int status;
        for (int i = 0; i < 200 && waitpid(l->sim_pid, &status, WNOHANG) == 0; i++)
            usleep(10000);
        if (waitpid(l->sim_pid, &status, WNOHANG) == 0) {
            kill(l->sim_pid, SIGTERM);
            waitpid(l->sim_pid, &status, 0);
        }
        l->sim_pid = 0;
    }
    if (l->sim_clocks)
        munmap((void *)l->sim_clocks, sizeof(board_clocks));
    l->sim_clocks = NULL;
}

int board_link_fail(const board_link *l, int result, const char *doing, snn_error *err)
{
    if (result == DRV_E_REFUSED)
        return snn_fail(err, "%s: %s: board refused: %s (code %d)", l->port.path, doing,
                        drv_board_error(l->drv.last_error), l->drv.last_error);
    if (result == DRV_E_NO_REPLY) {
        drv_stats s = drv_request_stats(&l->drv);
        return snn_fail(err, "%s: %s: %s (%u attempts: %u replies damaged (bad CRC, bad length "
                        "or cut short), %u requests damaged on the way (the board said so), %u "
                        "timeouts with nothing received in %u ms)", l->port.path, doing,
                        drv_strerror(result), (unsigned)s.retries + 1, (unsigned)s.damaged,
                        (unsigned)s.line_errors, (unsigned)s.timeouts, l->drv.timeout_ms);
    }
    return snn_fail(err, "%s: %s: %s", l->port.path, doing, drv_strerror(result));
}

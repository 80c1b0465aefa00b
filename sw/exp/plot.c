/* plot.c - see plot.h. */
#include "plot.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../util/atomic_file.h"

int plot_available(void)
{
    const char *path = getenv("PATH");
    if (!path)
        return 0;
    char dir[4096];
    for (const char *p = path; *p;) {
        size_t n = strcspn(p, ":");
        snprintf(dir, sizeof dir, "%.*s/gnuplot", (int)n, p);
        if (access(dir, X_OK) == 0)
            return 1;
        p += n + (p[n] == ':');
    }
    return 0;
}

/* The house style, before every body: series `lt 1`..`lt 8` differ in colour,
 * dash type and (open, so that coinciding points stay visible) marker; the
 * key goes below the plot, where it covers no data. */
static const char style[] =
    "set linetype 1 lc rgb '#1f77b4' lw 1.5 dt 1 pt 6 ps 1.3\n"
    "set linetype 2 lc rgb '#d62728' lw 1.5 dt 2 pt 4 ps 1.3\n"
    "set linetype 3 lc rgb '#2ca02c' lw 1.5 dt 3 pt 8 ps 1.3\n"
    "set linetype 4 lc rgb '#9467bd' lw 1.5 dt 4 pt 10 ps 1.3\n"
    "set linetype 5 lc rgb '#ff7f0e' lw 1.5 dt 5 pt 12 ps 1.3\n"
    "set linetype 6 lc rgb '#8c564b' lw 1.5 dt (8,4,2,4) pt 14 ps 1.3\n"
    "set linetype 7 lc rgb '#e377c2' lw 1.5 dt (2,3) pt 1 ps 1.3\n"
    "set linetype 8 lc rgb '#17becf' lw 1.5 dt (12,3,3,3) pt 2 ps 1.3\n"
    "set linetype cycle 8\n"
    "set key below horizontal\n"
    "set termoption noenhanced\n"; /* titles are plain text: "s1_x" has no subscript */

int plot_render(const char *dir, const char *name, const char *body, int width, int height,
                snn_error *err)
{
    char script[1200], log[1200];
    snprintf(script, sizeof script, "%s/%s.gp", dir, name);
    snprintf(log, sizeof log, "%s/%s.log", dir, name);
    atomic_file af;
    if (atomic_open(&af, script, err) != 0)
        return -1;
    fprintf(af.fp, "# %s: written by `snn report`; run `gnuplot %s.gp` here to redraw.\n", name,
            name);
    fprintf(af.fp, "set terminal pngcairo size %d,%d font 'DejaVu Sans,10'\nset output '%s.png'\n"
                   "%s%s\nunset output\nreset\n",
            width, height, name, style, body);
    fprintf(af.fp, "set terminal svg size %d,%d dynamic font 'DejaVu Sans,10'\nset output '%s.svg'\n"
                   "%s%s\nunset output\n",
            width, height, name, style, body);
    if (atomic_commit(&af, err) != 0)
        return -1;
    if (!plot_available())
        return snn_fail(err, "gnuplot not found on PATH (Debian package gnuplot-nox); "
                             "%s is written, run it once gnuplot is installed", script);
    pid_t pid = fork();
    if (pid < 0)
        return snn_fail(err, "cannot start gnuplot: %s", strerror(errno));
    if (pid == 0) {
        int fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (fd < 0 || chdir(dir) != 0)
            _exit(127);
        dup2(fd, 2);
        char gp[1100];
        snprintf(gp, sizeof gp, "%s.gp", name);
        execlp("gnuplot", "gnuplot", gp, (char *)NULL);
        _exit(127);
    }
    int status;
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR)
            return snn_fail(err, "waiting for gnuplot: %s", strerror(errno));
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
        remove(log); /* warnings (an empty series) are not failures */
        return 0;
    }
    char line[300] = "", first[300] = "";
    FILE *f = fopen(log, "r");
    while (f && !first[0] && fgets(line, sizeof line, f))
        if (strspn(line, " \t\n^") != strlen(line) && !strstr(line, "warning"))
            snprintf(first, sizeof first, "%s", line);
    if (f)
        fclose(f);
    first[strcspn(first, "\n")] = '\0';
    return snn_fail(err, "gnuplot failed on %s: %s (see %s)", script,
                    first[0] ? first : "no message", log);
}

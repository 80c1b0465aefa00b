/* sweep_mpi.c - `snn-sweep-mpi`: split one sweep across MPI ranks.
 *
 * mpirun -np N snn-sweep-mpi [sweep options]: rank r of N runs
 * `snn sweep [options] --shard r/N` (the `snn` beside this executable, or
 * --snn PATH), all ranks append to the same results file (sweep.h: one
 * locked write per run), and rank 0 reports once every rank is done. Built
 * with mpicc into its own binary so that `snn` itself never needs MPI.
 * (`mpirun -np N snn sweep ...` works too: snn sweep reads the rank from
 * the launcher's environment; this program adds a real barrier and a
 * combined exit status.)
 */
#include <errno.h>
#include <libgen.h>
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

/* The `snn` executable: --snn PATH, else the one beside this program. */
static void find_snn(int argc, char **argv, char *path, size_t len)
{
    for (int i = 1; i + 1 < argc; i++)
        if (strcmp(argv[i], "--snn") == 0) {
            snprintf(path, len, "%s", argv[i + 1]);
            return;
        }
    char self[4096];
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    self[n > 0 ? n : 0] = '\0';
    snprintf(path, len, "%s/snn", n > 0 ? dirname(self) : ".");
}

/* Runs `snn sweep <args without --snn> --shard rank/size`; returns its exit status. */
static int run_shard(const char *snn, int argc, char **argv, int rank, int size)
{
    char shard[64];
    snprintf(shard, sizeof shard, "%d/%d", rank, size);
    char **args = malloc(sizeof *args * (size_t)(argc + 5));
    if (!args)
        return 1;
    int n = 0;
    args[n++] = "snn";
    args[n++] = "sweep";
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--snn") == 0) {
            i++;
            continue;
        }
        args[n++] = argv[i];
    }
    args[n++] = "--shard";
    args[n++] = shard;
    args[n] = NULL;
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        prctl(PR_SET_PDEATHSIG, SIGKILL); /* a killed rank takes its sweep along */
        execv(snn, args);
        fprintf(stderr, "snn-sweep-mpi: rank %d: cannot run %s: %s\n", rank, snn, strerror(errno));
        _exit(127);
    }
    free(args);
    if (pid < 0) {
        fprintf(stderr, "snn-sweep-mpi: rank %d: fork failed: %s\n", rank, strerror(errno));
        return 1;
    }
    int status;
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR)
            return 1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

int main(int argc, char **argv)
{
    for (int i = 1; i < argc; i++)
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            printf("usage: mpirun -np N snn-sweep-mpi [snn sweep options] [--snn PATH]\n"
                   "Each rank runs `snn sweep ... --shard rank/N`; see snn sweep --help.\n");
            return 0;
        }
    MPI_Init(&argc, &argv);
    int rank, size;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    char snn[4096];
    find_snn(argc, argv, snn, sizeof snn);
    int status = run_shard(snn, argc, argv, rank, size);
    int failed = status != 0, failed_ranks = 0;
    MPI_Reduce(&failed, &failed_ranks, 1, MPI_INT, MPI_SUM, 0, MPI_COMM_WORLD);
    if (rank == 0) {
        if (failed_ranks)
            fprintf(stderr, "snn-sweep-mpi: %d of %d ranks failed\n", failed_ranks, size);
        else
            fprintf(stderr, "snn-sweep-mpi: all %d ranks done\n", size);
    }
    int any_failed = 0;
    MPI_Allreduce(&failed, &any_failed, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
    MPI_Finalize();
    return any_failed ? 1 : 0;
}

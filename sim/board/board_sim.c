/* board_sim.c - the simulated board on a byte stream (a pseudo-terminal or a socket).
 *
 * Bytes read from --fd go onto the board's UART receive pin bit by bit, and the
 * bits on its transmit pin are sampled back into bytes written to --fd, so a
 * host tool talks to the Verilated RTL exactly as to a board through an FTDI
 * cable. --corrupt damages that fraction of bytes (each direction) with a
 * random non-zero XOR before they reach the line: the errors the protocol must
 * survive. When the line is quiet and the core idle, the clock stops until a
 * byte arrives. Exits when the other end closes. --clock-fd: a file (a memfd of
 * the host) that the simulator keeps at its counts of clocks (board_clocks: run,
 * the line to the board busy, the line from it busy, a batch running), so the host
 * can measure the board's own time and where it goes.
 * Not here: the protocol itself (rtl/board/, firmware/).
 */
#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

#include "../../sw/board/board_link.h"
#include "../../sw/util/args.h"
#include "../../sw/util/rng.h"
#include "board_model.h"

#ifndef SIM_CLKS_PER_BIT
#error "SIM_CLKS_PER_BIT must match board_system's CLK_HZ / BAUD"
#endif

enum { QUEUE_BYTES = 1 << 20, IDLE_CLOCKS = 20000, POLL_EVERY = 256 };

/* Host -> board: a queue of bytes and the bit currently on the line. */
typedef struct {
    uint8_t q[QUEUE_BYTES];
    size_t head, count;
    int bit;       /* -1 idle, 0 start, 1..8 data, 9 stop */
    int clocks;    /* clocks left in this bit */
    uint8_t byte;
} line_out;

/* Board -> host: sampling the transmit pin, as board_uart_rx.v does. */
typedef struct {
    int bit;       /* -1 idle, 0 start, 1..8 data, 9 stop */
    int clocks;    /* clocks until the next sample */
    uint8_t byte;
} line_in;

typedef struct {
    double rate;
    snn_rng rng;
} damage;

static uint8_t maybe_damage(damage *d, uint8_t b)
{
    if (d->rate > 0 && snn_rng_uniform(&d->rng) < d->rate)
        b ^= (uint8_t)(1 + snn_rng_below(&d->rng, 255));
    return b;
}

static int line_out_level(line_out *o, damage *d)
{
    if (o->bit < 0) {
        if (o->count == 0)
            return 1;
        o->byte = maybe_damage(d, o->q[o->head]);
        o->head = (o->head + 1) % QUEUE_BYTES;
        o->count--;
        o->bit = 0;
        o->clocks = SIM_CLKS_PER_BIT;
    }
    int level = o->bit == 0 ? 0 : o->bit == 9 ? 1 : (o->byte >> (o->bit - 1)) & 1;
    if (--o->clocks == 0) {
        o->bit = o->bit == 9 ? -1 : o->bit + 1;
        o->clocks = SIM_CLKS_PER_BIT;
    }
    return level;
}

/* Returns 1 and sets *out when a byte is complete. */
static int line_in_sample(line_in *in, int level, uint8_t *out)
{
    if (in->bit < 0) {
        if (!level) {
            in->bit = 0;
            in->clocks = SIM_CLKS_PER_BIT / 2;
        }
        return 0;
    }
    if (--in->clocks > 0)
        return 0;
    in->clocks = SIM_CLKS_PER_BIT;
    if (in->bit == 0) {
        in->bit = level ? -1 : 1; /* a glitch, not a start bit */
        return 0;
    }
    if (in->bit <= 8) {
        in->byte = (uint8_t)((in->byte >> 1) | (level << 7));
        in->bit++;
        return 0;
    }
    in->bit = -1;
    if (!level)
        return 0; /* framing error: the byte is lost, as on a real line */
    *out = in->byte;
    return 1;
}

static int write_all(int fd, const uint8_t *p, size_t n)
{
    while (n) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

/* Reads what is available (waiting up to timeout_ms); -1 when the host closed. */
static int fill(int fd, line_out *o, int timeout_ms)
{
    struct pollfd pfd = {.fd = fd, .events = POLLIN};
    int r = poll(&pfd, 1, timeout_ms);
    if (r < 0)
        return errno == EINTR ? 0 : -1;
    if (r == 0)
        return 0;
    if (!(pfd.revents & POLLIN))
        return -1; /* hang-up or error without data */
    uint8_t buf[4096];
    size_t room = QUEUE_BYTES - o->count;
    ssize_t n = read(fd, buf, room < sizeof buf ? room : sizeof buf);
    if (n <= 0)
        return n < 0 && errno == EINTR ? 0 : -1;
    for (ssize_t i = 0; i < n; i++)
        o->q[(o->head + o->count + (size_t)i) % QUEUE_BYTES] = buf[i];
    o->count += (size_t)n;
    return 0;
}

static int run(int fd, damage *dmg, volatile board_clocks *clocks)
{
    static line_out out = {.bit = -1};
    line_in in = {.bit = -1};
    board_model *m = board_model_new();
    if (!m) {
        fprintf(stderr, "board-sim: out of memory\n");
        return 1;
    }
    long quiet = 0;
    for (unsigned long clock = 0;; clock++) {
        int idle = quiet > IDLE_CLOCKS && out.count == 0 && out.bit < 0;
        if ((idle || clock % POLL_EVERY == 0) && out.count < QUEUE_BYTES &&
            fill(fd, &out, idle ? 100 : 0) != 0)
            break;
        if (idle && out.count == 0)
            continue;
        int sending = out.bit >= 0; /* a byte's last clock ends it in line_out_level */
        int tx = board_model_clock(m, line_out_level(&out, dmg));
        if (clocks) {
            clocks->clocks++;
            clocks->line_in += sending || out.bit >= 0;
            clocks->line_out += in.bit >= 0;
            clocks->running += board_model_running(m) != 0;
        }
        uint8_t b;
        if (line_in_sample(&in, tx, &b)) {
            b = maybe_damage(dmg, b);
            if (write_all(fd, &b, 1) != 0)
                break;
        }
        int line_busy = out.bit >= 0 || in.bit >= 0 || board_model_running(m);
        quiet = line_busy ? 0 : quiet + 1;
    }
    board_model_free(m);
    return 0;
}

int main(int argc, char **argv)
{
    int fd = -1, seed = 1, clock_fd = -1;
    double rate = 0;
    const arg_spec specs[] = {
        {"--fd", ARG_INT, &fd, 0, 1 << 20, "file descriptor of the line (required)"},
        {"--corrupt", ARG_DOUBLE, &rate, 0, 1, "fraction of bytes damaged, each direction"},
        {"--seed", ARG_INT, &seed, 0, 2147483647, "seed of the damage"},
        {"--clock-fd", ARG_INT, &clock_fd, 0, 1 << 20, "file descriptor of the clock counts (board_clocks of sw/board/board_link.h)"},
    };
    int r = args_parse("board-sim", "The Verilated board on a byte stream (used by snn deploy/classify --sim).",
                       specs, (int)(sizeof specs / sizeof specs[0]), argc - 1, argv + 1);
    if (r != 0)
        return r > 0 ? 0 : 2;
    if (fd < 0) {
        fprintf(stderr, "board-sim: --fd is required\n");
        return 2;
    }
    damage dmg = {.rate = rate};
    snn_rng_seed(&dmg.rng, (uint64_t)seed, 0x5ea1);
    volatile board_clocks *clocks = NULL;
    if (clock_fd >= 0) {
        void *p = mmap(NULL, sizeof(board_clocks), PROT_READ | PROT_WRITE, MAP_SHARED, clock_fd, 0);
        if (p == MAP_FAILED) {
            perror("board-sim: --clock-fd");
            return 2;
        }
        clocks = p;
    }
    return run(fd, &dmg, clocks);
}

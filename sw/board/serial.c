/* serial.c - see serial.h. */
#include "serial.h"
#include "serial_speed.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

static const struct {
    int baud;
    speed_t code;
} rates[] = {
    {9600, B9600},       {19200, B19200},     {38400, B38400},     {57600, B57600},
    {115200, B115200},   {230400, B230400},   {460800, B460800},   {500000, B500000},
    {921600, B921600},   {1000000, B1000000}, {1500000, B1500000}, {2000000, B2000000},
    {2500000, B2500000}, {3000000, B3000000}, {3500000, B3500000}, {4000000, B4000000},
};

int serial_open(serial_port *s, const char *path, int baud, snn_error *err)
{
    speed_t code = 0;
    for (size_t i = 0; i < sizeof rates / sizeof rates[0]; i++)
        if (rates[i].baud == baud)
            code = rates[i].code;
    s->fd = open(path, O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (s->fd < 0)
        return snn_fail(err, "%s: cannot open: %s", path, strerror(errno));
    snprintf(s->path, sizeof s->path, "%s", path);
    struct termios t;
    if (tcgetattr(s->fd, &t) != 0) {
        int e = errno;
        serial_close(s);
        return snn_fail(err, "%s: not a serial port: %s", path, strerror(e));
    }
    cfmakeraw(&t);
    t.c_cflag |= CLOCAL | CREAD;
    t.c_cflag &= ~(tcflag_t)(CSTOPB | CRTSCTS);
    t.c_iflag &= ~(tcflag_t)(IXON | IXOFF | IXANY);
    t.c_cc[VMIN] = 0; /* reads never block: recv waits in poll() */
    t.c_cc[VTIME] = 0;
    if (!code) /* set below: termios2 */
        code = B38400;
    if (cfsetispeed(&t, code) != 0 || cfsetospeed(&t, code) != 0 ||
        tcsetattr(s->fd, TCSANOW, &t) != 0 || serial_set_any_baud(s->fd, baud) != 0) {
        int e = errno;
        serial_close(s);
        return snn_fail(err, "%s: cannot set %d baud 8N1: %s", path, baud, strerror(e));
    }
    char why[320];
    if (serial_low_latency(s->fd, path, why, sizeof why) != 0) {
        serial_close(s);
        return snn_fail(err, "%s: %s", path, why);
    }
    tcflush(s->fd, TCIOFLUSH); /* nothing stale from before we opened */
    return 0;
}

void serial_close(serial_port *s)
{
    if (s->fd >= 0)
        close(s->fd);
    s->fd = -1;
}

static int serial_send(void *ctx, const uint8_t *data, size_t n)
{
    serial_port *s = ctx;
    while (n) {
        ssize_t w = write(s->fd, data, n);
        if (w < 0 && (errno == EINTR || errno == EAGAIN)) {
            struct pollfd p = {.fd = s->fd, .events = POLLOUT};
            poll(&p, 1, 100);
            continue;
        }
        if (w <= 0)
            return -1;
        data += w;
        n -= (size_t)w;
    }
    return 0;
}

static int serial_recv(void *ctx, uint8_t *buf, size_t max, uint32_t timeout_ms)
{
    serial_port *s = ctx;
    struct pollfd p = {.fd = s->fd, .events = POLLIN};
    int r;
    do
        r = poll(&p, 1, (int)timeout_ms);
    while (r < 0 && errno == EINTR);
    if (r < 0)
        return -1;
    if (r == 0)
        return 0;
    if (!(p.revents & POLLIN))
        return -1; /* hang-up: the cable (or the simulator) is gone */
    ssize_t n = read(s->fd, buf, max);
    if (n < 0 && (errno == EINTR || errno == EAGAIN))
        return 0;
    return n < 0 ? -1 : (int)n;
}

drv_transport serial_transport(serial_port *s)
{
    return (drv_transport){.send = serial_send, .recv = serial_recv, .ctx = s};
}

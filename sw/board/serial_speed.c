/* serial_speed.c - the parts of a serial port termios cannot set: any baud rate
 * (termios2, BOTHER: the FT2232H's 6 Mbaud is not a standard rate) and the FTDI's
 * latency (its latency timer and the kernel's low-latency flag).
 * A file of its own: <asm/termbits.h> and <termios.h> cannot be included together.
 */
#include <asm/ioctls.h>
#include <asm/termbits.h>
#include <errno.h>
#include <limits.h>
#include <linux/serial.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "serial_speed.h"

int ioctl(int fd, unsigned long request, ...);

int serial_set_any_baud(int fd, int baud)
{
    struct termios2 t;
    if (ioctl(fd, TCGETS2, &t) != 0)
        return -1;
    t.c_cflag &= ~(tcflag_t)CBAUD;
    t.c_cflag |= BOTHER;
    t.c_ispeed = t.c_ospeed = (speed_t)baud;
    return ioctl(fd, TCSETS2, &t);
}

int serial_low_latency(int fd, const char *path, char *why, size_t size)
{
    why[0] = 0;
    /* A USB serial adapter (ttyUSBn, also behind a /dev/serial/by-id link): its latency
     * timer in sysfs, 16 ms by default. */
    char real[PATH_MAX];
    const char *name = realpath(path, real) ? strrchr(real, '/') : NULL;
    name = name ? name + 1 : path;
    if (strncmp(name, "ttyUSB", 6) != 0)
        return 0; /* a pseudo-terminal, the simulated board, another kind of port */
    char sysfs[256];
    snprintf(sysfs, sizeof sysfs, "/sys/bus/usb-serial/devices/%s/latency_timer", name);
    int ms = 0;
    FILE *f = fopen(sysfs, "r");
    if (f) {
        if (fscanf(f, "%d", &ms) != 1)
            ms = 0;
        fclose(f);
    }
    if (ms != 1) { /* not set yet (a udev rule may have done it) */
        f = fopen(sysfs, "w");
        int bad = !f || fputs("1\n", f) < 0;
        if ((f && fclose(f) != 0) || bad) {
            snprintf(why, size, "cannot set %s to 1 ms: %s (replies would wait up to 16 ms: "
                     "write 1 to it as root, or let a udev rule do it, docs/board.md)",
                     sysfs, strerror(errno));
            return -1;
        }
    }
    struct serial_struct ss;
    if (ioctl(fd, TIOCGSERIAL, &ss) != 0 ||
        (ss.flags |= ASYNC_LOW_LATENCY, ioctl(fd, TIOCSSERIAL, &ss) != 0)) {
        snprintf(why, size, "cannot set low-latency mode (TIOCSSERIAL): %s", strerror(errno));
        return -1;
    }
    return 0;
}

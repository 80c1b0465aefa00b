/* serial.h - a serial port (or the simulated board's pseudo-terminal) as a driver transport.
 *
 * Opens the device raw (8N1, no flow control, no echo, no line editing) at a
 * given baud rate and hands firmware/driver.h its send/recv callbacks, with
 * recv waiting through poll() so timeouts hold. Not here: the protocol.
 */
#ifndef SNN_SERIAL_H
#define SNN_SERIAL_H

#include "../../firmware/driver.h"
#include "../util/error.h"

typedef struct {
    int fd;
    char path[256];
} serial_port;

/* Opens path at baud (one of the standard Linux rates, 9600 .. 4000000).
 * Fails with a message naming the device. */
int serial_open(serial_port *s, const char *path, int baud, snn_error *err);
void serial_close(serial_port *s);

/* The driver's transport over an open port. */
drv_transport serial_transport(serial_port *s);

#endif

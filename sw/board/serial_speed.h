/* serial_speed.h - baud rates outside termios' table and the FTDI latency (serial_speed.c). */
#ifndef SNN_SERIAL_SPEED_H
#define SNN_SERIAL_SPEED_H

#include <stddef.h>

/* Sets fd's rate to baud exactly (termios2 BOTHER); 0, or -1 with errno. */
int serial_set_any_baud(int fd, int baud);

/* On a USB serial port (ttyUSBn): latency timer 1 ms and ASYNC_LOW_LATENCY. Other
 * ports (pseudo-terminals, the simulated board) are left alone. 0, or -1 with why. */
int serial_low_latency(int fd, const char *path, char *why, size_t size);

#endif

/* machine.h - a one-line description of the machine, for benchmark output. */
#ifndef SNN_MACHINE_H
#define SNN_MACHINE_H

#include <stddef.h>

/* "<cpu model name>, <n> cores" from /proc/cpuinfo ("unknown CPU" elsewhere). */
void machine_describe(char *buf, size_t cap);

#endif

/* machine.c - see machine.h. */
#include "machine.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

void machine_describe(char *buf, size_t cap)
{
    char cpu[256] = "unknown CPU";
    FILE *f = fopen("/proc/cpuinfo", "r");
    if (f) {
        char line[512];
        while (fgets(line, sizeof line, f))
            if (strncmp(line, "model name", 10) == 0 && strchr(line, ':')) {
                snprintf(cpu, sizeof cpu, "%s", strchr(line, ':') + 2);
                cpu[strcspn(cpu, "\n")] = 0;
                break;
            }
        fclose(f);
    }
    snprintf(buf, cap, "%s, %ld cores", cpu, sysconf(_SC_NPROCESSORS_ONLN));
}

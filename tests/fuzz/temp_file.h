/* temp_file.h - for harnesses whose parser opens its input by name (libhdf5
 * resolves the path, so a memfd's /proc/self/fd/N does not open): the input is
 * written to a private temp file, in memory (/dev/shm) where there is one. */
#ifndef FUZZ_TEMP_FILE_H
#define FUZZ_TEMP_FILE_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Writes data to a new file whose name goes to path; 0 on success. The caller
 * unlinks path (on failure nothing is left behind). */
static int fuzz_temp_file(const uint8_t *data, size_t size, char path[32])
{
    memcpy(path, "/dev/shm/fuzz.XXXXXX", sizeof "/dev/shm/fuzz.XXXXXX");
    int fd = mkstemp(path);
    if (fd < 0) {
        memcpy(path, "/tmp/fuzz.XXXXXX", sizeof "/tmp/fuzz.XXXXXX");
        fd = mkstemp(path);
    }
    if (fd < 0)
        return -1;
    int written = write(fd, data, size) == (ssize_t)size;
    close(fd);
    if (!written) {
        unlink(path);
        return -1;
    }
    return 0;
}

#endif

/* atomic_file.c - see atomic_file.h. */
#include "atomic_file.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

int atomic_open(atomic_file *af, const char *path, snn_error *err)
{
    if (strlen(path) >= sizeof af->path)
        return snn_fail(err, "%s: path too long", path);
    strcpy(af->path, path);
    snprintf(af->tmp, sizeof af->tmp, "%s.tmp.%ld", path, (long)getpid());
    af->fp = fopen(af->tmp, "wb");
    if (!af->fp)
        return snn_fail(err, "%s: cannot create: %s", af->tmp, strerror(errno));
    return 0;
}

int atomic_commit(atomic_file *af, snn_error *err)
{
    int bad = ferror(af->fp) | fflush(af->fp);
    if (fsync(fileno(af->fp)) != 0 && errno != EINVAL)
        bad = 1;
    bad |= fclose(af->fp);
    af->fp = NULL;
    if (bad) {
        remove(af->tmp);
        return snn_fail(err, "%s: write failed: %s", af->path, strerror(errno));
    }
    if (rename(af->tmp, af->path) != 0) {
        int e = errno;
        remove(af->tmp);
        return snn_fail(err, "%s: cannot rename temp file: %s", af->path, strerror(e));
    }
    return 0;
}

void atomic_abort(atomic_file *af)
{
    if (af->fp)
        fclose(af->fp);
    af->fp = NULL;
    remove(af->tmp);
}

int atomic_write(const char *path, const void *data, size_t len, snn_error *err)
{
    atomic_file af;
    if (atomic_open(&af, path, err) != 0)
        return -1;
    if (len && fwrite(data, 1, len, af.fp) != len) {
        atomic_abort(&af);
        return snn_fail(err, "%s: write failed", path);
    }
    return atomic_commit(&af, err);
}

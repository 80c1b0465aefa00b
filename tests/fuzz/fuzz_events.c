/* fuzz_events.c - libFuzzer harness of the spike-event .npz loader
 * (sw/data/events.c). An input that decodes as an archive (sw/format/npz.c) is
 * loaded as an events file. Any other input, which is most mutations of an
 * archive (they break its CRCs), is read as the loader's arrays directly, so
 * that their values reach every check:
 *   byte 0: samples n; byte 1: spikes E; byte 2: flags (bit 0-2: n_units,
 *   n_classes, dt present; bit 3: units as float; bit 4: times as integers);
 *   then E times (float32), E units (int16), n+1 offsets, n labels (uint8),
 *   n_units (int16), n_classes (uint8), dt (float32); bytes past the end read 0.
 * Each is binned into 100 steps, and its first sample into 7. Seeds:
 * tests/fuzz/corpus/events/ (tests/events_npz.py). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../sw/data/events.h"

typedef struct {
    const uint8_t *p;
    size_t n, at;
} cursor;

static uint64_t take(cursor *c, int bytes)
{
    uint64_t v = 0;
    for (int i = 0; i < bytes; i++, c->at++)
        v |= (uint64_t)(c->at < c->n ? c->p[c->at] : 0) << (8 * i);
    return v;
}

static double take_f32(cursor *c)
{
    uint32_t u = (uint32_t)take(c, 4);
    float f;
    memcpy(&f, &u, 4);
    return f;
}

/* Appends an array of `count` values read by `kind` ('f' float32, 'h' int16, 'b' uint8). */
static void add(npz_file *f, const char *name, int ndim, size_t count, char kind, const char *dtype,
                cursor *c)
{
    npz_array *a = &f->arrays[f->n++];
    snprintf(a->name, sizeof a->name, "%s", name);
    memcpy(a->dtype, dtype, sizeof a->dtype);
    a->ndim = ndim;
    a->shape[0] = count;
    a->count = count;
    a->values = malloc(sizeof *a->values * (count ? count : 1));
    for (size_t i = 0; i < count; i++)
        a->values[i] = kind == 'f' ? take_f32(c) : kind == 'h' ? (int16_t)take(c, 2)
                                                               : (double)take(c, 1);
}

static void load(const npz_file *f)
{
    static const int steps[2] = {100, 7};
    for (int i = 0; i < 2; i++) {
        spike_data d;
        if (events_from_npz(f, "fuzz.npz", i, steps[i], &d, NULL) == 0)
            spike_data_free(&d);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    npz_file f;
    if (npz_decode(data, size, "fuzz.npz", &f, NULL) == 0) {
        load(&f);
        npz_free(&f);
        return 0;
    }
    cursor c = {data, size, 0};
    size_t n = take(&c, 1), e = take(&c, 1);
    unsigned flags = (unsigned)take(&c, 1);
    npz_array arrays[7] = {0};
    f = (npz_file){0, arrays};
    add(&f, "times", 1, e, flags & 16 ? 'h' : 'f', flags & 16 ? "<i2" : "<f4", &c);
    add(&f, "units", 1, e, 'h', flags & 8 ? "<f4" : "<i2", &c);
    add(&f, "offsets", 1, n + 1, 'b', "|u1", &c);
    add(&f, "labels", 1, n, 'b', "|u1", &c);
    if (flags & 1)
        add(&f, "n_units", 0, 1, 'h', "<i2", &c);
    if (flags & 2)
        add(&f, "n_classes", 0, 1, 'b', "|u1", &c);
    if (flags & 4)
        add(&f, "dt", 0, 1, 'f', "<f4", &c);
    load(&f);
    for (int i = 0; i < f.n; i++)
        free(arrays[i].values);
    return 0;
}

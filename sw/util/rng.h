/* rng.h - the project's deterministic random numbers.
 *
 * splitmix64 seeds a xoshiro256** stream; normals come from Box-Muller with
 * no cached second value, so a stream's output depends only on its seed and
 * the number of draws. Streams are values: copy one to fork it.
 * Not for the hardware noise generator (see docs/integer-spec.md).
 */
#ifndef SNN_RNG_H
#define SNN_RNG_H

#include <stdint.h>

typedef struct {
    uint64_t s[4];
} snn_rng;

/* A stream determined by (seed, stream_id): distinct ids give independent
 * streams, so parallel work can draw without sharing state. */
void snn_rng_seed(snn_rng *r, uint64_t seed, uint64_t stream_id);
uint64_t snn_rng_u64(snn_rng *r);
double snn_rng_uniform(snn_rng *r);            /* in [0, 1) */
double snn_rng_normal(snn_rng *r);             /* N(0, 1) */
uint32_t snn_rng_below(snn_rng *r, uint32_t n); /* in [0, n) */

#endif

/* rng.c - see rng.h. */
#include "rng.h"

#include <math.h>

static uint64_t splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

void snn_rng_seed(snn_rng *r, uint64_t seed, uint64_t stream_id)
{
    uint64_t x = seed ^ (stream_id * 0xd1b54a32d192ed03ull);
    for (int i = 0; i < 4; i++)
        r->s[i] = splitmix64(&x);
}

uint64_t snn_rng_u64(snn_rng *r)
{
    uint64_t *s = r->s;
    uint64_t result = rotl(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
}

double snn_rng_uniform(snn_rng *r)
{
    return (double)(snn_rng_u64(r) >> 11) * 0x1.0p-53;
}

double snn_rng_normal(snn_rng *r)
{
    double u1 = 1.0 - snn_rng_uniform(r); /* (0, 1]: log() stays finite */
    double u2 = snn_rng_uniform(r);
    return sqrt(-2.0 * log(u1)) * cos(6.283185307179586 * u2);
}

uint32_t snn_rng_below(snn_rng *r, uint32_t n)
{
    return (uint32_t)(((snn_rng_u64(r) >> 32) * (uint64_t)n) >> 32);
}

/* cosim_random.c - see cosim_random.h. */
#include "cosim_random.h"

#include <stdlib.h>
#include <string.h>

#include "../../sw/fixed/qnet_io.h"
#include "../../sw/util/rng.h"

const char *const cosim_case_names[CASE_KINDS] = {"random", "max-weights", "min-theta",
                                                  "all-inputs", "silence"};

/* Uniform integer in [lo, hi]. */
static int uniform(snn_rng *r, int lo, int hi)
{
    return lo + (int)snn_rng_below(r, (uint32_t)(hi - lo + 1));
}

static int min_int(int a, int b)
{
    return a < b ? a : b;
}

/* A threshold spread over many magnitudes (log-uniform), so that some
 * networks barely spike and others spike all the time. */
static int32_t random_theta(snn_rng *r, int hidden_bits)
{
    int bits = uniform(r, 1, hidden_bits - 1);
    int64_t hi = ((int64_t)1 << bits) - 1;
    return (int32_t)(1 + (int64_t)(snn_rng_u64(r) % (uint64_t)hi));
}

/* A layer size: small often (rows of one weight word are the core's tightest timing;
 * the HX8K's core has 8 hidden neurons), up to the build's MAX_HID otherwise. */
static int random_size(snn_rng *r, int max_hidden)
{
    return uniform(r, 1, snn_rng_below(r, 4) ? max_hidden : min_int(16, max_hidden));
}

static void random_layer(snn_rng *r, cosim_case_kind kind, const core_build *b, const qnet *q,
                         qnet_layer *h)
{
    h->size = random_size(r, b->max_hidden);
    /* E:I mixes: all excitatory, all inhibitory, or any split */
    uint32_t mix = snn_rng_below(r, 8);
    h->n_exc = mix < 2 ? h->size : mix == 2 ? 0 : uniform(r, 0, h->size);
    h->recurrent = b->recurrent && snn_rng_below(r, 2);
    h->theta = kind == CASE_MIN_THETA ? 1 : random_theta(r, q->hidden_bits);
    /* decays near the paper's most of the time, anywhere in [0, 4095] otherwise */
    h->alpha_q = snn_rng_below(r, 4) ? uniform(r, 3000, 4095) : uniform(r, 0, 4095);
    h->beta_q = snn_rng_below(r, 4) ? uniform(r, 3300, 4095) : uniform(r, 0, 4095);
}

static void random_net(snn_rng *r, cosim_case_kind kind, const core_build *b, qnet *q)
{
    const int small = kind == CASE_ALL_INPUTS;
    q->n_in = uniform(r, 1, small ? min_int(64, b->max_in) : b->max_in);
    q->n_out = uniform(r, 1, snn_rng_below(r, 3) ? b->max_out : min_int(8, b->max_out));
    q->steps = kind == CASE_SILENCE ? uniform(r, 150, 400) : uniform(r, 1, small ? 30 : 120);
    q->weight_bits = uniform(r, 1, b->weight_bits);
    q->hidden_bits = b->hidden_bits;
    q->readout_bits = b->readout_bits;
    q->noise_bits = !b->noise || snn_rng_below(r, 2) ? 0 : uniform(r, 1, 16);
    q->seed = (uint32_t)snn_rng_u64(r);
    /* depth 1 .. MAX_LAYERS (at most 3), each layer drawn on its own */
    q->n_layers = uniform(r, 1, min_int(3, b->max_layers));
    for (int l = 0; l < q->n_layers; l++)
        random_layer(r, kind, b, q, &q->layer[l]);
    /* the readout: the paper's (layer 0's decays) or its own */
    int own = b->out_decays && snn_rng_below(r, 2);
    q->out_alpha_q = own ? uniform(r, 0, 4095) : q->layer[0].alpha_q;
    q->out_beta_q = own ? uniform(r, 0, 4095) : q->layer[0].beta_q;
    /* a network whose weights the build's memory cannot hold: smaller layers */
    core_bases bases;
    int shrunk = 1;
    while (shrunk && core_build_layout(b, q, &bases) > (uint32_t)b->words) {
        shrunk = 0;
        for (int l = 0; l < q->n_layers; l++) {
            qnet_layer *h = &q->layer[l];
            shrunk |= h->size > 1;
            h->size = (h->size + 1) / 2;
            h->n_exc = min_int(h->n_exc, h->size);
        }
    }
}

static void random_weights(snn_rng *r, cosim_case_kind kind, qnet *q)
{
    const int wmax = (1 << q->weight_bits) - 1;
    /* some networks sparse (many zero weights), some dense; all matrices are one block */
    const uint32_t zero_in_16 = snn_rng_below(r, 16);
    const size_t n = qnet_weight_count(q);
    for (size_t i = 0; i < n; i++)
        q->ff[0][i] = kind == CASE_MAX_WEIGHTS ? (uint16_t)wmax
                      : snn_rng_below(r, 16) < zero_in_16 ? 0
                                                          : (uint16_t)uniform(r, 0, wmax);
}

/* Events of `images` images: per step each input fires with a probability
 * drawn per image; CASE_ALL_INPUTS fires all, CASE_SILENCE only in the first
 * steps and one late burst. */
static int random_events(snn_rng *r, cosim_case_kind kind, int images, const qnet *q,
                         spike_data *data, snn_error *err)
{
    size_t cap = 1024, n = 0;
    uint32_t *ev_sample = malloc(cap * sizeof *ev_sample);
    uint16_t *ev_step = malloc(cap * sizeof *ev_step), *ev_input = malloc(cap * sizeof *ev_input);
    uint8_t *labels = malloc((size_t)images);
    int rc = -1;
    if (!ev_sample || !ev_step || !ev_input || !labels) {
        snn_fail(err, "random events: out of memory");
        goto out;
    }
    for (int s = 0; s < images; s++) {
        labels[s] = (uint8_t)snn_rng_below(r, (uint32_t)(q->n_out < 256 ? q->n_out : 256));
        /* firing probability per input and step, in 1/65536 */
        uint32_t p = kind == CASE_ALL_INPUTS ? 65536 : 1u << uniform(r, 2, 12);
        int quiet_from = kind == CASE_SILENCE ? uniform(r, 1, 10) : q->steps;
        int burst = kind == CASE_SILENCE ? uniform(r, quiet_from, q->steps - 1) : -1;
        for (int t = 0; t < q->steps; t++) {
            if (t >= quiet_from && t != burst)
                continue;
            for (int i = 0; i < q->n_in; i++) {
                if (snn_rng_below(r, 65536) >= p)
                    continue;
                if (n == cap) {
                    cap *= 2;
                    uint32_t *a = realloc(ev_sample, cap * sizeof *a);
                    if (a)
                        ev_sample = a;
                    uint16_t *b = realloc(ev_step, cap * sizeof *b);
                    if (b)
                        ev_step = b;
                    uint16_t *c = realloc(ev_input, cap * sizeof *c);
                    if (c)
                        ev_input = c;
                    if (!a || !b || !c) {
                        snn_fail(err, "random events: out of memory");
                        goto out;
                    }
                }
                ev_sample[n] = (uint32_t)s;
                ev_step[n] = (uint16_t)t;
                ev_input[n] = (uint16_t)i;
                n++;
            }
        }
    }
    rc = spike_data_from_events(images, q->n_in, q->steps, q->n_out, labels, n, ev_sample,
                                ev_step, ev_input, data, err);
    labels = NULL; /* owned by data, or freed on failure */
out:
    free(ev_sample);
    free(ev_step);
    free(ev_input);
    free(labels);
    return rc;
}

int cosim_random_case(uint64_t seed, cosim_case_kind kind, int images, const core_build *b,
                      qnet *q, spike_data *data, snn_error *err)
{
    snn_rng r;
    snn_rng_seed(&r, seed, (uint64_t)kind);
    memset(q, 0, sizeof *q);
    random_net(&r, kind, b, q);
    if (qnet_alloc(q, err) != 0)
        return -1;
    random_weights(&r, kind, q);
    if (qnet_check(q, "random case", err) != 0 ||
        random_events(&r, kind, images, q, data, err) != 0) {
        qnet_free(q);
        return -1;
    }
    return 0;
}

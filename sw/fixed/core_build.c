/* core_build.c - see core_build.h. */
#include "core_build.h"

#include <stdlib.h>
#include <string.h>

int core_build_parse(const char *config, core_build *b, snn_error *err)
{
    /* snn_core.v's defaults (docs/core.md, "Parameters") */
    *b = (core_build){.lanes = 8, .hidden_lanes = 2, .readout_lanes = 1, .weight_bits = 8,
                      .hidden_bits = 24, .readout_bits = 32, .max_in = 784, .max_hidden = 100,
                      .max_out = 10, .max_layers = 1, .noise = 1};
    long words = 0;
    const struct {
        const char *name;
        int *at;
    } params[] = {{"P", &b->lanes}, {"PL", &b->hidden_lanes}, {"RL", &b->readout_lanes},
                  {"B", &b->weight_bits}, {"H", &b->hidden_bits},
                  {"R", &b->readout_bits}, {"MAX_IN", &b->max_in}, {"MAX_HID", &b->max_hidden},
                  {"MAX_OUT", &b->max_out}, {"MAX_LAYERS", &b->max_layers},
                  {"RECURRENT", &b->recurrent}, {"OUT_DECAYS", &b->out_decays},
                  {"NOISE", &b->noise}};
    for (const char *p = config; *p;) {
        while (*p == ' ')
            p++;
        if (!*p)
            break;
        size_t n = strcspn(p, "= ");
        char *end;
        long v = p[n] == '=' ? strtol(p + n + 1, &end, 10) : -1;
        if (p[n] != '=' || end == p + n + 1 || (*end && *end != ' ') || v < 0 || v > 1L << 24)
            return snn_fail(err, "core configuration '%s': '%.*s' is not NAME=number", config,
                            (int)strcspn(p, " "), p);
        if (n == 5 && strncmp(p, "WORDS", 5) == 0)
            words = v;
        for (size_t i = 0; i < sizeof params / sizeof params[0]; i++)
            if (strlen(params[i].name) == n && strncmp(p, params[i].name, n) == 0)
                *params[i].at = (int)v;
        p = end;
    }
    if (b->lanes < 1 || b->max_layers < 1 || b->max_layers > QNET_MAX_LAYERS)
        return snn_fail(err, "core configuration '%s': P must be >= 1, MAX_LAYERS 1..%d", config,
                        QNET_MAX_LAYERS);
    if (b->max_layers > 1 || b->recurrent)
        b->out_decays = 1; /* a general build always has them (docs/core.md) */
    const uint32_t s1 = core_row_words(b->max_hidden, b->lanes);
    b->words = words ? (uint32_t)words
                     : (uint32_t)b->max_in * s1 +
                           (uint32_t)b->max_hidden * core_row_words(b->max_out, b->lanes) +
                           (uint32_t)((b->max_layers - 1) + (b->recurrent ? b->max_layers : 0)) *
                               (uint32_t)b->max_hidden * s1;
    return 0;
}

int core_build_check(const qnet *q, const core_build *b, const char *what, snn_error *err)
{
    if (q->n_layers > b->max_layers)
        return snn_fail(err, "%s: %d hidden layers, the core is built for at most %d (MAX_LAYERS)",
                        what, q->n_layers, b->max_layers);
    for (int l = 0; l < q->n_layers; l++) {
        const qnet_layer *h = &q->layer[l];
        if (h->recurrent && !b->recurrent)
            return snn_fail(err, "%s: hidden layer %d is recurrent, the core is built without "
                            "recurrent layers (RECURRENT=0)", what, l);
        if (h->size < 1 || h->size > b->max_hidden)
            return snn_fail(err, "%s: hidden layer %d has %d neurons, the core holds "
                            "1..%d per layer (MAX_HID)", what, l, h->size, b->max_hidden);
    }
    if (q->n_in > b->max_in || q->n_out > b->max_out || q->n_out < 1)
        return snn_fail(err, "%s: %d inputs and %d outputs, the core holds at most %d and "
                        "%d (MAX_IN, MAX_OUT)", what, q->n_in, q->n_out, b->max_in, b->max_out);
    if (q->weight_bits > b->weight_bits || q->hidden_bits != b->hidden_bits ||
        q->readout_bits != b->readout_bits)
        return snn_fail(err, "%s: widths B=%d H=%d R=%d, the core is built for B<=%d H=%d R=%d",
                        what, q->weight_bits, q->hidden_bits, q->readout_bits, b->weight_bits,
                        b->hidden_bits, b->readout_bits);
    if (q->noise_bits > 0 && !b->noise)
        return snn_fail(err, "%s: the model draws membrane noise (N=%d), the core is built "
                        "without the noise generator (NOISE=0)", what, q->noise_bits);
    if (!b->out_decays &&
        (q->out_alpha_q != q->layer[0].alpha_q || q->out_beta_q != q->layer[0].beta_q))
        return snn_fail(err, "%s: the readout has decays of its own (%d, %d), the core "
                        "decays it by layer 0's (%d, %d) (OUT_DECAYS=0)", what, q->out_alpha_q,
                        q->out_beta_q, q->layer[0].alpha_q, q->layer[0].beta_q);
    if (q->steps > 65535)
        return snn_fail(err, "%s: %d steps, the core takes 1..65535", what, q->steps);
    core_bases bases;
    uint32_t words = core_build_layout(b, q, &bases);
    if (words > b->words)
        return snn_fail(err, "%s: the weights take %u words of %d magnitudes, the core's "
                        "weight memory holds %u (WORDS)", what, (unsigned)words, b->lanes,
                        (unsigned)b->words);
    return 0;
}

uint32_t core_build_layout(const core_build *b, const qnet *q, core_bases *bases)
{
    const uint32_t s1 = core_row_words(b->max_hidden, b->lanes);
    memset(bases, 0, sizeof *bases);
    bases->ff[q->n_layers] = (uint32_t)b->max_in * s1;
    uint32_t next = bases->ff[q->n_layers] + (uint32_t)b->max_hidden * core_row_words(b->max_out, b->lanes);
    for (int l = 0; l < q->n_layers; l++) {
        if (l > 0) {
            bases->ff[l] = next;
            next += (uint32_t)q->layer[l - 1].size * s1;
        }
        if (q->layer[l].recurrent) {
            bases->rec[l] = next;
            next += (uint32_t)q->layer[l].size * s1;
        }
    }
    return next;
}

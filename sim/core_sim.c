/* core_sim.c - see core_sim.h: the host side of the core's protocol, in C.
 *
 * Everything here talks to the core through its ports only (core_shim.h),
 * exactly as a board top level would: register and weight writes, the event
 * stream with end-of-step markers, the spike port, reads. Not here: pins
 * and clock (core_shim.cpp), checking results (sim/cosim/).
 */
#include "core_sim.h"

#include <stdlib.h>
#include <string.h>

#include "core_shim.h"

enum {
    REG = 1u << 23,  /* wr_addr bit 23: a register write */
    /* global registers (docs/core.md, "Registers") */
    REG_N_IN = 0x0, REG_N_OUT = 0x2, REG_STEPS = 0x4, REG_NOISE_BITS = 0x8, REG_SEED = 0x9,
    REG_OUT_ALPHA = 0xA, REG_OUT_BETA = 0xB, REG_N_LAYERS = 0xC, REG_START = 0xF,
    /* layer l's at 0x10 * (l + 1) + these */
    REG_SIZE = 0x1, REG_N_EXC = 0x3, REG_THETA = 0x5, REG_ALPHA = 0x6, REG_BETA = 0x7,
    REG_RECURRENT = 0xC, REG_FF_BASE = 0xD, REG_REC_BASE = 0xE,
    RD_MAX = 0x0000, RD_OUT = 0x1000, RD_MEM = 0x2000, RD_SYN = 0x3000,
    RD_PREDICTION = 0x8000, RD_CYCLES, RD_SPIKES, RD_WIDTHS, RD_SIZES, RD_WORDS,
    LAYER_FIELD = 10, /* neuron j of layer l: (l << 10) + j on the spike port and in reads */
};

struct core_sim {
    core_shim *shim;
    core_pins_in in;
    core_pins_out out;
    core_build build;
    uint64_t cycles;
    int n_out, steps, n_layers, total; /* of the loaded network */
    int offset[QNET_MAX_LAYERS], size[QNET_MAX_LAYERS]; /* layers in spike records */
    int max_words;                     /* most words of a row (for the hang limit) */
    int trace_open, trace_first, trace_last;
    int probe_step, probe_layer, probe_neuron;
    int64_t *probe_mem, *probe_syn;
};

/* One clock cycle with the current inputs; write and read strobes last one cycle. */
static void tick(core_sim *s)
{
    core_shim_tick(s->shim, &s->in, &s->out);
    s->cycles++;
    s->in.wr_en = 0;
    s->in.rd_en = 0;
}

static void write_word(core_sim *s, uint32_t addr, uint32_t data)
{
    s->in.wr_en = 1;
    s->in.wr_addr = addr;
    s->in.wr_data = data;
    tick(s);
}

/* A host read (docs/core.md read map): the value shows two cycles later. */
static int64_t read_word(core_sim *s, uint16_t addr)
{
    s->in.rd_en = 1;
    s->in.rd_addr = addr;
    tick(s);
    tick(s);
    return (int64_t)s->out.rd_data;
}

core_sim *core_sim_new(snn_error *err)
{
    core_sim *s = calloc(1, sizeof *s);
    if (!s || !(s->shim = core_shim_new())) {
        free(s);
        snn_fail(err, "core_sim: out of memory");
        return NULL;
    }
    s->probe_step = -1;
    s->in.rst = 1;
    for (int i = 0; i < 4; i++)
        tick(s);
    s->in.rst = 0;
    tick(s);
    uint64_t widths = (uint64_t)read_word(s, RD_WIDTHS), sizes = (uint64_t)read_word(s, RD_SIZES);
    s->build = (core_build){
        .hidden_lanes = (int)(widths >> 40 & 0xff), .readout_lanes = (int)(widths >> 32 & 0xff),
        .lanes = (int)(widths >> 24 & 0xff), .weight_bits = (int)(widths >> 16 & 0xff),
        .hidden_bits = (int)(widths >> 8 & 0xff), .readout_bits = (int)(widths & 0xff),
        .max_in = (int)(sizes >> 32 & 0xffff), .max_hidden = (int)(sizes >> 16 & 0xffff),
        .max_out = (int)(sizes & 0xffff), .noise = (int)(widths >> 48 & 1),
        .recurrent = (int)(widths >> 49 & 1), .out_decays = (int)(widths >> 50 & 1),
        .max_layers = (int)(widths >> 52 & 0xf),
    };
    s->build.words = (uint32_t)read_word(s, RD_WORDS);
    return s;
}

void core_sim_free(core_sim *s)
{
    if (!s)
        return;
    core_shim_free(s->shim);
    free(s);
}

core_build core_sim_params(const core_sim *s)
{
    return s->build;
}

uint64_t core_sim_cycles(const core_sim *s)
{
    return s->cycles;
}

/* Writes matrix m (rows x cols magnitudes) at word `base`, `stride` words per row;
 * the padding lanes of the words it uses are written as 0. */
static void write_matrix(core_sim *s, const uint16_t *m, int rows, int cols, uint32_t base,
                         uint32_t stride)
{
    const uint32_t p = (uint32_t)s->build.lanes, lanes = core_row_words(cols, (int)p) * p;
    for (uint32_t i = 0; i < (uint32_t)rows; i++)
        for (uint32_t j = 0; j < lanes; j++)
            write_word(s, (base + i * stride + j / p) * p + j % p,
                       j < (uint32_t)cols ? m[i * (uint32_t)cols + j] : 0);
}

int core_sim_load(core_sim *s, const qnet *q, const char *what, snn_error *err)
{
    const core_build *b = &s->build;
    if (core_build_check(q, b, what, err) != 0)
        return -1;
    core_bases bases;
    core_build_layout(b, q, &bases);

    const uint32_t globals[][2] = {
        {REG_N_IN, (uint32_t)q->n_in}, {REG_N_OUT, (uint32_t)q->n_out},
        {REG_STEPS, (uint32_t)q->steps}, {REG_NOISE_BITS, (uint32_t)q->noise_bits},
        {REG_SEED, q->seed}, {REG_OUT_ALPHA, (uint32_t)q->out_alpha_q},
        {REG_OUT_BETA, (uint32_t)q->out_beta_q}, {REG_N_LAYERS, (uint32_t)q->n_layers},
    };
    for (size_t r = 0; r < sizeof globals / sizeof globals[0]; r++)
        write_word(s, REG | globals[r][0], globals[r][1]);
    const uint32_t s1 = core_row_words(b->max_hidden, b->lanes), s2 = core_row_words(b->max_out, b->lanes);
    s->total = 0;
    s->max_words = (int)s1;
    for (int l = 0; l < q->n_layers; l++) {
        const qnet_layer *h = &q->layer[l];
        const uint32_t regs[][2] = {
            {REG_SIZE, (uint32_t)h->size}, {REG_N_EXC, (uint32_t)h->n_exc},
            {REG_THETA, (uint32_t)h->theta}, {REG_ALPHA, (uint32_t)h->alpha_q},
            {REG_BETA, (uint32_t)h->beta_q}, {REG_RECURRENT, (uint32_t)h->recurrent},
            {REG_FF_BASE, bases.ff[l]}, {REG_REC_BASE, bases.rec[l]},
        };
        for (size_t r = 0; r < sizeof regs / sizeof regs[0]; r++)
            write_word(s, REG | (0x10u * (uint32_t)(l + 1) + regs[r][0]), regs[r][1]);
        write_matrix(s, q->ff[l], qnet_ff_rows(q, l), h->size, bases.ff[l], s1);
        if (h->recurrent)
            write_matrix(s, q->rec[l], h->size, h->size, bases.rec[l], s1);
        s->offset[l] = s->total;
        s->size[l] = h->size;
        s->total += h->size;
    }
    write_matrix(s, q->ff[q->n_layers], qnet_ff_rows(q, q->n_layers), q->n_out,
                 bases.ff[q->n_layers], s2);
    s->n_layers = q->n_layers;
    s->n_out = q->n_out;
    s->steps = q->steps;
    return 0;
}

int core_sim_trace_open(core_sim *s, const char *path, snn_error *err)
{
    if (core_shim_trace_open(s->shim, path) != 0)
        return snn_fail(err, "%s: cannot open for writing", path);
    s->trace_open = 1;
    s->trace_first = 0;
    s->trace_last = 1 << 30;
    return 0;
}

void core_sim_trace_steps(core_sim *s, int first_step, int last_step)
{
    s->trace_first = first_step;
    s->trace_last = last_step;
}

void core_sim_trace_close(core_sim *s)
{
    core_shim_trace_close(s->shim);
    s->trace_open = 0;
}

void core_sim_probe(core_sim *s, int step, int layer, int neuron, int64_t *mem, int64_t *syn)
{
    s->probe_step = step;
    s->probe_layer = layer;
    s->probe_neuron = neuron;
    s->probe_mem = mem;
    s->probe_syn = syn;
}

/* Records the spikes on the spike port after a cycle; -1 if one is impossible. */
static int take_spikes(core_sim *s, uint8_t *spikes, snn_error *err)
{
    if (!s->out.spk_valid)
        return 0;
    const int layer = s->out.spk_base >> LAYER_FIELD, t = s->out.spk_step;
    for (int l = 0; l < s->build.lanes; l++) {
        if (!(s->out.spk_mask >> l & 1))
            continue;
        int j = (s->out.spk_base & ((1 << LAYER_FIELD) - 1)) + l;
        if (layer >= s->n_layers || j >= s->size[layer] || t >= s->steps)
            return snn_fail(err, "core: spike of layer %d neuron %d at step %d, outside the "
                            "network (%d layers, %d steps)", layer, j, t, s->n_layers, s->steps);
        if (spikes)
            spikes[(size_t)t * s->total + s->offset[layer] + j] = 1;
    }
    return 0;
}

int core_sim_run_image(core_sim *s, const uint16_t *events, const uint32_t *step_start,
                       uint32_t image_index, uint8_t *spikes, core_sim_result *res,
                       snn_error *err)
{
    if (spikes)
        memset(spikes, 0, (size_t)s->steps * s->total);
    memset(res, 0, sizeof *res);
    const int whole = s->trace_first <= 0 && s->trace_last >= s->steps - 1;
    core_shim_trace_dump(s->shim, s->trace_open && whole);
    write_word(s, REG | REG_START, image_index);

    /* A generous bound on the cycles an image may take, to stop a hung core: every
     * event a row, every neuron of every layer a spike and a recurrent row per step. */
    uint64_t limit = 1000 + ((uint64_t)(step_start[s->steps] - step_start[0]) * s->max_words +
                             (uint64_t)s->steps * ((uint64_t)s->total * (2 * s->max_words + 4) +
                                                   (uint64_t)s->n_out * 4 + 64)) * 4;
    uint64_t start = s->cycles;
    int t = 0;
    uint32_t e = step_start[0];
    int ready = s->out.ev_ready;
    while (!s->out.done) {
        if (s->cycles - start > limit)
            return snn_fail(err, "core: image %u not done after %llu cycles (step %d)",
                            image_index, (unsigned long long)(s->cycles - start), t);
        if (t == s->probe_step && ready && e == step_start[t]) {
            s->in.ev_valid = 0; /* no event offered while reading */
            uint16_t j = (uint16_t)((s->probe_layer << LAYER_FIELD) + s->probe_neuron);
            *s->probe_mem = read_word(s, (uint16_t)(RD_MEM + j));
            *s->probe_syn = read_word(s, (uint16_t)(RD_SYN + j));
            s->probe_step = -1;
            ready = s->out.ev_ready;
        }
        if (s->trace_open && !whole)
            core_shim_trace_dump(s->shim, t >= s->trace_first && t <= s->trace_last + 1);
        s->in.ev_valid = t < s->steps;
        s->in.ev_end = s->in.ev_valid && e == step_start[t + 1];
        s->in.ev_index = s->in.ev_valid && !s->in.ev_end ? events[e] : 0;
        int offered = s->in.ev_valid;
        tick(s);
        if (offered && ready) {
            if (s->in.ev_end)
                t++;
            else
                e++;
        }
        ready = s->out.ev_ready;
        if (take_spikes(s, spikes, err) != 0)
            return -1;
    }
    s->in.ev_valid = 0;
    core_shim_trace_dump(s->shim, 0);

    res->prediction = s->out.prediction;
    for (int k = 0; k < s->n_out; k++) {
        res->max_out[k] = read_word(s, (uint16_t)(RD_MAX + k));
        res->final_out[k] = read_word(s, (uint16_t)(RD_OUT + k));
    }
    res->cycles = (uint64_t)read_word(s, RD_CYCLES);
    res->n_spikes = (uint32_t)read_word(s, RD_SPIKES);
    if (t != s->steps)
        return snn_fail(err, "core: image %u done after %d of %d steps", image_index, t, s->steps);
    return 0;
}

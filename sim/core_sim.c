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
    REG_N_IN = 0x0, REG_N_HID, REG_N_OUT, REG_N_EXC, REG_STEPS, REG_THETA, REG_ALPHA,
    REG_BETA, REG_NOISE_BITS, REG_SEED, REG_START = 0xF,
    RD_MAX = 0x0000, RD_OUT = 0x1000, RD_MEM = 0x2000, RD_SYN = 0x3000,
    RD_PREDICTION = 0x8000, RD_CYCLES, RD_SPIKES, RD_WIDTHS, RD_SIZES,
};

struct core_sim {
    core_shim *shim;
    core_pins_in in;
    core_pins_out out;
    core_sim_build build;
    uint64_t cycles;
    int n_hidden, n_out, steps; /* of the loaded network */
    int trace_open, trace_first, trace_last;
    int probe_step, probe_neuron;
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
    s->build = (core_sim_build){
        .hidden_lanes = (int)(widths >> 40 & 0xff), .readout_lanes = (int)(widths >> 32 & 0xff),
        .lanes = (int)(widths >> 24 & 0xff), .weight_bits = (int)(widths >> 16 & 0xff),
        .hidden_bits = (int)(widths >> 8 & 0xff), .readout_bits = (int)(widths & 0xff),
        .max_in = (int)(sizes >> 32 & 0xffff), .max_hidden = (int)(sizes >> 16 & 0xffff),
        .max_out = (int)(sizes & 0xffff), .noise = (int)(widths >> 48 & 1),
    };
    return s;
}

void core_sim_free(core_sim *s)
{
    if (!s)
        return;
    core_shim_free(s->shim);
    free(s);
}

core_sim_build core_sim_params(const core_sim *s)
{
    return s->build;
}

uint64_t core_sim_cycles(const core_sim *s)
{
    return s->cycles;
}

int core_sim_load(core_sim *s, const qnet *q, const char *what, snn_error *err)
{
    const core_sim_build *b = &s->build;
    if (qnet_require_single_layer(q, what, "the RTL core", err) != 0)
        return -1;
    const qnet_layer *h = &q->layer[0];
    const uint16_t *w1 = q->ff[0], *w2 = q->ff[1];
    if (q->n_in > b->max_in || h->size > b->max_hidden || q->n_out > b->max_out)
        return snn_fail(err, "%s: network %dx%dx%d exceeds the core's %dx%dx%d", what, q->n_in,
                        h->size, q->n_out, b->max_in, b->max_hidden, b->max_out);
    if (q->weight_bits > b->weight_bits || q->hidden_bits != b->hidden_bits ||
        q->readout_bits != b->readout_bits)
        return snn_fail(err, "%s: widths B=%d H=%d R=%d, the core was built for B<=%d H=%d R=%d",
                        what, q->weight_bits, q->hidden_bits, q->readout_bits, b->weight_bits,
                        b->hidden_bits, b->readout_bits);
    if (q->noise_bits > 0 && !b->noise)
        return snn_fail(err, "%s: the model draws membrane noise (N=%d), but the core was built "
                        "without the noise generator (NOISE=0)", what, q->noise_bits);
    if (q->steps > 65535 || q->n_out < 1 || h->size < 1)
        return snn_fail(err, "%s: %d steps, %d hidden, %d outputs: the core takes 1..65535 steps "
                        "and at least one neuron per layer", what, q->steps, h->size, q->n_out);
    const uint32_t regs[][2] = {
        {REG_N_IN, (uint32_t)q->n_in}, {REG_N_HID, (uint32_t)h->size},
        {REG_N_OUT, (uint32_t)q->n_out}, {REG_N_EXC, (uint32_t)h->n_exc},
        {REG_STEPS, (uint32_t)q->steps}, {REG_THETA, (uint32_t)h->theta},
        {REG_ALPHA, (uint32_t)h->alpha_q}, {REG_BETA, (uint32_t)h->beta_q},
        {REG_NOISE_BITS, (uint32_t)q->noise_bits}, {REG_SEED, q->seed},
    };
    for (size_t r = 0; r < sizeof regs / sizeof regs[0]; r++)
        write_word(s, REG | regs[r][0], regs[r][1]);

    /* docs/core.md: w1[i][j] in word i*S1 + j/P, lane j%P; w2 after MAX_IN*S1 words.
     * The padding lanes of used words are written as 0. */
    const uint32_t p = (uint32_t)b->lanes;
    const uint32_t s1 = ((uint32_t)b->max_hidden + p - 1) / p, s2 = ((uint32_t)b->max_out + p - 1) / p;
    const uint32_t hid_lanes = ((uint32_t)h->size + p - 1) / p * p;
    const uint32_t out_lanes = ((uint32_t)q->n_out + p - 1) / p * p;
    for (uint32_t i = 0; i < (uint32_t)q->n_in; i++)
        for (uint32_t j = 0; j < hid_lanes; j++)
            write_word(s, (i * s1 + j / p) * p + j % p,
                       j < (uint32_t)h->size ? w1[i * h->size + j] : 0);
    const uint32_t w2_base = (uint32_t)b->max_in * s1;
    for (uint32_t j = 0; j < (uint32_t)h->size; j++)
        for (uint32_t k = 0; k < out_lanes; k++)
            write_word(s, (w2_base + j * s2 + k / p) * p + k % p,
                       k < (uint32_t)q->n_out ? w2[j * q->n_out + k] : 0);
    s->n_hidden = h->size;
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

void core_sim_probe(core_sim *s, int step, int neuron, int64_t *mem, int64_t *syn)
{
    s->probe_step = step;
    s->probe_neuron = neuron;
    s->probe_mem = mem;
    s->probe_syn = syn;
}

/* Records the spikes on the spike port after a cycle; -1 if one is impossible. */
static int take_spikes(core_sim *s, uint8_t *spikes, snn_error *err)
{
    if (!s->out.spk_valid)
        return 0;
    for (int l = 0; l < s->build.lanes; l++) {
        if (!(s->out.spk_mask >> l & 1))
            continue;
        int j = s->out.spk_base + l, t = s->out.spk_step;
        if (j >= s->n_hidden || t >= s->steps)
            return snn_fail(err, "core: spike of neuron %d at step %d, outside the %d x %d network",
                            j, t, s->n_hidden, s->steps);
        if (spikes)
            spikes[(size_t)t * s->n_hidden + j] = 1;
    }
    return 0;
}

int core_sim_run_image(core_sim *s, const uint16_t *events, const uint32_t *step_start,
                       uint32_t image_index, uint8_t *spikes, core_sim_result *res,
                       snn_error *err)
{
    if (spikes)
        memset(spikes, 0, (size_t)s->steps * s->n_hidden);
    memset(res, 0, sizeof *res);
    const int whole = s->trace_first <= 0 && s->trace_last >= s->steps - 1;
    core_shim_trace_dump(s->shim, s->trace_open && whole);
    write_word(s, REG | REG_START, image_index);

    /* A generous bound on the cycles an image may take, to stop a hung core. */
    uint64_t limit = 1000 + (uint64_t)(step_start[s->steps] - step_start[0] + s->steps) *
                                (uint64_t)(s->n_hidden + s->n_out + 64) * 4;
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
            *s->probe_mem = read_word(s, (uint16_t)(RD_MEM + s->probe_neuron));
            *s->probe_syn = read_word(s, (uint16_t)(RD_SYN + s->probe_neuron));
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

// core_shim.cpp - see core_shim.h: the C face of the Verilated snn_core.
// Kept to pin copying and the clock; everything else is C.
#include "core_shim.h"

#include <new>

#include "Vsnn_core.h"
#include "verilated.h"
#include "verilated_fst_c.h"

struct core_shim {
    VerilatedContext ctx;
    Vsnn_core *top;
    VerilatedFstC *fst;
    int dumping;
    uint64_t time; // in half cycles
};

extern "C" core_shim *core_shim_new(void)
{
    core_shim *s = new (std::nothrow) core_shim;
    if (!s)
        return nullptr;
    s->ctx.traceEverOn(true);
    s->top = new (std::nothrow) Vsnn_core(&s->ctx);
    s->fst = nullptr;
    s->dumping = 0;
    s->time = 0;
    if (!s->top) {
        delete s;
        return nullptr;
    }
    s->top->clk = 0;
    s->top->eval();
    return s;
}

extern "C" void core_shim_free(core_shim *s)
{
    if (!s)
        return;
    core_shim_trace_close(s);
    s->top->final();
    delete s->top;
    delete s;
}

static void half_cycle(core_shim *s, int clk)
{
    s->top->clk = clk;
    s->top->eval();
    s->time++;
    if (s->fst && s->dumping)
        s->fst->dump(s->time);
}

extern "C" void core_shim_tick(core_shim *s, const core_pins_in *in, core_pins_out *out)
{
    Vsnn_core *t = s->top;
    half_cycle(s, 0);
    t->rst = in->rst;
    t->wr_en = in->wr_en;
    t->wr_addr = in->wr_addr;
    t->wr_data = in->wr_data;
    t->ev_valid = in->ev_valid;
    t->ev_end = in->ev_end;
    t->ev_index = in->ev_index;
    t->rd_en = in->rd_en;
    t->rd_addr = in->rd_addr;
    half_cycle(s, 1);
    out->ev_ready = t->ev_ready;
    out->spk_valid = t->spk_valid;
    out->spk_step = t->spk_step;
    out->spk_base = t->spk_base;
    out->spk_mask = t->spk_mask;
    out->busy = t->busy;
    out->done = t->done;
    out->prediction = t->prediction;
    out->rd_valid = t->rd_valid;
    out->rd_data = t->rd_data;
}

extern "C" int core_shim_trace_open(core_shim *s, const char *path)
{
    core_shim_trace_close(s);
    s->fst = new (std::nothrow) VerilatedFstC;
    if (!s->fst)
        return -1;
    s->top->trace(s->fst, 99);
    s->fst->open(path);
    if (!s->fst->isOpen()) {
        delete s->fst;
        s->fst = nullptr;
        return -1;
    }
    return 0;
}

extern "C" void core_shim_trace_dump(core_shim *s, int on)
{
    s->dumping = on;
}

extern "C" void core_shim_trace_close(core_shim *s)
{
    if (!s->fst)
        return;
    s->fst->close();
    delete s->fst;
    s->fst = nullptr;
}

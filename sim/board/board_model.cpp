// board_model.cpp - the C API of board_model.h over the Verilated board_system.
#include "board_model.h"

#include <new>

#include "Vboard_system.h"
#include "verilated.h"

struct board_model {
    VerilatedContext ctx;
    Vboard_system top;
    board_model() : top(&ctx) {}
};

extern "C" board_model *board_model_new(void)
{
    board_model *m = new (std::nothrow) board_model;
    if (!m)
        return nullptr;
    m->top.uart_rx = 1;
    m->top.rst = 1;
    for (int i = 0; i < 8; i++)
        board_model_clock(m, 1);
    m->top.rst = 0;
    return m;
}

extern "C" void board_model_free(board_model *m)
{
    if (m)
        m->top.final();
    delete m;
}

extern "C" int board_model_clock(board_model *m, int rx)
{
    m->top.uart_rx = rx ? 1 : 0;
    m->top.clk = 0;
    m->top.eval();
    m->top.clk = 1;
    m->top.eval();
    return m->top.uart_tx;
}

extern "C" int board_model_running(const board_model *m)
{
    return m->top.running;
}

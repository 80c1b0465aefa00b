// board_model_netlist.cpp - board_model.h over the Verilated board netlist: the
// bitstream's synthesized top (sim/netlist/netlist.mk), pins and all.
//
// The same C API as sim/board/board_model.cpp, so the same line bridge (board_sim.c)
// drives it. The netlist has the top's pins, not board_system's: the clock enters at
// the oscillator pin (the stubbed PLL passes it through), reset comes from power-up
// and the button (board_reset.v inside the netlist), and `running` is the red LED.
#include "../board/board_model.h"

#include <new>

#include "Vnetlist_board.h"
#include "verilated.h"

// Clocks of a button press and after it: the reset's synchronisers and hold count
// (rtl/board/board_reset.v, HOLD_CLKS = 15) end well within them.
enum { PRESS_CLOCKS = 8, SETTLE_CLOCKS = 64 };

struct board_model {
    VerilatedContext ctx;
    Vnetlist_board top;
    board_model() : top(&ctx) {}
};

extern "C" board_model *board_model_new(void)
{
    board_model *m = new (std::nothrow) board_model;
    if (!m)
        return nullptr;
    // Power-up holds reset until the PLL locks; the button press makes it explicit.
    m->top.RX = 1;
    m->top.BTN_N = 0;
    for (int i = 0; i < PRESS_CLOCKS; i++)
        board_model_clock(m, 1);
    m->top.BTN_N = 1;
    for (int i = 0; i < SETTLE_CLOCKS; i++)
        board_model_clock(m, 1);
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
    m->top.RX = rx ? 1 : 0;
    m->top.CLK = 0;
    m->top.eval();
    m->top.CLK = 1;
    m->top.eval();
    return m->top.TX;
}

extern "C" int board_model_running(const board_model *m)
{
    return !m->top.LEDR_N;
}

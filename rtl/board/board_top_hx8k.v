// board_top_hx8k.v - the iCE40-HX8K breakout board (iCE40HX8K-CT256): pins, PLL,
// reset around board_system. Only wiring; pins in constraints/hx8k.pcf.
//
// The HX8K has no SPRAM and no DSP: the weights live in its 32 block RAMs and the
// decays are multiplied in logic, so this build holds a smaller network with narrower
// registers (MAX_*, H, R: set by constraints/constraints.mk; quantize to match).
// LED D2: a verified model is loaded; D3: an image is being classified.
`default_nettype none

module board_top_hx8k #(
    // The defaults are the shipped build (constraints/constraints.mk: hx8k_MHZ,
    // BOARD_BAUD, CORE_CONFIG_hx8k), so that this top synthesised alone fits the HX8K
    // and meets timing; make bitstream sets the same values, and make test checks that
    // they agree (tests/board_top_defaults.sh).
    parameter integer CLK_HZ = 15938000,   // PLL output; must match DIVR/DIVF/DIVQ (icepll -o 16)
    parameter integer BAUD = 4000000,    // 4 clocks per bit, 0.4% slow
    parameter integer BYPASS = 0,          // 1: no PLL, the core runs at 12 MHz
    parameter [3:0] DIVR = 4'd0,
    parameter [6:0] DIVF = 7'd84,
    parameter [2:0] DIVQ = 3'd6,
    parameter [2:0] FILTER_RANGE = 3'd1,
    parameter integer P = 2,               // core lanes and sizes (docs/core.md)
    parameter integer PL = 1,
    parameter integer RL = 1,
    parameter integer B = 8,
    parameter integer H = 16,
    parameter integer R = 16,
    parameter integer MAX_IN = 784,
    parameter integer MAX_HID = 8,
    parameter integer MAX_OUT = 10
) (
    input  wire       CLK,    // 12 MHz oscillator, J3
    input  wire       RX,     // from the FTDI channel B (its TXD), B10
    output wire       TX,     // to the FTDI channel B (its RXD), B12
    output wire [7:0] LED     // D2..D9, active high
);
    wire clk, locked, rst, model_valid, running;

    board_pll #(.BYPASS(BYPASS), .PAD(0), .DIVR(DIVR), .DIVF(DIVF), .DIVQ(DIVQ), .FILTER_RANGE(FILTER_RANGE))
        pll (.clk_in(CLK), .clk_out(clk), .locked(locked));
    board_reset reset (.clk(clk), .pll_locked(locked), .button_n(1'b1), .rst(rst));
    board_system #(
        .CLK_HZ(CLK_HZ), .BAUD(BAUD), .BOARD_ID(2), .P(P), .PL(PL), .RL(RL), .B(B), .H(H), .R(R),
        .MAX_IN(MAX_IN), .MAX_HID(MAX_HID), .MAX_OUT(MAX_OUT)
    ) system (
        .clk(clk), .rst(rst), .uart_rx(RX), .uart_tx(TX),
        .model_valid(model_valid), .running(running));

    assign LED = {6'd0, running, model_valid};
endmodule

`default_nettype wire

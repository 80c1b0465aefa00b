// board_top_icebreaker.v - the iCEBreaker (iCE40UP5K-SG48): pins, PLL, reset around
// board_system. Only wiring; pins in constraints/icebreaker.pcf.
//
// Green LED: a verified model is loaded. Red LED: an image is being classified.
// The user button resets the board (the weights in SPRAM survive a reset, the
// "model valid" flag does not: deploy again).
`default_nettype none

module board_top_icebreaker #(
    // The defaults are the shipped build (constraints/constraints.mk: icebreaker_MHZ,
    // BOARD_BAUD, CORE_CONFIG_icebreaker), so that this top synthesised alone fits the
    // UP5K and meets timing; make bitstream sets the same values, and make test checks
    // that they agree (tests/board_top_defaults.sh).
    parameter integer CLK_HZ = 18000000,   // PLL output; must match DIVR/DIVF/DIVQ (icepll -o 18)
    parameter integer BAUD = 6000000,    // 3 clocks per bit
    parameter integer BYPASS = 0,          // 1: no PLL, the core runs at 12 MHz
    parameter [3:0] DIVR = 4'd0,
    parameter [6:0] DIVF = 7'd47,
    parameter [2:0] DIVQ = 3'd5,
    parameter [2:0] FILTER_RANGE = 3'd1,
    parameter integer P = 8,               // core lanes (docs/core.md)
    parameter integer PL = 4,
    parameter integer RL = 1,
    parameter integer H = 16,              // hidden / readout register bits (quantize to match)
    parameter integer R = 16,
    parameter integer NOISE = 0,           // 0: no noise generator (room for lanes)
    parameter integer MAX_LAYERS = 1,      // the general build (icebreaker-deep): layers,
    parameter integer RECURRENT = 0,       // recurrence (docs/core.md)
    parameter integer MAX_HID = 100
) (
    input  wire CLK,      // 12 MHz oscillator, pin 35
    input  wire RX,       // from the FTDI (its TXD), pin 6
    output wire TX,       // to the FTDI (its RXD), pin 9
    input  wire BTN_N,    // user button, active low, pin 10
    output wire LEDR_N,   // red LED, active low, pin 11
    output wire LEDG_N    // green LED, active low, pin 37
);
    wire clk, locked, rst, model_valid, running;

    board_pll #(.BYPASS(BYPASS), .PAD(1), .DIVR(DIVR), .DIVF(DIVF), .DIVQ(DIVQ), .FILTER_RANGE(FILTER_RANGE))
        pll (.clk_in(CLK), .clk_out(clk), .locked(locked));
    board_reset reset (.clk(clk), .pll_locked(locked), .button_n(BTN_N), .rst(rst));
    board_system #(.CLK_HZ(CLK_HZ), .BAUD(BAUD), .BOARD_ID(1), .P(P), .PL(PL), .RL(RL),
                   .H(H), .R(R), .NOISE(NOISE), .MAX_LAYERS(MAX_LAYERS),
                   .RECURRENT(RECURRENT), .MAX_HID(MAX_HID)) system (
        .clk(clk), .rst(rst), .uart_rx(RX), .uart_tx(TX),
        .model_valid(model_valid), .running(running));

    assign LEDG_N = !model_valid;
    assign LEDR_N = !running;
endmodule

`default_nettype wire

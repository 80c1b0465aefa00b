// ice40_pll_stub.v - the iCE40 PLLs for the netlist simulation: the input clock passed
// through, LOCK high while the PLL is out of reset.
//
// Yosys's cells_sim.v has the PLLs as empty blackboxes (their analog part has no model),
// so sim/netlist/ replaces them with these: the simulated netlist's clock is the PLL's
// output clock (the bitstream's core clock), and the board's reset logic
// (rtl/board/board_reset.v) still runs its LOCK synchroniser and hold count.
// Only the pins the board tops connect are declared: Verilator's PINMISSING and
// PINNOTFOUND (errors in sim/netlist/netlist.mk) then catch a netlist that uses the PLL
// otherwise (a second output, feedback, the dynamic delay), which this stub would not
// model. The parameters are cells_sim.v's, so that any setting elaborates.
`default_nettype none

module SB_PLL40_CORE (
    input  wire REFERENCECLK,
    output wire PLLOUTGLOBAL,
    output wire LOCK,
    input  wire BYPASS,
    input  wire RESETB
);
    parameter FEEDBACK_PATH = "SIMPLE";
    parameter DELAY_ADJUSTMENT_MODE_FEEDBACK = "FIXED";
    parameter DELAY_ADJUSTMENT_MODE_RELATIVE = "FIXED";
    parameter SHIFTREG_DIV_MODE = 1'b0;
    parameter FDA_FEEDBACK = 4'b0000;
    parameter FDA_RELATIVE = 4'b0000;
    parameter PLLOUT_SELECT = "GENCLK";
    parameter DIVR = 4'b0000;
    parameter DIVF = 7'b0000000;
    parameter DIVQ = 3'b000;
    parameter FILTER_RANGE = 3'b000;
    parameter ENABLE_ICEGATE = 1'b0;
    parameter TEST_MODE = 1'b0;
    parameter EXTERNAL_DIVIDE_FACTOR = 1;
    wire unused = BYPASS;
    assign PLLOUTGLOBAL = REFERENCECLK;
    assign LOCK = RESETB;
endmodule

module SB_PLL40_PAD (
    input  wire PACKAGEPIN,
    output wire PLLOUTGLOBAL,
    output wire LOCK,
    input  wire BYPASS,
    input  wire RESETB
);
    parameter FEEDBACK_PATH = "SIMPLE";
    parameter DELAY_ADJUSTMENT_MODE_FEEDBACK = "FIXED";
    parameter DELAY_ADJUSTMENT_MODE_RELATIVE = "FIXED";
    parameter SHIFTREG_DIV_MODE = 1'b0;
    parameter FDA_FEEDBACK = 4'b0000;
    parameter FDA_RELATIVE = 4'b0000;
    parameter PLLOUT_SELECT = "GENCLK";
    parameter DIVR = 4'b0000;
    parameter DIVF = 7'b0000000;
    parameter DIVQ = 3'b000;
    parameter FILTER_RANGE = 3'b000;
    parameter ENABLE_ICEGATE = 1'b0;
    parameter TEST_MODE = 1'b0;
    parameter EXTERNAL_DIVIDE_FACTOR = 1;
    wire unused = BYPASS;
    assign PLLOUTGLOBAL = PACKAGEPIN;
    assign LOCK = RESETB;
endmodule

`default_nettype wire

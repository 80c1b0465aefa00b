// board_pll.v - the iCE40 PLL: the 12 MHz oscillator in, the core clock out.
//
// DIVR/DIVF/DIVQ/FILTER_RANGE come from `icepll -i 12 -o <MHz>` (constraints/
// constraints.mk computes them and passes them in). PAD = 1 uses SB_PLL40_PAD,
// for an oscillator on the PLL's own input pad (iCEBreaker pin 35); PAD = 0 uses
// SB_PLL40_CORE fed from fabric (iCE40-HX8K breakout, J3). BYPASS = 1 uses no PLL
// at all: the core runs on the 12 MHz oscillator. Synthesis only: the simulation
// (sim/board/) clocks board_system directly.
`default_nettype none

module board_pll #(
    parameter integer BYPASS = 0,
    parameter integer PAD = 1,
    parameter [3:0] DIVR = 4'd0,
    parameter [6:0] DIVF = 7'd63,
    parameter [2:0] DIVQ = 3'd5,
    parameter [2:0] FILTER_RANGE = 3'd1
) (
    input  wire clk_in,      // 12 MHz from the oscillator pin
    output wire clk_out,     // core clock, on a global buffer
    output wire locked
);
    generate
        if (BYPASS) begin : none
            assign clk_out = clk_in;
            assign locked = 1'b1;
        end else if (PAD) begin : pad
            SB_PLL40_PAD #(
                .FEEDBACK_PATH("SIMPLE"), .DIVR(DIVR), .DIVF(DIVF), .DIVQ(DIVQ),
                .FILTER_RANGE(FILTER_RANGE)
            ) pll (
                .PACKAGEPIN(clk_in), .PLLOUTGLOBAL(clk_out), .LOCK(locked),
                .RESETB(1'b1), .BYPASS(1'b0));
        end else begin : core
            SB_PLL40_CORE #(
                .FEEDBACK_PATH("SIMPLE"), .DIVR(DIVR), .DIVF(DIVF), .DIVQ(DIVQ),
                .FILTER_RANGE(FILTER_RANGE)
            ) pll (
                .REFERENCECLK(clk_in), .PLLOUTGLOBAL(clk_out), .LOCK(locked),
                .RESETB(1'b1), .BYPASS(1'b0));
        end
    endgenerate
endmodule

`default_nettype wire

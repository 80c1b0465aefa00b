// board_reset.v - the board's reset: held from power-up until the PLL locks, then
// for HOLD_CLKS more clocks; a press of the (active-low) button resets again.
//
// Relies on iCE40 flip-flops powering up at 0: `ready` starts low, so rst starts high.
`default_nettype none

module board_reset #(
    parameter integer HOLD_CLKS = 15
) (
    input  wire clk,
    input  wire pll_locked,   // the PLL's LOCK output (tie high without a PLL)
    input  wire button_n,     // reset request, active low, asynchronous
    output wire rst           // synchronous reset for board_system, active high
);
    localparam integer CW = $clog2(HOLD_CLKS + 1);
    reg [1:0] button_sync;    // button_sync[1] is the synchronised button
    reg [CW-1:0] count;
    reg ready;

    assign rst = !ready;

    always @(posedge clk) begin
        button_sync <= {button_sync[0], !button_n};
        if (!pll_locked || button_sync[1]) begin
            count <= 0;
            ready <= 1'b0;
        end else if (count != CW'(HOLD_CLKS)) begin
            count <= count + 1'b1;
        end else begin
            ready <= 1'b1;
        end
    end
endmodule

`default_nettype wire

// board_reset.v - the board's reset: held from power-up until the PLL locks, then
// for HOLD_CLKS more clocks; a press of the (active-low) button resets again.
//
// Relies on iCE40 flip-flops powering up at 0: `ready` and the synchronisers start low,
// so rst starts high.
`default_nettype none

module board_reset #(
    parameter integer HOLD_CLKS = 15
) (
    input  wire clk,
    input  wire pll_locked,   // the PLL's LOCK output (tie high without a PLL), asynchronous
    input  wire button_n,     // reset request, active low, asynchronous
    output wire rst           // synchronous reset for board_system, active high
);
    localparam integer CW = $clog2(HOLD_CLKS + 1);
    // LOCK comes from the PLL's analog lock detector, not from a flip-flop on clk: it
    // can change at any point of a clk period, so it passes two flip-flops on clk (as
    // the button does) before it reaches the counter, whose bits would otherwise each
    // see it at a different time, or go metastable.
    reg [1:0] locked_sync;    // locked_sync[1] is the synchronised LOCK
    reg [1:0] button_sync;    // button_sync[1] is the synchronised button
    reg [CW-1:0] count;
    reg ready;

    assign rst = !ready;

    always @(posedge clk) begin
        locked_sync <= {locked_sync[0], pll_locked};
        button_sync <= {button_sync[0], !button_n};
    end

    always @(posedge clk) begin
        if (!locked_sync[1] || button_sync[1]) begin
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

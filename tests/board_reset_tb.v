// board_reset_tb.v - testbench of board_reset.v (Verilator --binary).
//
// The reset holds while the PLL is unlocked; LOCK reaches the hold counter only through
// the two-flip-flop synchroniser, so rst falls HOLD_CLKS + 3 clocks after LOCK rises
// (2 synchroniser stages, HOLD_CLKS counts, 1 for `ready`); a one-clock drop of LOCK
// resets again, as does the button.
// Prints each failure and "board_reset_tb: N errors"; $fatal if any.
`timescale 1ns / 1ps
`default_nettype none

module board_reset_tb;
    localparam integer HOLD = 5;
    reg clk = 0;
    always #5 clk = !clk;
    reg locked = 0, button_n = 1;
    wire rst;
    integer errors = 0;
    integer n;

    board_reset #(.HOLD_CLKS(HOLD)) dut (.clk(clk), .pll_locked(locked), .button_n(button_n), .rst(rst));

    // clocks_until_release: rising edges of clk until rst is low (gives up after 100).
    task automatic clocks_until_release(output integer clocks);
        clocks = 0;
        while (rst && clocks < 100) begin
            @(posedge clk); #1;
            clocks = clocks + 1;
        end
    endtask

    task automatic expect_release(input [255:0] what);
        clocks_until_release(n);
        if (n != HOLD + 3) begin
            $display("FAIL %0s: rst released after %0d clocks, expected %0d", what, n, HOLD + 3);
            errors = errors + 1;
        end
    endtask

    initial begin
        repeat (20) @(posedge clk);
        #1;
        if (!rst) begin $display("FAIL rst low before LOCK"); errors = errors + 1; end
        locked = 1;
        expect_release("LOCK rises");

        // A one-clock drop of LOCK (the PLL losing lock) resets the board again.
        repeat (5) @(posedge clk);
        #1 locked = 0;
        @(posedge clk); #1 locked = 1;
        repeat (2) @(posedge clk);
        #1;
        if (!rst) begin $display("FAIL a LOCK drop does not reset"); errors = errors + 1; end
        clocks_until_release(n);
        if (n != HOLD + 1) begin
            $display("FAIL after a LOCK drop: rst released %0d clocks later, expected %0d", n, HOLD + 1);
            errors = errors + 1;
        end

        // The button, through its own synchroniser, likewise.
        repeat (5) @(posedge clk);
        #1 button_n = 0;
        @(posedge clk); #1 button_n = 1;
        repeat (2) @(posedge clk);
        #1;
        if (!rst) begin $display("FAIL the button does not reset"); errors = errors + 1; end
        clocks_until_release(n);
        if (n != HOLD + 1) begin
            $display("FAIL after the button: rst released %0d clocks later, expected %0d", n, HOLD + 1);
            errors = errors + 1;
        end

        $display("board_reset_tb: %0d errors", errors);
        if (errors != 0) $fatal(1, "board_reset_tb failed");
        $finish;
    end
endmodule

`default_nettype wire

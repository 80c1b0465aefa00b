// board_uart_tb.v - testbench of board_uart_tx.v and board_uart_rx.v (Verilator --binary).
//
// Every byte value through tx -> rx at 3 and at 10 clocks per bit (the iCEBreaker's
// 18 MHz / 6 Mbaud, as built and as simulated, and a slow line), plus a receiver line driven by hand:
// a start-bit glitch shorter than half a bit is ignored, a byte with a low stop
// bit is dropped and flagged, and bytes back to back arrive intact.
// Prints each failure and "board_uart_tb: N errors"; $fatal if any.
`timescale 1ns / 1ps
`default_nettype none

module board_uart_tb;
    reg clk = 0;
    always #5 clk = !clk;
    reg rst = 1;
    integer errors = 0;

    // Loopback pairs at two bit times.
    reg [7:0] d3, d10;
    reg v3 = 0, v10 = 0;
    wire r3, r10, line3, line10, ok3, ok10, fe3, fe10;
    wire [7:0] q3, q10;
    board_uart_tx #(.CLKS_PER_BIT(3)) tx3 (.clk(clk), .rst(rst), .data(d3), .valid(v3), .ready(r3), .tx(line3));
    board_uart_rx #(.CLKS_PER_BIT(3)) rx3 (.clk(clk), .rst(rst), .rx(line3), .data(q3), .valid(ok3), .frame_error(fe3));
    board_uart_tx #(.CLKS_PER_BIT(10)) tx10 (.clk(clk), .rst(rst), .data(d10), .valid(v10), .ready(r10), .tx(line10));
    board_uart_rx #(.CLKS_PER_BIT(10)) rx10 (.clk(clk), .rst(rst), .rx(line10), .data(q10), .valid(ok10), .frame_error(fe10));

    // A receiver on a hand-driven line, 8 clocks per bit.
    reg hand = 1;
    wire okh, feh;
    wire [7:0] qh;
    board_uart_rx #(.CLKS_PER_BIT(8)) rxh (.clk(clk), .rst(rst), .rx(hand), .data(qh), .valid(okh), .frame_error(feh));

    // Counts what each receiver delivered.
    integer got3 = 0, got10 = 0, goth = 0, fe_h = 0;
    reg [7:0] last_h;
    always @(posedge clk) begin
        if (ok3) begin
            if (q3 !== 8'(got3)) begin errors = errors + 1; $display("FAIL 3 clk/bit: byte %0d came back as %0d", got3, q3); end
            got3 = got3 + 1;
        end
        if (ok10) begin
            if (q10 !== 8'(255 - got10)) begin errors = errors + 1; $display("FAIL 10 clk/bit: byte %0d came back as %0d", 255 - got10, q10); end
            got10 = got10 + 1;
        end
        if (fe3 || fe10) begin errors = errors + 1; $display("FAIL framing error on a clean loopback"); end
        if (okh) begin goth = goth + 1; last_h = qh; end
        if (feh) fe_h = fe_h + 1;
    end

    task send_hand(input [7:0] b, input stop);
        integer i;
        begin
            hand = 0; repeat (8) @(posedge clk);
            for (i = 0; i < 8; i = i + 1) begin hand = b[i]; repeat (8) @(posedge clk); end
            hand = stop; repeat (8) @(posedge clk);
            hand = 1;
        end
    endtask

    integer i;
    initial begin
        repeat (4) @(posedge clk);
        rst = 0;
        fork
            for (i = 0; i < 256; i = i + 1) begin
                @(posedge clk); while (!r3) @(posedge clk);
                d3 = 8'(i); v3 = 1; @(posedge clk); v3 = 0;
            end
            begin : ten
                integer j;
                for (j = 0; j < 256; j = j + 1) begin
                    @(posedge clk); while (!r10) @(posedge clk);
                    d10 = 8'(255 - j); v10 = 1; @(posedge clk); v10 = 0;
                end
            end
            begin
                hand = 0; repeat (2) @(posedge clk); hand = 1;   // glitch: 2 of 8 clocks
                repeat (40) @(posedge clk);
                if (goth != 0 || fe_h != 0) begin errors = errors + 1; $display("FAIL a glitch made a byte"); end
                send_hand(8'h5A, 1'b0);                         // low stop bit
                repeat (20) @(posedge clk);
                if (goth != 0 || fe_h != 1) begin errors = errors + 1; $display("FAIL low stop bit: %0d bytes, %0d framing errors", goth, fe_h); end
                send_hand(8'hA5, 1'b1);
                send_hand(8'h3C, 1'b1);                         // back to back
                repeat (20) @(posedge clk);
                if (goth != 2 || last_h !== 8'h3C) begin errors = errors + 1; $display("FAIL hand bytes: %0d received, last %h", goth, last_h); end
            end
        join
        repeat (200) @(posedge clk);
        if (got3 != 256 || got10 != 256) begin errors = errors + 1; $display("FAIL received %0d and %0d of 256 bytes", got3, got10); end
        $display("board_uart_tb: %0d errors", errors);
        if (errors != 0) $fatal(1, "board_uart_tb failed");
        $finish;
    end
endmodule

`default_nettype wire

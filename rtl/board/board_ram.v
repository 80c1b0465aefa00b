// board_ram.v - simple dual-port RAM: one write port, one read port, registered read.
//
// Written the way Yosys maps to iCE40 block RAM (SB_RAM40_4K): one clock,
// synchronous write, read data valid the clock after the address.
// Holds the frame buffer and the image's event codes.
`default_nettype none

module board_ram #(
    parameter integer WIDTH = 8,
    parameter integer AW = 9
) (
    input  wire             clk,
    input  wire             we,
    input  wire [AW-1:0]    waddr,
    input  wire [WIDTH-1:0] wdata,
    input  wire [AW-1:0]    raddr,
    output reg  [WIDTH-1:0] rdata    // mem[raddr] of the previous clock
);
    reg [WIDTH-1:0] mem [0:(1 << AW) - 1];

    always @(posedge clk) begin
        if (we)
            mem[waddr] <= wdata;
        rdata <= mem[raddr];
    end
endmodule

`default_nettype wire

// snn_weight_mem.v - all synaptic weight magnitudes, P per word (spec §2.2).
//
// A single-port memory with one write enable per lane, written one magnitude at
// a time while the core is idle and read one word (P magnitudes, one presynaptic
// row slice) per cycle while it runs. Written so that Yosys maps it to the
// iCE40 UP5K's SPRAM (synth_ice40 -spram): one address, registered read.
// The layout of rows and words is in docs/core.md.
`default_nettype none

module snn_weight_mem #(
    parameter integer P = 8,       // lanes (weights per word)
    parameter integer B = 8,       // weight magnitude bits
    parameter integer DEPTH = 10392,
    parameter integer AW = 14
) (
    input  wire           clk,
    input  wire [AW-1:0]  addr,    // word to read or write
    input  wire [P-1:0]   we,      // lane write enables (one-hot for host writes)
    input  wire [B-1:0]   wdata,   // magnitude written into every enabled lane
    input  wire           re,      // read enable: rdata shows word addr next cycle
    output reg  [P*B-1:0] rdata    // P magnitudes, lane l in bits [l*B +: B]
);
    reg [P*B-1:0] mem [0:DEPTH-1];
    integer l;

    always @(posedge clk) begin
        for (l = 0; l < P; l = l + 1)
            if (we[l])
                mem[addr][l*B +: B] <= wdata;
        if (re)
            rdata <= mem[addr];
    end
endmodule

`default_nettype wire

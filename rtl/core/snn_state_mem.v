// snn_state_mem.v - one kind of neuron state for all neurons, P lanes per word.
//
// A simple dual-port memory (one read port, one write port, registered read)
// that Yosys maps to iCE40 EBR. Word w, lane l holds neuron w*P + l. A read
// issued in the same cycle as a write to the same word returns the new data
// (forwarded), so read-modify-write pipelines may touch a word every cycle.
`default_nettype none

module snn_state_mem #(
    parameter integer DEPTH = 13,  // words
    parameter integer WIDTH = 192, // bits per word (P lanes x register width)
    parameter integer AW = 4       // address bits
) (
    input  wire             clk,
    input  wire             re,     // read enable: rdata shows word raddr from the next cycle
    input  wire [AW-1:0]    raddr,  // word to read
    output wire [WIDTH-1:0] rdata,  // word read (valid the cycle after re)
    input  wire             we,     // write enable
    input  wire [AW-1:0]    waddr,  // word to write
    input  wire [WIDTH-1:0] wdata   // data written at this clock edge
);
    reg [WIDTH-1:0] mem [0:DEPTH-1];
    reg [WIDTH-1:0] rdata_mem;
    reg [WIDTH-1:0] wdata_q;
    reg             forward;

    always @(posedge clk) begin
        if (we)
            mem[waddr] <= wdata;
        if (re)
            rdata_mem <= mem[raddr];
        // read and write of the same word at one edge: the memory returns the old
        // word, the forwarding register the new one
        forward <= re && we && waddr == raddr;
        wdata_q <= wdata;
    end

    assign rdata = forward ? wdata_q : rdata_mem;
endmodule

`default_nettype wire

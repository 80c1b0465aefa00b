// snn_state_mem.v - one kind of neuron state for all neurons, several lanes per word.
//
// A simple dual-port memory (one read port, one write port, registered read)
// that Yosys maps to iCE40 EBR (SB_RAM40_4K). A read issued in the cycle whose
// closing edge writes the same word is undefined: the controller never does
// that (it reads a word again no earlier than the cycle after its write-back),
// so no_rw_check spares Yosys the collision logic (a register per bit).
`default_nettype none

module snn_state_mem #(
    parameter integer DEPTH = 13,  // words
    parameter integer WIDTH = 192, // bits per word (lanes x register width)
    parameter integer AW = 4       // address bits
) (
    input  wire             clk,
    input  wire             re,     // read enable: rdata shows word raddr from the next cycle
    input  wire [AW-1:0]    raddr,  // word to read
    output reg  [WIDTH-1:0] rdata,  // word read (valid the cycle after re, held until the next re)
    input  wire             we,     // write enable
    input  wire [AW-1:0]    waddr,  // word to write
    input  wire [WIDTH-1:0] wdata   // data written at this clock edge
);
    (* no_rw_check *)
    reg [WIDTH-1:0] mem [0:DEPTH-1];

    always @(posedge clk) begin
        if (we)
            mem[waddr] <= wdata;
        if (re)
            rdata <= mem[raddr];
    end
endmodule

`default_nettype wire

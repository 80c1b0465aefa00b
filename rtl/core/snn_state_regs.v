// snn_state_regs.v - a state memory too small for block RAM, in flip-flops (acc2).
//
// The port interface and timing of snn_state_mem (read issued with re, the word
// shown from the next cycle), but only the first USED lanes of all words hold
// flip-flops: lane l of word w is neuron w * LANES + l, and the words' tail lanes
// beyond the largest network (MAX_OUT) are never used. Those read as zero and
// writes to them are dropped. The read registers the address, not the data:
// one register instead of a word of them. Both give the same rdata because the
// controller never reads a word in the cycle of its own write-back
// (snn_state_mem.v).
`default_nettype none

module snn_state_regs #(
    parameter integer DEPTH = 2,   // words
    parameter integer LANES = 8,   // lanes per word
    parameter integer W = 32,      // bits per lane
    parameter integer USED = 10,   // lanes that exist, counted over all words (<= DEPTH * LANES)
    parameter integer AW = 1       // address bits
) (
    input  wire                clk,
    input  wire                re,     // read enable: rdata shows word raddr from the next cycle
    input  wire [AW-1:0]       raddr,  // word to read
    output wire [LANES*W-1:0]  rdata,  // word read, lane l in [l*W +: W]
    input  wire                we,     // write enable
    input  wire [AW-1:0]       waddr,  // word to write
    input  wire [LANES*W-1:0]  wdata   // data written at this clock edge
);
    // all words side by side, word w in [w*LANES*W +: LANES*W]; the missing lanes are zero
    wire [DEPTH*LANES*W-1:0] words;
    reg  [AW-1:0]            raddr_q;

    genvar n;
    generate
        for (n = 0; n < DEPTH * LANES; n = n + 1) begin : g_lane
            if (n < USED) begin : g_held
                reg [W-1:0] value;
                always @(posedge clk)
                    if (we && waddr == AW'(n / LANES))
                        value <= wdata[(n % LANES)*W +: W];
                assign words[n*W +: W] = value;
            end else begin : g_missing
                assign words[n*W +: W] = {W{1'b0}};
            end
        end
    endgenerate

    always @(posedge clk)
        if (re)
            raddr_q <= raddr;
    assign rdata = words[raddr_q*LANES*W +: LANES*W];
endmodule

`default_nettype wire

// snn_noise.v - the noise generator: xorshift32, P draws per cycle (spec §5).
//
// On `start` it derives the image seed seed ^ (0x9E3779B9 * (image_index + 1))
// (spec §5.2) with a shift-and-add multiplier started at 0x9E3779B9 (one bit
// of image_index per two cycles, stops early when no bits are left; `busy`
// meanwhile). Each addition runs as two 16-bit halves with the carry kept in
// between: a 32-bit carry chain was the slowest path of the whole UP5K board. Then each cycle lane l draws if
// adv[l] is set: the state advances once per enabled lane, lanes in ascending
// order, and lane l's value is the signed N-bit draw of its state (spec §5.1).
// The enabled lanes of a word are always a prefix (neurons j < n_hidden).
`default_nettype none

module snn_noise #(
    parameter integer P = 8
) (
    input  wire          clk,
    input  wire          rst,
    input  wire          start,        // load the seed of image image_index
    input  wire [31:0]   image_index,  // index of the image being started
    input  wire [31:0]   seed,         // the network's noise seed (spec §2.5)
    input  wire [4:0]    noise_bits,   // N, 1..16 (the caller clears adv when N = 0)
    input  wire [P-1:0]  adv,          // lanes that draw this cycle
    output wire [P*17-1:0] noise,      // lane l's draw in bits [l*17 +: 17], signed
    output wire          busy          // deriving the seed
);
    localparam [31:0] GOLDEN = 32'h9E3779B9;

    function [31:0] xorshift32(input [31:0] x);  // spec §5.1: shifts 13, 17, 5
        reg [31:0] t;
        begin
            t = x ^ (x << 13);
            t = t ^ (t >> 17);
            xorshift32 = t ^ (t << 5);
        end
    endfunction

    reg [31:0] state;
    reg [31:0] mul_left;    // bits of image_index not yet added
    reg [31:0] mul_addend;  // GOLDEN shifted to the current bit
    reg [31:0] mul_acc;     // partial product, from GOLDEN: G * (i + 1) = G + G * i
    reg        mul_high;    // the low half of this bit's addition is done
    reg        mul_carry;   // its carry into the high half
    reg        seeding;
    wire [31:0] mul_term = mul_left[0] ? mul_addend : 32'd0;
    wire [16:0] mul_low_sum = {1'b0, mul_acc[15:0]} + {1'b0, mul_term[15:0]};

    // chained draws: lane l sees the state after the draws of lanes 0 .. l
    reg [32*(P+1)-1:0] chain;  // state after lane l's draw in bits [(l+1)*32 +: 32]
    reg [P*17-1:0] draws;
    // spec §5.1: (x >> (32 - N)) - 2^(N-1) with t = x >> 16 is (t - 2^15) >>> (16 - N), an
    // arithmetic shift: 2^15 / 2^(16-N) = 2^(N-1) exactly, and >>> floors. t - 2^15 is t
    // with its top bit flipped, read as signed: no subtractor.
    wire [4:0] shift = 5'd16 - noise_bits;
    reg signed [16:0] centered;
    integer l;
    always @* begin
        chain[31:0] = state;
        draws = {P*17{1'b0}};
        for (l = 0; l < P; l = l + 1) begin
            chain[(l+1)*32 +: 32] = adv[l] ? xorshift32(chain[l*32 +: 32]) : chain[l*32 +: 32];
            centered = {{2{~chain[(l+1)*32 + 31]}}, chain[(l+1)*32 + 16 +: 15]};
            if (noise_bits != 5'd0)
                draws[l*17 +: 17] = centered >>> shift;
        end
    end
    assign noise = draws;
    assign busy = seeding;

    always @(posedge clk) begin
        if (rst) begin
            state <= 32'd1;
            seeding <= 1'b0;
            mul_left <= 32'd0;
            mul_addend <= 32'd0;
            mul_acc <= 32'd0;
            mul_high <= 1'b0;
            mul_carry <= 1'b0;
        end else if (start) begin
            seeding <= 1'b1;
            mul_left <= image_index;
            mul_addend <= GOLDEN;
            mul_acc <= GOLDEN;
            mul_high <= 1'b0;
        end else if (seeding) begin
            if (mul_high) begin
                mul_acc[31:16] <= mul_acc[31:16] + mul_term[31:16] + {15'd0, mul_carry};
                mul_left <= mul_left >> 1;
                mul_addend <= mul_addend << 1;
                mul_high <= 1'b0;
            end else if (mul_left == 32'd0) begin
                // spec §5.2: a zero seed would stick at zero; it becomes 1
                state <= (seed ^ mul_acc) == 32'd0 ? 32'd1 : seed ^ mul_acc;
                seeding <= 1'b0;
            end else begin
                {mul_carry, mul_acc[15:0]} <= mul_low_sum;
                mul_high <= 1'b1;
            end
        end else begin
            state <= chain[P*32 +: 32];
        end
    end
endmodule

`default_nettype wire

// snn_decay.v - decay(v, D) = sign(v) * floor(|v| * D / 4096), D in Q0.12 (spec §1.3).
//
// Rounds toward zero, written as the spec's (v*D + (v < 0 ? 4095 : 0)) >>> 12.
// |decay(v, D)| <= |v|, so the result always fits W bits: no saturation here.
// Combinational; one multiplier of W x 13 bits.
`default_nettype none

module snn_decay #(
    parameter integer W = 24  // width of v and of the result (signed)
) (
    input  wire signed [W-1:0] v,    // value to decay
    input  wire        [11:0]  d,    // decay constant, unsigned Q0.12 (0 <= d < 4096)
    output wire signed [W-1:0] out   // decay(v, d)
);
    wire signed [W+12:0] prod = $signed({{13{v[W-1]}}, v}) * $signed({{W{1'b0}}, 1'b0, d});
    // bias by 4095 for negative v, so that the arithmetic shift rounds toward zero
    wire signed [W+12:0] biased = prod + $signed({{W{1'b0}}, v[W-1] ? 13'd4095 : 13'd0});
    wire signed [W+12:0] shifted = biased >>> 12;
    assign out = shifted[W-1:0];
    wire unused_top = &{1'b0, shifted[W+12:W]};
endmodule

`default_nettype wire

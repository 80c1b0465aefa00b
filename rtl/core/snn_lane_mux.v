// snn_lane_mux.v - picks slice `sel` of N slices of W bits (a lane, or a group of lanes).
//
// Written as a loop over constant slices, so that synthesis builds a plain
// multiplexer instead of a multiplier for the variable part-select sel*W.
`default_nettype none

module snn_lane_mux #(
    parameter integer N = 8,    // slices
    parameter integer W = 24    // bits per slice
) (
    input  wire [N*W-1:0] in,   // slice s in bits [s*W +: W]
    input  wire [15:0]    sel,  // which slice (0 if out of range)
    output reg  [W-1:0]   out
);
    integer s;
    always @* begin
        out = in[W-1:0];
        for (s = 1; s < N; s = s + 1)
            if (sel == s[15:0])
                out = in[s*W +: W];
    end
endmodule

`default_nettype wire

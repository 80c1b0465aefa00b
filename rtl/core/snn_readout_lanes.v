// snn_readout_lanes.v - the readout neurons side by side: what gets written back.
//
// Stage 2 of the readout memories' pipeline. For a hidden spike, P lanes add
// +/- the weight word to the acc2 word (spec §4.3, sign from the presynaptic
// neuron's type, spec §2.2). For the readout pass, RL lanes run the leaky
// integrator step (spec §4.4, snn_readout_datapath) on one flt/out/max
// sub-word and the matching RL lanes of the acc2 word. Zeros while clearing.
`default_nettype none

module snn_readout_lanes #(
    parameter integer P = 8,    // lanes of acc2 and weight words
    parameter integer RL = 8,   // lanes of the readout update (divides P)
    parameter integer B = 8,
    parameter integer R = 32
) (
    input  wire            clearing,  // write zeros (start of an image)
    input  wire            c_ri,      // integrate one hidden spike (spec §4.3)
    input  wire            c_neg,     // its neuron is inhibitory: subtract
    input  wire [7:0]      c_rsub,    // readout update: acc2 lanes c_rsub*RL .. c_rsub*RL+RL-1
    input  wire [P*B-1:0]  w,         // weight magnitudes of the spike's row
    input  wire [P*R-1:0]  acc2,      // acc2 word read, lane l in [l*R +: R]
    input  wire [RL*R-1:0] flt,       // flt/max sub-words read
    input  wire [RL*R-1:0] max,
    input  wire [RL*R-1:0] out_dec,   // decay(out, beta_q) per lane (snn_decay_bank)
    input  wire [RL*R-1:0] flt_dec,   // decay(flt, alpha_q) per lane
    output wire [P*R-1:0]  acc2_next, // acc2 word to write back (zeros after the readout update)
    output wire [RL*R-1:0] flt_next,  // flt/out/max sub-words to write back
    output wire [RL*R-1:0] out_next,
    output wire [RL*R-1:0] max_next
);
    genvar l;
    generate
        for (l = 0; l < P; l = l + 1) begin : g_int
            // spec §4.3: acc2 = sat_R(acc2 + sign(j) * w2[j][k])
            wire signed [B:0] mag = {1'b0, w[l*B +: B]};
            wire signed [B:0] signed_w = c_neg ? -mag : mag;
            wire signed [R-1:0] acc2_plus_w;
            snn_sat_add #(.AW(R), .BW(B + 1), .OW(R)) u_int (
                .a(acc2[l*R +: R]), .b(signed_w), .sum(acc2_plus_w));
            // spec §4.4.2: acc2 = 0 after the readout update (and at the start of an image)
            assign acc2_next[l*R +: R] = clearing || !c_ri ? {R{1'b0}} : acc2_plus_w;
        end
    endgenerate

    wire [RL*R-1:0] acc2_sel;
    snn_lane_mux #(.N(P / RL), .W(RL * R)) u_sel (.in(acc2), .sel({8'd0, c_rsub}), .out(acc2_sel));
    generate
        for (l = 0; l < RL; l = l + 1) begin : g_ro
            wire signed [R-1:0] flt_ro, out_ro, max_ro;
            snn_readout_datapath #(.R(R)) u_ro (
                .acc2(acc2_sel[l*R +: R]), .flt(flt[l*R +: R]),
                .max(max[l*R +: R]), .out_dec(out_dec[l*R +: R]), .flt_dec(flt_dec[l*R +: R]),
                .flt_next(flt_ro), .out_next(out_ro), .max_next(max_ro));
            assign flt_next[l*R +: R] = clearing ? {R{1'b0}} : flt_ro;
            assign out_next[l*R +: R] = clearing ? {R{1'b0}} : out_ro;
            assign max_next[l*R +: R] = clearing ? {R{1'b0}} : max_ro;
        end
    endgenerate
endmodule

`default_nettype wire

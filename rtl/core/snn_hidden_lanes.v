// snn_hidden_lanes.v - P hidden neurons side by side: what gets written back.
//
// Stage 2 of the hidden memories' pipeline: from the word of acc1/syn/mem just
// read (and the weight word, for an input event), computes the words written
// back: acc1 + w for an input event (spec §4.1), the LIF step for the hidden
// pass (spec §4.2, snn_lif_datapath), zeros while clearing. Also the spike
// mask of the word, restricted to real neurons (j < n_hidden).
`default_nettype none

module snn_hidden_lanes #(
    parameter integer P = 8,
    parameter integer B = 8,
    parameter integer H = 24
) (
    input  wire           clearing,  // write zeros (start of an image)
    input  wire           c_int,     // integrate one input event: acc1 += w (spec §4.1)
    input  wire           c_hid,     // hidden update (spec §4.2)
    input  wire [P-1:0]   c_lanes,   // lanes holding real neurons, for c_hid
    input  wire [P*B-1:0] w,         // weight magnitudes of the event's row, lane l in [l*B +: B]
    input  wire [P*H-1:0] acc1,      // words read, lane l in [l*H +: H]
    input  wire [P*H-1:0] syn,
    input  wire [P*H-1:0] mem,
    input  wire [H-1:0]   theta,     // threshold (spec §2.3)
    input  wire [11:0]    alpha_q,
    input  wire [11:0]    beta_q,
    input  wire [P*17-1:0] noise,    // each lane's noise draw (snn_noise)
    output wire [P*H-1:0] acc1_next, // words to write back
    output wire [P*H-1:0] syn_next,
    output wire [P*H-1:0] mem_next,
    output wire [P-1:0]   spikes,    // s[j] of the lanes (spec §4.5), 0 unless c_hid
    output wire           any_spike  // some lane spiked
);
    wire [P-1:0] lif_spike;

    genvar l;
    generate
        for (l = 0; l < P; l = l + 1) begin : g_lane
            // spec §4.1: acc1 = sat_H(acc1 + w1[i][j]), weights of input events are positive
            wire signed [H-1:0] acc1_plus_w;
            snn_sat_add #(.AW(H), .BW(B + 1), .OW(H)) u_int (
                .a(acc1[l*H +: H]), .b({1'b0, w[l*B +: B]}), .sum(acc1_plus_w));

            wire signed [H-1:0] syn_lif, mem_lif;
            snn_lif_datapath #(.H(H)) u_lif (
                .acc1(acc1[l*H +: H]), .syn(syn[l*H +: H]), .mem(mem[l*H +: H]),
                .theta(theta), .alpha_q(alpha_q), .beta_q(beta_q), .noise(noise[l*17 +: 17]),
                .spike(lif_spike[l]), .syn_next(syn_lif), .mem_next(mem_lif));

            // spec §4.2.4: acc1 = 0 after the hidden update
            assign acc1_next[l*H +: H] = clearing || !c_int ? {H{1'b0}} : acc1_plus_w;
            assign syn_next[l*H +: H] = clearing ? {H{1'b0}} : syn_lif;
            assign mem_next[l*H +: H] = clearing ? {H{1'b0}} : mem_lif;
        end
    endgenerate

    assign spikes = c_hid ? lif_spike & c_lanes : {P{1'b0}};
    assign any_spike = |spikes;
endmodule

`default_nettype wire

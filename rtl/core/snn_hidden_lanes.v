// snn_hidden_lanes.v - the hidden neurons side by side: what gets written back.
//
// Stage 2 of the hidden memories' pipeline. For an input event, P lanes add
// the weight word to the acc1 word (spec §4.1); in a general build (SIGNED)
// also a hidden layer's row, with the presynaptic neuron's sign (spec §4.1,
// §4.6). For the hidden pass, PL lanes run the LIF step (spec §4.2,
// snn_lif_datapath) on one syn/mem sub-word and the matching PL lanes of the
// acc1 word. Zeros while clearing. Also the spike mask of the sub-word,
// restricted to real neurons (j < the layer's size).
`default_nettype none

module snn_hidden_lanes #(
    parameter integer P = 8,    // lanes of acc1 and weight words
    parameter integer PL = 8,   // lanes of the hidden update (divides P)
    parameter integer B = 8,
    parameter integer H = 24,
    parameter integer SIGNED = 0  // rows from hidden layers (signed) reach acc1
) (
    input  wire            clearing,   // write zeros (start of an image)
    input  wire            c_int,      // integrate one row: acc1 += w (spec §4.1, §4.6)
    input  wire            c_neg,      // with c_int (SIGNED): subtract, an inhibitory row
    input  wire            c_hid,      // hidden update (spec §4.2)
    input  wire [7:0]      c_hsub,     // for c_hid: acc1 lanes c_hsub*PL .. c_hsub*PL+PL-1
    input  wire [PL-1:0]   c_lanes,    // for c_hid: lanes holding real neurons
    input  wire [P*B-1:0]  w,          // weight magnitudes of the event's row, lane l in [l*B +: B]
    input  wire [P*H-1:0]  acc1,       // acc1 word read, lane l in [l*H +: H]
    input  wire [PL*H-1:0] syn,        // syn sub-word read
    input  wire [PL*H-1:0] mem,        // mem sub-word read
    input  wire [H-1:0]    theta,      // threshold (spec §2.3)
    input  wire [PL*H-1:0] mem_dec,    // decay(mem, beta_q) per lane (snn_decay_bank)
    input  wire [PL*H-1:0] syn_dec,    // decay(syn, alpha_q) per lane
    input  wire [PL*17-1:0] noise,     // each lane's noise draw (snn_noise)
    output wire [P*H-1:0]  acc1_next,  // acc1 word to write back (zeros after the hidden update)
    output wire [PL*H-1:0] syn_next,   // syn and mem sub-words to write back
    output wire [PL*H-1:0] mem_next,
    output wire [PL-1:0]   spikes,     // s[j] of the lanes (spec §4.5), 0 unless c_hid
    output wire            any_spike   // some lane spiked
);
    genvar l;
    generate
        for (l = 0; l < P; l = l + 1) begin : g_int
            // spec §4.1: acc1 = sat_H(acc1 + w1[i][j]), weights of input events are positive;
            // §4.1 (l > 0), §4.6: sat_H(acc1 + sign(i) * w) for rows from hidden layers
            wire signed [B:0] mag = {1'b0, w[l*B +: B]};
            wire signed [B:0] signed_w = SIGNED != 0 && c_neg ? -mag : mag;
            wire signed [H-1:0] acc1_plus_w;
            snn_sat_add #(.AW(H), .BW(B + 1), .OW(H)) u_int (
                .a(acc1[l*H +: H]), .b(signed_w), .sum(acc1_plus_w));
            // spec §4.2.4: acc1 = 0 after the hidden update (and at the start of an image)
            assign acc1_next[l*H +: H] = clearing || !c_int ? {H{1'b0}} : acc1_plus_w;
        end
    endgenerate

    wire [PL*H-1:0] acc1_sel;
    snn_lane_mux #(.N(P / PL), .W(PL * H)) u_sel (.in(acc1), .sel({8'd0, c_hsub}), .out(acc1_sel));
    wire [PL-1:0] lif_spike;
    generate
        for (l = 0; l < PL; l = l + 1) begin : g_lif
            wire signed [H-1:0] syn_lif, mem_lif;
            snn_lif_datapath #(.H(H)) u_lif (
                .acc1(acc1_sel[l*H +: H]), .syn(syn[l*H +: H]), .mem(mem[l*H +: H]),
                .theta(theta), .mem_dec(mem_dec[l*H +: H]), .syn_dec(syn_dec[l*H +: H]),
                .noise(noise[l*17 +: 17]),
                .spike(lif_spike[l]), .syn_next(syn_lif), .mem_next(mem_lif));
            assign syn_next[l*H +: H] = clearing ? {H{1'b0}} : syn_lif;
            assign mem_next[l*H +: H] = clearing ? {H{1'b0}} : mem_lif;
        end
    endgenerate

    assign spikes = c_hid ? lif_spike & c_lanes : {PL{1'b0}};
    assign any_spike = |spikes;
endmodule

`default_nettype wire

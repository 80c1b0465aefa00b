// snn_lif_datapath.v - one hidden neuron's step, spec §4.2, purely combinational.
//
// Given the state read at the end of the previous step (acc1, syn, mem) and the
// noise draw of this neuron, produces the spike decided at this step and the
// next syn and mem (acc1 is cleared by the caller). The four lines below are
// the spec's four steps in the spec's order. Not here: which neuron, memories,
// the decay multipliers (snn_decay_bank, shared with the readout).
`default_nettype none

module snn_lif_datapath #(
    parameter integer H = 24   // hidden register width (spec §1.4)
) (
    input  wire signed [H-1:0] acc1,      // input current integrated during this step (§4.1)
    input  wire signed [H-1:0] syn,       // synaptic current from before this step
    input  wire signed [H-1:0] mem,       // membrane from before this step
    input  wire signed [H-1:0] theta,     // threshold, 1 .. 2^(H-1)-1 (§2.3)
    input  wire signed [H-1:0] mem_dec,   // decay(mem, beta_q) (§1.3, snn_decay_bank)
    input  wire signed [H-1:0] syn_dec,   // decay(syn, alpha_q)
    input  wire signed [16:0]  noise,     // this neuron's draw (§5.1), 0 when noise is off
    output wire                spike,     // s[j] of this step (§4.5)
    output wire signed [H-1:0] syn_next,  // syn after this step
    output wire signed [H-1:0] mem_next   // mem after this step
);
    // spec §4.2.1 spike: s = mem > theta (strictly)
    assign spike = mem > theta;

    // spec §4.2.3 membrane: s ? 0 : sat_H(sat_H(decay(mem, beta) + syn) + n)
    wire signed [H-1:0] mem_integrated, mem_noisy;
    snn_sat_add #(.AW(H), .BW(H), .OW(H)) u_mem_add (
        .a(mem_dec), .b(syn), .sum(mem_integrated));
    snn_sat_add #(.AW(H), .BW(17), .OW(H)) u_mem_noise (
        .a(mem_integrated), .b(noise), .sum(mem_noisy));
    assign mem_next = spike ? {H{1'b0}} : mem_noisy;

    // spec §4.2.4 synapse: sat_H(decay(syn, alpha) + acc1)
    snn_sat_add #(.AW(H), .BW(H), .OW(H)) u_syn_add (
        .a(syn_dec), .b(acc1), .sum(syn_next));
endmodule

`default_nettype wire

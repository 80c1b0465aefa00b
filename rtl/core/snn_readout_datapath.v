// snn_readout_datapath.v - one readout neuron's step, spec §4.4, purely combinational.
//
// The non-spiking leaky integrator: out follows flt, flt follows the integrated
// hidden spikes acc2, and max keeps the running maximum of out that the
// prediction uses (§6.1). acc2 is cleared by the caller; the decays come from
// snn_decay_bank (shared with the hidden pass).
`default_nettype none

module snn_readout_datapath #(
    parameter integer R = 32   // readout register width (spec §1.4)
) (
    input  wire signed [R-1:0] acc2,      // hidden spikes integrated during this step (§4.3)
    input  wire signed [R-1:0] flt,       // filtered current from before this step
    input  wire signed [R-1:0] max,       // running maximum of out
    input  wire signed [R-1:0] out_dec,   // decay(out, beta_q), out from before this step (§1.3)
    input  wire signed [R-1:0] flt_dec,   // decay(flt, alpha_q)
    output wire signed [R-1:0] flt_next,  // flt after this step
    output wire signed [R-1:0] out_next,  // out after this step
    output wire signed [R-1:0] max_next   // max after this step
);
    // spec §4.4.1: out = sat_R(decay(out, beta) + flt), with flt from before the step
    snn_sat_add #(.AW(R), .BW(R), .OW(R)) u_out_add (
        .a(out_dec), .b(flt), .sum(out_next));

    // spec §4.4.2: flt = sat_R(decay(flt, alpha) + acc2)
    snn_sat_add #(.AW(R), .BW(R), .OW(R)) u_flt_add (
        .a(flt_dec), .b(acc2), .sum(flt_next));

    // spec §4.4.3: max = max(max, out)
    assign max_next = out_next > max ? out_next : max;
endmodule

`default_nettype wire

// snn_readout_datapath.v - one readout neuron's step, spec §4.4, purely combinational.
//
// The non-spiking leaky integrator: out follows flt, flt follows the integrated
// hidden spikes acc2, and max keeps the running maximum of out that the
// prediction uses (§6.1). acc2 is cleared by the caller.
`default_nettype none

module snn_readout_datapath #(
    parameter integer R = 32   // readout register width (spec §1.4)
) (
    input  wire signed [R-1:0] acc2,      // hidden spikes integrated during this step (§4.3)
    input  wire signed [R-1:0] flt,       // filtered current from before this step
    input  wire signed [R-1:0] out,       // output from before this step
    input  wire signed [R-1:0] max,       // running maximum of out
    input  wire        [11:0]  alpha_q,   // Q0.12 (§2.4)
    input  wire        [11:0]  beta_q,    // Q0.12 (§2.4)
    output wire signed [R-1:0] flt_next,  // flt after this step
    output wire signed [R-1:0] out_next,  // out after this step
    output wire signed [R-1:0] max_next   // max after this step
);
    // spec §4.4.1: out = sat_R(decay(out, beta) + flt), with flt from before the step
    wire signed [R-1:0] out_decayed;
    snn_decay #(.W(R)) u_out_decay (.v(out), .d(beta_q), .out(out_decayed));
    snn_sat_add #(.AW(R), .BW(R), .OW(R)) u_out_add (
        .a(out_decayed), .b(flt), .sum(out_next));

    // spec §4.4.2: flt = sat_R(decay(flt, alpha) + acc2)
    wire signed [R-1:0] flt_decayed;
    snn_decay #(.W(R)) u_flt_decay (.v(flt), .d(alpha_q), .out(flt_decayed));
    snn_sat_add #(.AW(R), .BW(R), .OW(R)) u_flt_add (
        .a(flt_decayed), .b(acc2), .sum(flt_next));

    // spec §4.4.3: max = max(max, out)
    assign max_next = out_next > max ? out_next : max;
endmodule

`default_nettype wire

// snn_decay_bank.v - the decay multipliers, shared by the hidden and the readout pass.
//
// decay (spec §1.3) is the only multiplication of the network: two per hidden
// neuron (§4.2.3 mem by beta, §4.2.4 syn by alpha) and two per readout neuron
// (§4.4.1 out by beta, §4.4.2 flt by alpha). The hidden pass (PL lanes) and the
// readout pass (RL lanes) never run in the same cycle, so max(PL, RL) pairs of
// units serve both: unit pair l decays mem/syn of hidden lane l, or, while
// c_ru, out/flt of readout lane l. A shared pair is DW = max(H, R) bits wide; a
// hidden value is sign-extended into it and the result cut back to H bits,
// which is exact since |decay(v, D)| <= |v| (spec §1.3); pairs only one side
// uses keep that side's width. On the iCE40 each unit is two SB_MAC16, so
// PL = 2, RL = 1 fills the UP5K's 8 (docs/core.md).
// Not here: what the decayed values are added to (snn_lif_datapath,
// snn_readout_datapath).
`default_nettype none

module snn_decay_bank #(
    parameter integer PL = 2,   // hidden update lanes
    parameter integer RL = 1,   // readout update lanes
    parameter integer H = 24,   // hidden register width (spec §1.4)
    parameter integer R = 32    // readout register width (spec §1.4)
) (
    input  wire            c_ru,       // the readout lanes own the units this cycle
    input  wire [PL*H-1:0] mem,        // hidden lane l's mem in [l*H +: H], to decay by beta
    input  wire [PL*H-1:0] syn,        // ... syn, to decay by alpha
    input  wire [RL*R-1:0] out,        // readout lane l's out in [l*R +: R], by beta
    input  wire [RL*R-1:0] flt,        // ... flt, by alpha
    input  wire [11:0]     alpha_q,    // the hidden layer's, Q0.12 (spec §2.4)
    input  wire [11:0]     beta_q,
    input  wire [11:0]     out_alpha_q, // the readout's (spec §4.4)
    input  wire [11:0]     out_beta_q,
    output wire [PL*H-1:0] mem_dec,    // decay(mem, beta_q) per hidden lane (valid unless c_ru)
    output wire [PL*H-1:0] syn_dec,    // decay(syn, alpha_q)
    output wire [RL*R-1:0] out_dec,    // decay(out, beta_q) per readout lane (valid while c_ru)
    output wire [RL*R-1:0] flt_dec     // decay(flt, alpha_q)
);
    localparam integer NL = PL > RL ? PL : RL;   // unit pairs
    localparam integer DW = H > R ? H : R;       // unit width

    // sign extension of an H- or R-bit lane value to DW bits
    function [DW-1:0] sext_h(input [H-1:0] v);
        sext_h = {{(DW-H+1){v[H-1]}}, v[H-2:0]};
    endfunction
    function [DW-1:0] sext_r(input [R-1:0] v);
        sext_r = {{(DW-R+1){v[R-1]}}, v[R-2:0]};
    endfunction

    genvar l;
    generate
        for (l = 0; l < NL; l = l + 1) begin : g_pair
            if (l < PL && l < RL) begin : g_shared
                // shared pair: DW bits, readout operands while c_ru
                wire signed [DW-1:0] vb = c_ru ? sext_r(out[l*R +: R]) : sext_h(mem[l*H +: H]);
                wire signed [DW-1:0] va = c_ru ? sext_r(flt[l*R +: R]) : sext_h(syn[l*H +: H]);
                wire signed [DW-1:0] db, da;
                wire [11:0] dbq = c_ru ? out_beta_q : beta_q;
                wire [11:0] daq = c_ru ? out_alpha_q : alpha_q;
                snn_decay #(.W(DW)) u_beta (.v(vb), .d(dbq), .out(db));
                snn_decay #(.W(DW)) u_alpha (.v(va), .d(daq), .out(da));
                // cut back to the lane widths: exact, |decay(v)| <= |v| (spec §1.3)
                assign mem_dec[l*H +: H] = db[H-1:0];
                assign syn_dec[l*H +: H] = da[H-1:0];
                assign out_dec[l*R +: R] = db[R-1:0];
                assign flt_dec[l*R +: R] = da[R-1:0];
                wire unused_top = &{1'b0, db, da};
            end else if (l < PL) begin : g_hidden
                // hidden-only pair: H bits
                snn_decay #(.W(H)) u_beta (.v(mem[l*H +: H]), .d(beta_q), .out(mem_dec[l*H +: H]));
                snn_decay #(.W(H)) u_alpha (.v(syn[l*H +: H]), .d(alpha_q), .out(syn_dec[l*H +: H]));
            end else begin : g_readout
                // readout-only pair: R bits
                snn_decay #(.W(R)) u_beta (.v(out[l*R +: R]), .d(out_beta_q), .out(out_dec[l*R +: R]));
                snn_decay #(.W(R)) u_alpha (.v(flt[l*R +: R]), .d(out_alpha_q), .out(flt_dec[l*R +: R]));
            end
        end
    endgenerate
endmodule

`default_nettype wire

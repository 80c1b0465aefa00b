// snn_decay_bank.v - the decay multipliers, shared by the hidden and the readout pass.
//
// decay (spec §1.3) is the only multiplication of the network: two per hidden
// neuron (§4.2.3 mem by beta, §4.2.4 syn by alpha) and two per readout neuron
// (§4.4.1 out by beta, §4.4.2 flt by alpha). The hidden pass (PL lanes) and the
// readout pass (RL lanes) never run in the same cycle, so max(PL, RL) pairs of
// units serve both: unit pair l decays mem/syn of hidden lane l, or, while
// c_ru, out/flt of readout lane l. The units are DW = max(H, R) bits wide; a
// hidden value is sign-extended into them and the result cut back to H bits,
// which is exact since |decay(v, D)| <= |v| (spec §1.3). On the iCE40 each unit
// is two SB_MAC16, so PL = 2, RL = 1 fills the UP5K's 8 (docs/core.md).
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
    input  wire [11:0]     alpha_q,    // Q0.12 (spec §2.4)
    input  wire [11:0]     beta_q,
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
            wire [DW-1:0] hb, ha, rb, ra;   // candidate operands: hidden / readout, beta / alpha
            if (l < PL) begin : g_h
                assign hb = sext_h(mem[l*H +: H]);
                assign ha = sext_h(syn[l*H +: H]);
            end else begin : g_h0
                assign hb = {DW{1'b0}};
                assign ha = {DW{1'b0}};
            end
            if (l < RL) begin : g_r
                assign rb = sext_r(out[l*R +: R]);
                assign ra = sext_r(flt[l*R +: R]);
            end else begin : g_r0
                assign rb = {DW{1'b0}};
                assign ra = {DW{1'b0}};
            end
            wire use_r = l < RL && (c_ru || l >= PL);
            wire signed [DW-1:0] vb = use_r ? rb : hb;
            wire signed [DW-1:0] va = use_r ? ra : ha;
            wire signed [DW-1:0] db, da;
            snn_decay #(.W(DW)) u_beta (.v(vb), .d(beta_q), .out(db));
            snn_decay #(.W(DW)) u_alpha (.v(va), .d(alpha_q), .out(da));
            // results cut back to the lane widths: exact, |decay(v)| <= |v| (spec §1.3)
            if (l < PL) begin : g_ho
                assign mem_dec[l*H +: H] = db[H-1:0];
                assign syn_dec[l*H +: H] = da[H-1:0];
            end
            if (l < RL) begin : g_ro
                assign out_dec[l*R +: R] = db[R-1:0];
                assign flt_dec[l*R +: R] = da[R-1:0];
            end
            wire unused_top = &{1'b0, db, da, hb, ha, rb, ra};
        end
    endgenerate
endmodule

`default_nettype wire

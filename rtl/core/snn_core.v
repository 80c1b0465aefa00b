// snn_core.v - the LIF core: wires the modules together, nothing else.
//
// Runs the integer network of docs/integer-spec.md, event-driven: P lanes
// integrate input events and hidden spikes (one weight word of P magnitudes per
// cycle), PL lanes run the hidden update, RL lanes the readout update; the
// two updates never run together and share the decay multipliers
// (snn_decay_bank). Hidden layers run one after the other on the same lanes
// (spec §4.7). Ports, protocol and memory map: docs/core.md. P, PL, RL are
// powers of 2 with PL, RL <= P and P >= 2; widths B/H/R per spec §1.4; MAX_*
// the largest shapes the memories hold (MAX_HID: of one hidden layer);
// MAX_LAYERS hidden layers at most; RECURRENT = 1 builds the recurrent rows
// (spike memory, REC phase); OUT_DECAYS = 1 gives the readout its own decays
// (always so in a general build; else layer 0's, the paper's); WORDS weight words (0: enough for MAX_LAYERS
// layers of MAX_HID, recurrent or not); NOISE = 0 leaves the noise generator
// out (the core then runs only N = 0). The parameter rules are checked at
// elaboration. The defaults are the paper's network on the iCE40 UP5K.
`default_nettype none

module snn_core #(
    parameter integer P = 8,
    parameter integer PL = 2,   // 2 and 1: 4 shared decay units, the UP5K's 8 DSPs (docs/core.md)
    parameter integer RL = 1,
    parameter integer B = 8,
    parameter integer H = 24,
    parameter integer R = 32,
    parameter integer MAX_IN = 784,
    parameter integer MAX_HID = 100,
    parameter integer MAX_OUT = 10,
    parameter integer NOISE = 1,
    parameter integer MAX_LAYERS = 1,
    parameter integer RECURRENT = 0,
    parameter integer OUT_DECAYS = 0,
    parameter integer WORDS = 0
) (
    input  wire          clk,
    input  wire          rst,         // synchronous, active high
    input  wire          wr_en,       // host write: weights and registers
    input  wire [23:0]   wr_addr,
    input  wire [31:0]   wr_data,
    input  wire          ev_valid,    // input event offered
    input  wire          ev_end,      // ... is the end-of-step marker
    input  wire [15:0]   ev_index,    // ... of input i
    output wire          ev_ready,    // event taken at this edge if ev_valid
    output wire          spk_valid,   // hidden spikes of neurons spk_base .. spk_base+PL-1
    output wire [15:0]   spk_step,
    output wire [15:0]   spk_base,    // (layer << 10) + neuron of lane 0
    output wire [P-1:0]  spk_mask,    // bits PL and up are 0
    output wire          busy,        // an image runs
    output wire          done,        // pulse: image finished, prediction valid
    output wire [7:0]    prediction,
    input  wire          rd_en,       // host read
    input  wire [15:0]   rd_addr,
    output wire          rd_valid,
    output wire [63:0]   rd_data
);
    localparam integer LP = $clog2(P);
    localparam integer OWN_DECAYS = MAX_LAYERS > 1 || RECURRENT != 0 || OUT_DECAYS != 0 ? 1 : 0;
    localparam [0:0] GEN = MAX_LAYERS > 1 || RECURRENT != 0;  // layers or rows from hidden neurons
    localparam integer S1 = (MAX_HID + P - 1) / P;   // acc1 words of a layer (= words per hidden row)
    localparam integer S2 = (MAX_OUT + P - 1) / P;   // acc2 words (= words per readout row)
    localparam integer HS = S1 * (P / PL);           // syn/mem sub-words of a layer
    localparam integer RS = S2 * (P / RL);           // flt/out/max sub-words
    localparam integer HA = S1 > 1 ? $clog2(S1) : 1;
    localparam integer HSA = HS > 1 ? $clog2(HS) : 1;
    localparam integer RA = S2 > 1 ? $clog2(S2) : 1;
    localparam integer RSA = RS > 1 ? $clog2(RS) : 1;
    localparam integer LA = MAX_LAYERS > 1 ? $clog2(MAX_LAYERS) : 0;  // layer bits of an address
    localparam integer LAW = LA > 0 ? LA : 1;
    localparam integer A1 = HA + LA;                  // acc1 address: {layer, word}
    localparam integer AS = HSA + LA;                 // syn/mem/spike address: {layer, sub-word}
    localparam integer ACC1_DEPTH = ((MAX_LAYERS - 1) << HA) + S1;
    localparam integer SUB_DEPTH = ((MAX_LAYERS - 1) << HSA) + HS;
    localparam integer UA = GEN && HA > RA ? HA : RA;  // word index of a scheduled row
    // weights: ff[0] and the readout at fixed words, then ff[1..] and rec[..] (docs/core.md)
    localparam integer WFIXED = MAX_IN * S1 + MAX_HID * S2;
    localparam integer WDEPTH = WORDS > 0 ? WORDS :
        WFIXED + ((MAX_LAYERS - 1) + (RECURRENT != 0 ? MAX_LAYERS : 0)) * MAX_HID * S1;
    localparam integer WMA = $clog2(WDEPTH);

    // parameter rules (docs/core.md, "Parameters"): refused at elaboration
    generate
        if (P < 2 || (P & (P - 1)) != 0)
            $error("snn_core: P (input lanes) must be a power of 2, at least 2");
        if (PL < 1 || PL > P || (PL & (PL - 1)) != 0)
            $error("snn_core: PL (hidden update lanes) must be a power of 2 dividing P");
        if (RL < 1 || RL > P || (RL & (RL - 1)) != 0)
            $error("snn_core: RL (readout update lanes) must be a power of 2 dividing P");
        if (B < 1 || B > 16 || H < 8 || H > 32 || R < 8 || R > 40)
            $error("snn_core: widths out of spec 1.4: B 1..16, H 8..32, R 8..40");
        if (MAX_LAYERS < 1 || MAX_LAYERS > 4)
            $error("snn_core: MAX_LAYERS must be 1..4 (layer fields of addresses are 2 bits)");
        if (RECURRENT != 0 && RECURRENT != 1 || NOISE != 0 && NOISE != 1 ||
            OUT_DECAYS != 0 && OUT_DECAYS != 1)
            $error("snn_core: RECURRENT, OUT_DECAYS and NOISE are 0 or 1");
        if (MAX_IN < 1 || MAX_IN > 65535 || MAX_HID < 1 || MAX_HID > 1024 || MAX_OUT < 1 ||
            MAX_OUT > 256)
            $error("snn_core: MAX_IN 1..65535, MAX_HID 1..1024 (neuron field), MAX_OUT 1..256");
        if (WORDS != 0 && WORDS < WFIXED)
            $error("snn_core: WORDS must hold ff[0] and the readout: MAX_IN*S1 + MAX_HID*S2");
        if (WDEPTH * P > (1 << 23))
            $error("snn_core: the weight memory exceeds the 23-bit write address");
        if (P / PL > 256 || P / RL > 256)
            $error("snn_core: P / PL and P / RL must be at most 256");
    endgenerate

    // configuration
    wire [15:0] n_in, n_hid, n_out, pre_exc, steps, hid_words, out_words, hid_subs, out_subs;
    wire [31:0] theta, seed, image_index;
    wire [11:0] alpha_q, beta_q, out_alpha_q, out_beta_q;
    wire [4:0]  noise_bits;
    wire        start, w_we, recurrent;
    wire [WMA-1:0] w_word, ff_base, rec_base;
    wire [LP-1:0]  w_lane;
    wire [LAW-1:0] layer, pre_layer, last_layer;

    snn_regs #(.P(P), .PL(PL), .RL(RL), .WMA(WMA), .MAX_LAYERS(MAX_LAYERS),
               .RECURRENT(RECURRENT), .OUT_DECAYS(OWN_DECAYS), .LAW(LAW)) u_regs (
        .clk(clk), .rst(rst), .busy(busy), .wr_en(wr_en), .wr_addr(wr_addr), .wr_data(wr_data),
        .layer(layer), .pre_layer(pre_layer),
        .n_in(n_in), .n_out(n_out), .steps(steps), .noise_bits(noise_bits), .seed(seed),
        .out_alpha_q(out_alpha_q), .out_beta_q(out_beta_q), .last_layer(last_layer),
        .out_words(out_words), .out_subs(out_subs),
        .n_hid(n_hid), .hid_words(hid_words), .hid_subs(hid_subs), .theta(theta),
        .alpha_q(alpha_q), .beta_q(beta_q), .recurrent(recurrent), .ff_base(ff_base),
        .rec_base(rec_base), .pre_exc(pre_exc),
        .start(start), .image_index(image_index), .w_we(w_we), .w_word(w_word), .w_lane(w_lane));
    // n_in is the host's business (events arrive with i < n_in); theta fits H bits (spec §2.3)
    wire unused_regs = &{1'b0, n_in, theta};

    // control
    wire [WMA-1:0] wm_addr;
    wire [P-1:0]   wm_we;
    wire           wm_re, acc1_re, acc1_we, sm_re, sm_we, spm_re, acc2_re, acc2_we, fom_re, fom_we;
    wire           clearing;
    wire [A1-1:0]  acc1_raddr, acc1_waddr;
    wire [AS-1:0]  sm_raddr, sm_waddr, spm_raddr;
    wire [RA-1:0]  acc2_raddr, acc2_waddr;
    wire [RSA-1:0] fom_raddr, fom_waddr;
    wire           c_int, c_hid, c_scan, c_ri, c_ru, c_neg, c_pred, c_rd;
    wire [HSA-1:0] c_scan_word;
    wire [7:0]     c_hsub, c_rsub;
    wire [PL-1:0]  c_lanes;
    wire [15:0]    c_base, c_k, c_rd_addr;
    wire           ri_issue, sched_idle, sched_hold, noise_busy;
    wire [15:0]    ri_neuron;
    wire [UA-1:0]  ri_word, sched_words;

    snn_ctrl #(.P(P), .PL(PL), .RL(RL), .S1(S1), .S2(S2), .MAX_IN(MAX_IN),
               .MAX_LAYERS(MAX_LAYERS), .RECURRENT(RECURRENT), .LAW(LAW), .HA(HA), .HSA(HSA),
               .A1(A1), .AS(AS),
               .RA(RA), .RSA(RSA), .UA(UA), .WMA(WMA)) u_ctrl (
        .clk(clk), .rst(rst), .start(start), .n_hid(n_hid), .n_out(n_out), .pre_exc(pre_exc),
        .steps(steps), .hid_words(hid_words), .out_words(out_words), .hid_subs(hid_subs),
        .out_subs(out_subs), .last_layer(last_layer), .recurrent(recurrent), .ff_base(ff_base),
        .rec_base(rec_base), .noise_busy(noise_busy), .layer(layer), .pre_layer(pre_layer),
        .w_we(w_we), .w_word(w_word), .w_lane(w_lane),
        .ev_valid(ev_valid), .ev_end(ev_end), .ev_index(ev_index), .ev_ready(ev_ready),
        .ri_issue(ri_issue), .ri_neuron(ri_neuron), .ri_word(ri_word), .sched_idle(sched_idle),
        .sched_hold(sched_hold), .sched_words(sched_words),
        .rd_en(rd_en), .rd_addr(rd_addr),
        .wm_addr(wm_addr), .wm_we(wm_we), .wm_re(wm_re),
        .acc1_re(acc1_re), .acc1_raddr(acc1_raddr), .acc1_we(acc1_we), .acc1_waddr(acc1_waddr),
        .sm_re(sm_re), .sm_raddr(sm_raddr), .sm_we(sm_we), .sm_waddr(sm_waddr),
        .spm_re(spm_re), .spm_raddr(spm_raddr),
        .acc2_re(acc2_re), .acc2_raddr(acc2_raddr), .acc2_we(acc2_we), .acc2_waddr(acc2_waddr),
        .fom_re(fom_re), .fom_raddr(fom_raddr), .fom_we(fom_we), .fom_waddr(fom_waddr),
        .clearing(clearing), .c_int(c_int), .c_hid(c_hid), .c_hsub(c_hsub), .c_lanes(c_lanes),
        .c_base(c_base), .c_scan(c_scan), .c_scan_word(c_scan_word), .c_ri(c_ri), .c_neg(c_neg),
        .c_ru(c_ru), .c_rsub(c_rsub),
        .c_pred(c_pred), .c_k(c_k), .c_rd(c_rd), .c_rd_addr(c_rd_addr),
        .busy(busy), .done(done), .step(spk_step));

    // weights
    wire [P*B-1:0] w;
    snn_weight_mem #(.P(P), .B(B), .DEPTH(WDEPTH), .AW(WMA)) u_weights (
        .clk(clk), .addr(wm_addr), .we(wm_we), .wdata(wr_data[B-1:0]), .re(wm_re), .rdata(w));

    // hidden state of all layers: acc1 (P lanes), syn and mem (PL lanes)
    wire [P*H-1:0]  acc1, acc1_next;
    wire [PL*H-1:0] syn, mem, syn_next, mem_next;
    snn_state_mem #(.DEPTH(ACC1_DEPTH), .WIDTH(P*H), .AW(A1)) u_acc1 (
        .clk(clk), .re(acc1_re), .raddr(acc1_raddr), .rdata(acc1),
        .we(acc1_we), .waddr(acc1_waddr), .wdata(acc1_next));
    snn_state_mem #(.DEPTH(SUB_DEPTH), .WIDTH(PL*H), .AW(AS)) u_syn (
        .clk(clk), .re(sm_re), .raddr(sm_raddr), .rdata(syn),
        .we(sm_we), .waddr(sm_waddr), .wdata(syn_next));
    snn_state_mem #(.DEPTH(SUB_DEPTH), .WIDTH(PL*H), .AW(AS)) u_mem (
        .clk(clk), .re(sm_re), .raddr(sm_raddr), .rdata(mem),
        .we(sm_we), .waddr(sm_waddr), .wdata(mem_next));

    // noise: one draw per hidden update lane
    wire [PL*17-1:0] noise;
    generate
        if (NOISE != 0) begin : g_noise
            snn_noise #(.P(PL)) u_noise (
                .clk(clk), .rst(rst), .start(start), .image_index(image_index), .seed(seed),
                .noise_bits(noise_bits), .adv(c_hid && noise_bits != 5'd0 ? c_lanes : {PL{1'b0}}),
                .noise(noise), .busy(noise_busy));
        end else begin : g_no_noise
            // the host refuses N > 0 on this build (register 0x8003 tells it)
            assign noise = {PL*17{1'b0}};
            assign noise_busy = 1'b0;
            wire unused_noise = &{1'b0, image_index, seed, noise_bits};
        end
    endgenerate

    // the hidden lanes
    wire [PL-1:0] spikes;
    snn_hidden_lanes #(.P(P), .PL(PL), .B(B), .H(H), .SIGNED(GEN ? 1 : 0)) u_hidden (
        .clearing(clearing), .c_int(c_int), .c_neg(c_neg), .c_hid(c_hid), .c_hsub(c_hsub),
        .c_lanes(c_lanes),
        .w(w), .acc1(acc1), .syn(syn), .mem(mem), .theta(theta[H-1:0]), .mem_dec(mem_dec),
        .syn_dec(syn_dec), .noise(noise), .acc1_next(acc1_next), .syn_next(syn_next),
        .mem_next(mem_next), .spikes(spikes), .any_spike(spk_valid));
    generate
        if (PL == P) begin : g_spk_full
            assign spk_mask = spikes;
        end else begin : g_spk_low
            assign spk_mask = {{(P-PL){1'b0}}, spikes};
        end
    endgenerate
    assign spk_base = c_base;

    // the previous step's spikes of recurrent layers (spec §4.6): written by the
    // hidden pass, scanned by REC into the scheduler
    wire [PL-1:0] rec_mask;
    generate
        if (RECURRENT != 0) begin : g_spike_mem
            snn_state_mem #(.DEPTH(SUB_DEPTH), .WIDTH(PL), .AW(AS)) u_spikes (
                .clk(clk), .re(spm_re), .raddr(spm_raddr), .rdata(rec_mask),
                .we(sm_we), .waddr(sm_waddr), .wdata(spikes));
        end else begin : g_no_spike_mem
            assign rec_mask = {PL{1'b0}};
            wire unused_spm = &{1'b0, spm_re, spm_raddr};
        end
    endgenerate

    // hidden spikes -> row events: readout (§4.3), the next layer (FF), recurrent (REC)
    wire [15:0] spk_sub = (c_base % 16'd1024) / PL[15:0];  // sub-word within the layer
    wire unused_spk_sub = &{1'b0, spk_sub};
    wire scan_push = c_scan && rec_mask != {PL{1'b0}};
    snn_scheduler #(.PL(PL), .DEPTH(HS), .WA(HSA), .UA(UA)) u_sched (
        .clk(clk), .rst(rst), .push(spk_valid || scan_push),
        .push_word(c_scan ? c_scan_word : spk_sub[HSA-1:0]),
        .push_mask(c_scan ? rec_mask : spikes), .n_words(sched_words), .hold(sched_hold),
        .issue(ri_issue), .issue_neuron(ri_neuron), .issue_word(ri_word), .idle(sched_idle));

    // readout state: acc2 (P lanes), flt, out, max (RL lanes)
    wire [P*R-1:0]  acc2, acc2_next;
    wire [RL*R-1:0] flt, out, max, flt_next, out_next, max_next;
    snn_state_regs #(.DEPTH(S2), .LANES(P), .W(R), .USED(MAX_OUT), .AW(RA)) u_acc2 (
        .clk(clk), .re(acc2_re), .raddr(acc2_raddr), .rdata(acc2),
        .we(acc2_we), .waddr(acc2_waddr), .wdata(acc2_next));
    snn_state_mem #(.DEPTH(RS), .WIDTH(RL*R), .AW(RSA)) u_flt (
        .clk(clk), .re(fom_re), .raddr(fom_raddr), .rdata(flt),
        .we(fom_we), .waddr(fom_waddr), .wdata(flt_next));
    snn_state_mem #(.DEPTH(RS), .WIDTH(RL*R), .AW(RSA)) u_out (
        .clk(clk), .re(fom_re), .raddr(fom_raddr), .rdata(out),
        .we(fom_we), .waddr(fom_waddr), .wdata(out_next));
    snn_state_mem #(.DEPTH(RS), .WIDTH(RL*R), .AW(RSA)) u_max (
        .clk(clk), .re(fom_re), .raddr(fom_raddr), .rdata(max),
        .we(fom_we), .waddr(fom_waddr), .wdata(max_next));

    // the decay multipliers, shared: the hidden pass (c_hid) and the readout pass (c_ru)
    // never run in the same cycle
    wire [PL*H-1:0] mem_dec, syn_dec;
    wire [RL*R-1:0] out_dec, flt_dec;
    snn_decay_bank #(.PL(PL), .RL(RL), .H(H), .R(R)) u_decay (
        .c_ru(c_ru), .mem(mem), .syn(syn), .out(out), .flt(flt), .alpha_q(alpha_q),
        .beta_q(beta_q), .out_alpha_q(out_alpha_q), .out_beta_q(out_beta_q), .mem_dec(mem_dec), .syn_dec(syn_dec), .out_dec(out_dec),
        .flt_dec(flt_dec));

    snn_readout_lanes #(.P(P), .RL(RL), .B(B), .R(R)) u_readout (
        .clearing(clearing), .c_ri(c_ri), .c_neg(c_neg), .c_rsub(c_rsub), .w(w),
        .acc2(acc2), .flt(flt), .max(max), .out_dec(out_dec), .flt_dec(flt_dec),
        .acc2_next(acc2_next), .flt_next(flt_next), .out_next(out_next), .max_next(max_next));

    // prediction and host reads
    snn_argmax #(.RL(RL), .R(R)) u_argmax (
        .clk(clk), .rst(rst), .c_pred(c_pred), .c_k(c_k), .max(max), .prediction(prediction));

    snn_readback #(.P(P), .PL(PL), .RL(RL), .B(B), .H(H), .R(R), .MAX_IN(MAX_IN),
                   .MAX_HID(MAX_HID), .MAX_OUT(MAX_OUT), .NOISE(NOISE), .MAX_LAYERS(MAX_LAYERS),
                   .RECURRENT(RECURRENT), .OUT_DECAYS(OWN_DECAYS), .WDEPTH(WDEPTH)) u_readback (
        .clk(clk), .rst(rst), .start(start), .busy(busy), .spikes(spikes), .c_rd(c_rd),
        .c_rd_addr(c_rd_addr), .max(max), .out(out), .mem(mem), .syn(syn),
        .prediction(prediction), .rd_valid(rd_valid), .rd_data(rd_data));
endmodule

`default_nettype wire
